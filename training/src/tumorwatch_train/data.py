"""Training data: each case is preprocessed once (the same function inference uses) and kept in memory at the
target spacing; patches are sampled with a bias towards tumour and augmented with flips and intensity changes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .cases import load_case
from .config import CLASS_NAMES, TrainConfig
from .manifest import CaseEntry
from .preprocess import crop_ras, labels_to_target, preprocess
from .reference_stats import CaseStats, case_stats


@dataclass
class CachedCase:
    case_id: str
    x: np.ndarray  # (C, X, Y, Z) float32 on the target grid
    y: np.ndarray  # (X, Y, Z) uint8 product labels on the target grid
    fg: dict[int, np.ndarray]  # class -> flat voxel indices of that class
    stats: CaseStats


def cache_case(entry: CaseEntry, label_map: str, cfg: TrainConfig, verify: bool = True) -> CachedCase:
    case = load_case(entry, label_map, verify)
    if case.labels is None:
        raise ValueError(f"case {entry.case_id} ({entry.split}) has no label; training needs one")
    x, g = preprocess(case.images, case.affine, cfg.target_spacing, cfg.crop_margin_voxels)
    y = labels_to_target(crop_ras(case.labels, g), g.resampled_shape, len(CLASS_NAMES))
    stats = case_stats(case, crop_ras(case.images, g))
    fg = {k: np.flatnonzero(y == k) for k in range(1, len(CLASS_NAMES))}
    return CachedCase(entry.case_id, x, y, {k: v for k, v in fg.items() if v.size}, stats)


def _pad_to(x: np.ndarray, y: np.ndarray, patch) -> tuple[np.ndarray, np.ndarray]:
    pads = [(0, max(0, p - n)) for n, p in zip(y.shape, patch)]
    if not any(b for _, b in pads):
        return x, y
    return np.pad(x, [(0, 0), *pads]), np.pad(y, pads)


class PatchSampler:
    def __init__(self, cases: list[CachedCase], cfg: TrainConfig, rng: np.random.Generator):
        self.cases, self.cfg, self.rng = cases, cfg, rng

    def _center(self, case: CachedCase) -> tuple[int, int, int]:
        if case.fg and self.rng.random() < self.cfg.fg_prob:
            cls = sorted(case.fg)[self.rng.integers(len(case.fg))]  # uniform over present classes: ET is small
            flat = case.fg[cls][self.rng.integers(case.fg[cls].size)]
            return tuple(int(v) for v in np.unravel_index(flat, case.y.shape))  # type: ignore[return-value]
        return tuple(int(self.rng.integers(n)) for n in case.y.shape)  # type: ignore[return-value]

    def sample(self) -> tuple[np.ndarray, np.ndarray]:
        case = self.cases[self.rng.integers(len(self.cases))]
        center = self._center(case)
        x, y = _pad_to(case.x, case.y, self.cfg.patch_size)
        starts = [min(max(c - p // 2, 0), n - p) for c, p, n in zip(center, self.cfg.patch_size, y.shape)]
        sl = tuple(slice(s, s + p) for s, p in zip(starts, self.cfg.patch_size))
        return augment(x[(slice(None), *sl)].copy(), y[sl].copy(), self.rng)

    def batch(self) -> tuple[np.ndarray, np.ndarray]:
        pairs = [self.sample() for _ in range(self.cfg.batch_size)]
        return np.stack([p[0] for p in pairs]), np.stack([p[1] for p in pairs])


def augment(x: np.ndarray, y: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Flips on each axis (p=0.5); per channel, inside the brain (x != 0): scale U(0.85, 1.15), shift U(-0.15,
    0.15), and with p=0.2 Gaussian noise of sd U(0, 0.1). Outside the brain stays exactly 0, as at inference."""
    for axis in range(3):
        if rng.random() < 0.5:
            x, y = np.flip(x, axis=axis + 1), np.flip(y, axis=axis)
    x = np.ascontiguousarray(x)
    for c in range(x.shape[0]):
        brain = x[c] != 0
        v = x[c][brain] * rng.uniform(0.85, 1.15) + rng.uniform(-0.15, 0.15)
        if rng.random() < 0.2:
            v = v + rng.normal(0.0, rng.uniform(0.0, 0.1), size=v.shape)
        x[c][brain] = v.astype(np.float32)
    return x, np.ascontiguousarray(y)
