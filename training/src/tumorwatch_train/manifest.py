"""Dataset manifest (the app's dataset-snapshot export): reading, path resolution, sha256 checks, label maps.
The format is documented in training/README.md."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .config import CHANNELS
from .nifti_io import sha256_file

# Mirrors lib/labels.ts (toProduct): source label value -> product label (1 NCR, 2 ED, 3 ET).
LABEL_MAPS: dict[str, dict[int, int]] = {
    "brats2023": {1: 1, 2: 2, 3: 3},
    "brats2020": {1: 1, 2: 2, 4: 3},
    "brats2024": {1: 1, 2: 2, 3: 3},
}


@dataclass
class CaseEntry:
    case_id: str
    split: str
    images: dict[str, Path]
    label: Path | None
    sha256: dict[str, str] = field(default_factory=dict)


@dataclass
class Manifest:
    path: Path
    sha256: str
    snapshot: dict
    label_map: str
    cases: list[CaseEntry]

    def split(self, name: str) -> list[CaseEntry]:
        return [c for c in self.cases if c.split == name]


def _resolve(base: Path, p: str) -> Path:
    q = Path(p)
    return q if q.is_absolute() else (base / q).resolve()


def load_manifest(path: str | Path) -> Manifest:
    path = Path(path).resolve()
    raw = path.read_bytes()
    doc = json.loads(raw)
    label_map = doc.get("labelMap", "brats2023")
    if label_map not in LABEL_MAPS:
        raise ValueError(f"manifest labelMap {label_map!r} unknown; known: {', '.join(LABEL_MAPS)}")
    cases, seen = [], set()
    for i, c in enumerate(doc.get("cases", [])):
        cid = c.get("caseId")
        if not cid or cid in seen:
            raise ValueError(f"manifest case #{i}: missing or duplicate caseId {cid!r}")
        seen.add(cid)
        imgs = c.get("images", {})
        missing = [ch for ch in CHANNELS if ch not in imgs]
        if missing:
            raise ValueError(f"manifest case {cid}: missing images {missing}")
        label = _resolve(path.parent, c["label"]) if c.get("label") else None
        cases.append(
            CaseEntry(
                case_id=cid,
                split=str(c.get("split", "TRAIN")).upper(),
                images={ch: _resolve(path.parent, imgs[ch]) for ch in CHANNELS},
                label=label,
                sha256=dict(c.get("sha256") or {}),
            )
        )
    if not cases:
        raise ValueError(f"manifest {path} has no cases")
    return Manifest(path, hashlib.sha256(raw).hexdigest(), doc.get("snapshot") or {}, label_map, cases)


def verify_case(case: CaseEntry) -> None:
    """Checks every file the manifest gives a sha256 for (keys: channel names and "label")."""
    files = dict(case.images)
    if case.label is not None:
        files["label"] = case.label
    for key, expected in case.sha256.items():
        if key not in files:
            raise ValueError(f"case {case.case_id}: sha256 given for unknown file key {key!r}")
        actual = sha256_file(files[key])
        if actual != expected.lower():
            raise ValueError(f"case {case.case_id}: sha256 mismatch for {key} ({files[key]}): {actual} != {expected}")


def to_product_labels(labels: np.ndarray, label_map: str) -> np.ndarray:
    lut = np.full(256, -1, dtype=np.int16)
    lut[0] = 0
    for src, dst in LABEL_MAPS[label_map].items():
        lut[src] = dst
    lo, hi = int(labels.min()), int(labels.max())
    if lo < 0 or hi > 255:
        raise ValueError(f"label values {lo}..{hi} are outside 0..255")
    out = lut[labels]
    if (out < 0).any():
        unknown = sorted(set(np.unique(labels[out < 0]).tolist()))
        raise ValueError(f"labels {unknown} are not in label map {label_map!r}")
    return out.astype(np.uint8)


def write_manifest(path: Path, snapshot: dict, label_map: str, cases: list[dict]) -> None:
    doc = {"version": 1, "snapshot": snapshot, "labelMap": label_map, "cases": cases}
    path.write_text(json.dumps(doc, indent=2) + "\n")
