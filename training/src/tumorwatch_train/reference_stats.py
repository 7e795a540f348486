"""Reference statistics of the training data that the app's drift checks compare new cases against: raw intensity
quantiles inside the brain, image metadata, bottleneck-feature mean/covariance (Mahalanobis), subregion volumes."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from .cases import LoadedCase
from .config import CHANNELS
from .metrics import QUANTILE_LEVELS, SUBREGIONS, component_counts, quantiles, volumes_ml

INTENSITY_LEVELS = [round(i / 100, 2) for i in range(101)]


@dataclass
class CaseStats:
    case_id: str
    intensity: dict[str, list[float]]  # channel -> raw quantiles at INTENSITY_LEVELS over its non-zero voxels
    meta: dict
    volumes: dict[str, float]
    components: dict[str, int]


def case_stats(case: LoadedCase, raw_crop: np.ndarray) -> CaseStats:
    """raw_crop: the reoriented, cropped raw channels (cropping never drops non-zero voxels)."""
    intensity = {}
    for c, ch in enumerate(CHANNELS):
        v = raw_crop[c][raw_crop[c] != 0]
        intensity[ch] = [float(q) for q in np.quantile(v, INTENSITY_LEVELS)] if v.size else [0.0] * 101
    voxel_ml = float(np.prod(case.meta["spacing"])) / 1000.0
    labels = case.labels if case.labels is not None else np.zeros(case.images.shape[1:], np.uint8)
    return CaseStats(case.case_id, intensity, case.meta, volumes_ml(labels, voxel_ml), component_counts(labels))


def intensity_reference(stats: list[CaseStats]) -> dict:
    """pooledQuantiles: the mean of the per-case quantile functions (the 1-D Wasserstein barycentre);
    caseMedian/caseP01/caseP99: how one case's median and 1st/99th percentiles vary across the training cases."""
    channels = {}
    for ch in CHANNELS:
        per_case = np.array([s.intensity[ch] for s in stats], dtype=np.float64)
        channels[ch] = {
            "pooledQuantiles": [float(v) for v in per_case.mean(axis=0)],
            "caseMedian": quantiles(per_case[:, 50]),
            "caseP01": quantiles(per_case[:, 1]),
            "caseP99": quantiles(per_case[:, 99]),
        }
    return {
        "space": "raw intensities (after scl_slope/scl_inter), non-zero voxels of each channel, native grid",
        "levels": INTENSITY_LEVELS,
        "channels": channels,
    }


def metadata_reference(stats: list[CaseStats]) -> dict:
    def counted(key: str) -> list[dict]:
        c = Counter(tuple(s.meta[key]) if isinstance(s.meta[key], list) else s.meta[key] for s in stats)
        return [{"value": list(k) if isinstance(k, tuple) else k, "count": n} for k, n in c.most_common()]

    return {
        "n": len(stats),
        "spacingMm": counted("spacing"),
        "dims": counted("dims"),
        "orientations": counted("orientation"),
        "dtypes": counted("dtype"),
    }


def ledoit_wolf(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Mean, shrunk covariance (towards a scaled identity) and the Ledoit-Wolf shrinkage intensity."""
    mean = x.mean(axis=0)
    xc = x - mean
    n, p = xc.shape
    s = xc.T @ xc / n
    m = np.trace(s) / p
    d2 = float(np.sum((s - m * np.eye(p)) ** 2))
    b2 = sum(float(np.sum((np.outer(r, r) - s) ** 2)) for r in xc) / n**2
    shrink = 1.0 if d2 == 0 else min(b2, d2) / d2
    ridge = 1e-6 * (m if m > 0 else 1.0)  # keeps the inverse finite for degenerate (one-case, constant) inputs
    return mean, shrink * m * np.eye(p) + (1 - shrink) * s + ridge * np.eye(p), shrink


def mahalanobis(x: np.ndarray, mean: np.ndarray, precision: np.ndarray) -> np.ndarray:
    d = np.atleast_2d(x) - mean
    return np.sqrt(np.maximum(np.einsum("ij,jk,ik->i", d, precision, d), 0.0))


def feature_reference(train: np.ndarray, val: np.ndarray) -> dict:
    mean, cov, shrink = ledoit_wolf(train.astype(np.float64))
    precision = np.linalg.inv(cov)
    return {
        "source": "model `features` output averaged over sliding windows (see inference.featureAggregation)",
        "dim": int(train.shape[1]),
        "n": int(train.shape[0]),
        "mean": mean.tolist(),
        "covariance": cov.tolist(),
        "precision": precision.tolist(),
        "shrinkage": shrink,
        "estimator": "ledoit-wolf",
        "mahalanobis": {
            "train": quantiles(mahalanobis(train, mean, precision)),
            "val": quantiles(mahalanobis(val, mean, precision)) if len(val) else None,
        },
    }


def volume_reference(stats: list[CaseStats], predicted_val: list[dict[str, float]]) -> dict:
    return {
        "unit": "mL",
        "labels": {r: quantiles([s.volumes[r] for s in stats]) for r in SUBREGIONS},
        "predictedVal": {r: quantiles([v[r] for v in predicted_val]) for r in SUBREGIONS} if predicted_val else None,
        "components": {r: quantiles([s.components[r] for s in stats]) for r in ("WT", "TC", "ET")},
        "levels": QUANTILE_LEVELS,
    }
