"""Optional model-card statistics the drift checks use when a card has them (lib/server/drift/reference.ts
OPTIONAL_CARD_FIELDS), computed from a training manifest the way training/src/tumorwatch_train/reference_stats.py
computes the rest: a reference implementation to move into the trainer, and a what-if input for bench/drift.ts
(--card-extra). Writes {"reference": {...}} to merge into model-card.json.

  .venv/bin/python bench/drift_card_extras.py --manifest <manifest.json> --out <extras.json> [--min-lesion-ml 0.5]

Fields: intensity.channels.<ch>.shapeDistance (train cases), imageMetadata.brainVolumeMl, volumes.lesions and
volumes.ratios.ET_TC (train + val, like imageMetadata and volumes). Not here, because they need the model's own
validation predictions: volumes.predictedComponents and uncertainty (mean normalised softmax entropy in the
predicted tumour), which belong in the trainer's validation pass.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import cc3d
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "training" / "src"))
from tumorwatch_train.cases import load_case  # noqa: E402
from tumorwatch_train.config import CHANNELS  # noqa: E402
from tumorwatch_train.manifest import load_manifest  # noqa: E402
from tumorwatch_train.metrics import quantiles  # noqa: E402
from tumorwatch_train.reference_stats import INTENSITY_LEVELS  # noqa: E402


def z_quantiles(q: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """z-scores of a quantile function, mean and SD taken as if uniform between consecutive levels."""
    w, a, b = np.diff(levels), q[:-1], q[1:]
    mean = np.sum(w * (a + b) / 2)
    m2 = np.sum(w * (a * a + a * b + b * b) / 3)
    return (q - mean) / max(np.sqrt(max(m2 - mean * mean, 0.0)), 1e-8)


def shape_distance(qa, qb, levels=INTENSITY_LEVELS) -> float:
    """W1 between two z-scored piecewise-linear quantile functions (lib/server/drift/intensity.ts shapeDistance)."""
    lv = np.asarray(levels, dtype=np.float64)
    d = z_quantiles(np.asarray(qa, np.float64), lv) - z_quantiles(np.asarray(qb, np.float64), lv)
    w, a, b = np.diff(lv), d[:-1], d[1:]
    s = np.abs(a) + np.abs(b)
    seg = np.where(a * b >= 0, s / 2, (a * a + b * b) / (2 * np.where(s > 0, s, 1.0)))
    return float(np.sum(w * seg))


def case_extras(case, min_lesion_ml: float) -> dict:
    voxel_ml = float(np.prod(case.meta["spacing"])) / 1000.0
    intensity = {}
    for c, ch in enumerate(CHANNELS):
        v = case.images[c][case.images[c] != 0]
        intensity[ch] = np.quantile(v, INTENSITY_LEVELS) if v.size else np.zeros(len(INTENSITY_LEVELS))
    out = {"intensity": intensity, "brainMl": float(np.count_nonzero(np.any(case.images != 0, axis=0))) * voxel_ml}
    if case.labels is not None:
        lab, n = cc3d.connected_components((case.labels > 0).astype(np.uint8), connectivity=26, return_N=True)
        sizes = np.bincount(lab.ravel())[1:] * voxel_ml
        out["lesions"] = int(np.sum(sizes >= min_lesion_ml))
        et, tc = np.sum(case.labels == 3), np.sum(np.isin(case.labels, (1, 3)))
        out["etTc"] = float(et / tc) if tc > 0 else None
    return out


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--manifest", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--min-lesion-ml", type=float, default=0.5)
    a = p.parse_args()
    m = load_manifest(a.manifest)
    train = [c for c in m.cases if c.split == "TRAIN"]
    val = [c for c in m.cases if c.split == "VAL"]
    rows = {c.case_id: case_extras(load_case(c, m.label_map, verify=False), a.min_lesion_ml) for c in train + val}
    tr = [rows[c.case_id] for c in train]
    channels = {}
    for ch in CHANNELS:
        pooled = np.mean([r["intensity"][ch] for r in tr], axis=0)
        channels[ch] = {"shapeDistance": quantiles([shape_distance(r["intensity"][ch], pooled) for r in tr])}
    labelled = [r for r in rows.values() if "lesions" in r]
    extras = {
        "reference": {
            "intensity": {"channels": channels},
            "imageMetadata": {"brainVolumeMl": quantiles([r["brainMl"] for r in rows.values()])},
            "volumes": {
                "lesions": {"minMl": a.min_lesion_ml, "counts": quantiles([r["lesions"] for r in labelled])},
                "ratios": {"ET_TC": quantiles([r["etTc"] for r in labelled if r["etTc"] is not None])},
            },
        }
    }
    Path(a.out).write_text(json.dumps(extras, indent=1) + "\n")
    print(json.dumps({"cases": len(rows), "out": a.out}))


if __name__ == "__main__":
    main()
