"""Native-grid evaluation: the full reference pipeline on every labelled case, Dice per region against the label."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .cases import load_case
from .manifest import CaseEntry, load_manifest
from .metrics import component_counts, region_dice, summarize, volumes_ml
from .predict import InferenceSpec, load_model_dir, predict_images
from .progress import Progress
from .reference_stats import mahalanobis


def evaluate_entries(
    entries: list[CaseEntry], label_map: str, spec: InferenceSpec, backend, progress: Progress, verify: bool = True
) -> list[dict]:
    rows = []
    for i, entry in enumerate(entries, 1):
        case = load_case(entry, label_map, verify)
        pred = predict_images(case.images, case.affine, spec, backend)
        voxel_ml = float(np.prod(case.meta["spacing"])) / 1000.0
        row = {
            "caseId": entry.case_id,
            "split": entry.split,
            "features": pred.features.tolist(),
            "predictedVolumesMl": volumes_ml(pred.mask, voxel_ml),
            "predictedComponents": component_counts(pred.mask),
        }
        if case.labels is not None:
            row["dice"] = region_dice(pred.mask, case.labels)
            row["labelVolumesMl"] = volumes_ml(case.labels, voxel_ml)
        rows.append(row)
        if "dice" in row:
            d = row["dice"]
            progress.log(
                f"evaluated {entry.case_id} ({i}/{len(entries)}): Dice WT {d['WT']:.3f} TC {d['TC']:.3f} "
                f"ET {d['ET']:.3f}"
            )
    return rows


def summarize_dice(rows: list[dict]) -> dict:
    labelled = [r for r in rows if "dice" in r]
    if not labelled:
        return {"n": 0}
    return {
        "n": len(labelled),
        "grid": "native",
        "dice": {r: summarize([x["dice"][r] for x in labelled]) for r in ("WT", "TC", "ET")},
    }


def run_evaluate(
    model_dir: str,
    manifest_path: str,
    out: str | None,
    split: str | None,
    backend: str,
    threads: int,
    progress: Progress,
) -> dict:
    runner, spec, card = load_model_dir(model_dir, backend, threads)
    manifest = load_manifest(manifest_path)
    entries = [c for c in manifest.cases if split is None or c.split == split.upper()]
    if not entries:
        raise ValueError(f"no cases in {manifest_path}" + (f" with split {split}" if split else ""))
    rows = evaluate_entries(entries, manifest.label_map, spec, runner, progress)
    ref = card.get("reference", {}).get("features")
    if ref:  # the image-based drift score the app computes, for comparison across cohorts
        mean, precision = np.array(ref["mean"]), np.array(ref["precision"])
        for r in rows:
            r["mahalanobis"] = float(mahalanobis(np.array(r["features"]), mean, precision)[0])
    summary = summarize_dice(rows)
    if ref:
        summary["mahalanobis"] = summarize([r["mahalanobis"] for r in rows])
    result = {
        "model": {"name": card["name"], "version": card["version"]},
        "manifest": str(manifest.path),
        "manifestSha256": manifest.sha256,
        "backend": backend,
        "summary": summary,
        "cases": [{k: v for k, v in r.items() if k != "features"} for r in rows],
    }
    if out:
        Path(out).write_text(json.dumps(result, indent=2) + "\n")
    return result
