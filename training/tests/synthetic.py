"""A tiny synthetic cohort for the tests: an ellipsoidal 'brain' in noise with a spherical tumour (ED shell,
ET rim, NCR core), four int16 channels with class-dependent contrast, LPS affine like BraTS."""

from __future__ import annotations

import json
from pathlib import Path

import nibabel as nib
import numpy as np

CHANNELS = ("T1N", "T1C", "T2W", "T2F")
# mean intensity per (class: brain, NCR, ED, ET) and channel
MEANS = np.array([[400, 380, 500, 450], [250, 300, 900, 500], [350, 360, 800, 900], [420, 1100, 600, 700]])
LPS = np.array([[-1.0, 0, 0, 63], [0, -1.0, 0, 63], [0, 0, 1.0, -20], [0, 0, 0, 1]])


def make_volumes(rng: np.random.Generator, shape=(64, 64, 48)) -> tuple[np.ndarray, np.ndarray]:
    grid = np.stack(np.meshgrid(*[np.arange(n, dtype=np.float32) for n in shape], indexing="ij"))
    centre = np.array(shape, dtype=np.float32)[:, None, None, None] / 2
    brain = (((grid - centre) / (np.array(shape)[:, None, None, None] * 0.42)) ** 2).sum(0) <= 1
    tc = centre + rng.uniform(-6, 6, size=(3, 1, 1, 1)).astype(np.float32)
    r = np.sqrt(((grid - tc) ** 2).sum(0))
    r_ed, r_et = rng.uniform(10, 13), rng.uniform(5, 7)
    labels = np.zeros(shape, np.uint8)
    labels[r <= r_ed] = 2
    labels[r <= r_et] = 3
    labels[r <= r_et - 2.5] = 1
    labels[~brain] = 0
    images = np.zeros((4, *shape), np.float32)
    for c in range(4):
        cls = np.where(labels > 0, labels, 0)
        mean = MEANS[cls, c].astype(np.float32)
        images[c] = np.where(brain, mean + rng.normal(0, 40, size=shape), 0)
    return np.clip(images, 1, 32000).astype(np.int16) * brain, labels


def write_case(root: Path, case_id: str, seed: int, affine=LPS) -> dict:
    rng = np.random.default_rng(seed)
    images, labels = make_volumes(rng)
    d = root / case_id
    d.mkdir(parents=True, exist_ok=True)
    paths = {}
    for c, ch in enumerate(CHANNELS):
        p = d / f"{case_id}-{ch.lower()}.nii.gz"
        nib.save(nib.Nifti1Image(images[c], affine), str(p))
        paths[ch] = str(p)
    seg = d / f"{case_id}-seg.nii.gz"
    nib.save(nib.Nifti1Image(labels, affine), str(seg))
    return {"caseId": case_id, "images": paths, "label": str(seg)}


def write_cohort(root: Path, n: int, seed: int = 0, val: int = 1) -> Path:
    cases = [write_case(root, f"case-{i:03d}", seed * 1000 + i) for i in range(n)]
    for i, c in enumerate(cases):
        c["split"] = "VAL" if i >= n - val else "TRAIN"
    manifest = root / "manifest.json"
    manifest.write_text(
        json.dumps(
            {"version": 1, "snapshot": {"id": "fixture", "sha256": "0" * 64}, "labelMap": "brats2023", "cases": cases}
        )
    )
    return manifest
