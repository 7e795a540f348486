"""Manifests for synthetic cohorts written by scripts/cohort.ts (<dir>/<caseId>/<caseId>-{t1n,t1c,t2w,t2f,seg}.nii.gz).
The app's dataset snapshots export the same manifest format; this is for training outside the app."""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

from .config import CHANNELS
from .manifest import write_manifest
from .nifti_io import sha256_file

SUFFIX = {"T1N": "t1n", "T1C": "t1c", "T2W": "t2w", "T2F": "t2f"}


def cohort_cases(cohort: Path) -> list[dict]:
    """Cases from cohort.json when present (its `files` map, paths relative to the cohort), else from the folder
    layout. Cases lacking one of the four channels (e.g. the missing-modality preset) are skipped."""
    index = cohort / "cohort.json"
    if index.is_file():
        listed = [
            (c["caseId"], {k: cohort / v for k, v in c.get("files", {}).items()})
            for c in json.loads(index.read_text())["cases"]
        ]
    else:
        listed = [
            (
                d.name,
                {**{ch: d / f"{d.name}-{SUFFIX[ch]}.nii.gz" for ch in CHANNELS}, "SEG": d / f"{d.name}-seg.nii.gz"},
            )
            for d in sorted(p for p in cohort.iterdir() if p.is_dir())
        ]
    cases = []
    for case_id, files in listed:
        if not all(ch in files and files[ch].is_file() for ch in CHANNELS):
            continue
        seg = files.get("SEG")
        cases.append(
            {
                "caseId": case_id,
                "images": {ch: str(files[ch].resolve()) for ch in CHANNELS},
                "label": str(seg.resolve()) if seg is not None and seg.is_file() else None,
            }
        )
    if not cases:
        raise ValueError(f"{cohort}: no cases with all of {', '.join(CHANNELS)}")
    return cases


def manifest_from_cohort(cohort: Path, out: Path, split: str, val_fraction: float, with_sha: bool) -> int:
    cases = cohort_cases(cohort)
    val_ids: set[str] = set()
    if val_fraction > 0:
        ranked = sorted(cases, key=lambda c: hashlib.sha256(c["caseId"].encode()).hexdigest())
        val_ids = {c["caseId"] for c in ranked[: max(1, math.ceil(val_fraction * len(cases)))]}
    for c in cases:
        c["split"] = "VAL" if c["caseId"] in val_ids else split.upper()
        if with_sha:
            files = dict(c["images"]) | ({"label": c["label"]} if c["label"] else {})
            c["sha256"] = {k: sha256_file(v) for k, v in files.items()}
    canonical = json.dumps([[c["caseId"], c["split"], c.get("sha256")] for c in cases], sort_keys=True)
    snapshot = {"id": f"cohort:{cohort.resolve().name}", "sha256": hashlib.sha256(canonical.encode()).hexdigest()}
    out.parent.mkdir(parents=True, exist_ok=True)
    write_manifest(out, snapshot, "brats2023", cases)
    return len(cases)
