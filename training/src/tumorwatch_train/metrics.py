"""Plain segmentation metrics used for validation and the reference statistics (the app has the BraTS lesion-wise
ones)."""

from __future__ import annotations

import cc3d
import numpy as np

REGIONS: dict[str, tuple[int, ...]] = {"WT": (1, 2, 3), "TC": (1, 3), "ET": (3,)}
SUBREGIONS: dict[str, tuple[int, ...]] = {"NCR": (1,), "ED": (2,), "ET": (3,), "TC": (1, 3), "WT": (1, 2, 3)}


def region_mask(labels: np.ndarray, values: tuple[int, ...]) -> np.ndarray:
    return np.isin(labels, values)


def dice(pred: np.ndarray, ref: np.ndarray) -> float:
    """Both empty -> 1.0 (BraTS convention for a correctly empty region)."""
    a, b = int(pred.sum()), int(ref.sum())
    if a + b == 0:
        return 1.0
    return 2.0 * int(np.logical_and(pred, ref).sum()) / (a + b)


def region_dice(pred: np.ndarray, ref: np.ndarray) -> dict[str, float]:
    return {r: dice(region_mask(pred, v), region_mask(ref, v)) for r, v in REGIONS.items()}


def volumes_ml(labels: np.ndarray, voxel_ml: float) -> dict[str, float]:
    return {r: float(region_mask(labels, v).sum()) * voxel_ml for r, v in SUBREGIONS.items()}


def component_counts(labels: np.ndarray) -> dict[str, int]:
    """Connected components (26-connectivity) of the WT, TC and ET regions."""
    out = {}
    for r, v in REGIONS.items():
        _, n = cc3d.connected_components(region_mask(labels, v).astype(np.uint8), connectivity=26, return_N=True)
        out[r] = int(n)
    return out


QUANTILE_LEVELS = [0.0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1.0]


def quantiles(values, levels=QUANTILE_LEVELS) -> dict:
    """{levels, values} with numpy's default (linear) interpolation; empty input gives nulls."""
    arr = np.asarray(values, dtype=np.float64)
    if arr.size == 0:
        return {"levels": list(levels), "values": [None] * len(levels)}
    return {"levels": list(levels), "values": [float(v) for v in np.quantile(arr, levels)]}


def summarize(values) -> dict:
    arr = np.asarray(values, dtype=np.float64)
    return {
        "n": int(arr.size),
        "mean": float(arr.mean()),
        "median": float(np.median(arr)),
        "min": float(arr.min()),
        "max": float(arr.max()),
        "std": float(arr.std()),
    }
