"""The exact preprocessing and the inverse mapping shared by training and inference (the TS pipeline ports this).

Forward: stack channels -> reorient to RAS -> crop to the non-zero bounding box (+margin) at native resolution ->
z-score each channel over its own non-zero voxels -> trilinear resample to the target spacing.
Inverse: softmax probabilities at target spacing -> trilinear resample to the crop's native shape -> argmax ->
paste into a zero volume -> undo the reorientation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from .orientation import Orientation, from_ras, orientation_from_affine, to_ras


@dataclass(frozen=True)
class Geometry:
    orientation: Orientation
    ras_shape: tuple[int, int, int]
    crop_lo: tuple[int, int, int]  # inclusive, RAS voxel indices
    crop_hi: tuple[int, int, int]  # exclusive
    resampled_shape: tuple[int, int, int]

    @property
    def crop_shape(self) -> tuple[int, int, int]:
        return tuple(h - l for l, h in zip(self.crop_lo, self.crop_hi))  # type: ignore[return-value]


def round_spacing(s: float) -> float:
    """Spacings come from float32 headers; rounding to 1e-4 mm keeps the shape rule identical across readers."""
    return math.floor(s * 1e4 + 0.5) / 1e4


def target_shape(shape, spacing, target) -> tuple[int, int, int]:
    """Per axis: max(1, floor(n * spacing / target + 0.5)), in float64 with the spacing rounded as above."""
    return tuple(max(1, math.floor(n * round_spacing(s) / t + 0.5)) for n, s, t in zip(shape, spacing, target))  # type: ignore[return-value]


def nonzero_bbox(images: np.ndarray, margin: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Bounding box of voxels where any channel != 0, grown by `margin` voxels and clamped to the volume."""
    mask = np.any(images != 0, axis=0)
    if not mask.any():
        raise ValueError("all channels are zero: nothing to segment")
    lo, hi = [], []
    for axis in range(3):
        other = tuple(a for a in range(3) if a != axis)
        idx = np.nonzero(mask.any(axis=other))[0]
        lo.append(max(0, int(idx[0]) - margin))
        hi.append(min(mask.shape[axis], int(idx[-1]) + 1 + margin))
    return tuple(lo), tuple(hi)


def zscore_nonzero(images: np.ndarray) -> np.ndarray:
    """Per channel: mean and population std (float64) over that channel's non-zero voxels; (x - mean) / max(std,
    1e-8) there, exactly 0 elsewhere. An all-zero channel stays all zero."""
    out = np.zeros(images.shape, dtype=np.float32)
    for c in range(images.shape[0]):
        x = images[c]
        mask = x != 0
        if not mask.any():
            continue
        vals = x[mask].astype(np.float64)
        mean = vals.mean()
        std = max(float(np.sqrt(np.mean((vals - mean) ** 2))), 1e-8)
        out[c][mask] = ((vals - mean) / std).astype(np.float32)
    return out


def resample(volumes: np.ndarray, shape: tuple[int, int, int]) -> np.ndarray:
    """torch.nn.functional.interpolate(mode="trilinear", align_corners=False, size=shape) in float32; per axis the
    source coordinate of output index i is max(0, (i + 0.5) * n_in / n_out - 0.5)."""
    if tuple(volumes.shape[1:]) == tuple(shape):
        return volumes.astype(np.float32, copy=True)
    t = torch.from_numpy(np.ascontiguousarray(volumes, dtype=np.float32))[None]
    return F.interpolate(t, size=tuple(shape), mode="trilinear", align_corners=False)[0].numpy()


def preprocess(images: np.ndarray, affine: np.ndarray, target_spacing, margin: int) -> tuple[np.ndarray, Geometry]:
    """images: (C, X, Y, Z) in file voxel order, all channels on one grid. Returns the network input (C, ...)."""
    o = orientation_from_affine(affine)
    ras = to_ras(images, o, copy=False)
    lo, hi = nonzero_bbox(ras, margin)
    crop = np.ascontiguousarray(ras[:, lo[0] : hi[0], lo[1] : hi[1], lo[2] : hi[2]])
    shape = target_shape(crop.shape[1:], o.spacing_ras, target_spacing)
    x = resample(zscore_nonzero(crop), shape)
    return x, Geometry(o, tuple(ras.shape[1:]), lo, hi, shape)  # type: ignore[arg-type]


def crop_ras(volume: np.ndarray, g: Geometry) -> np.ndarray:
    """Applies the same reorientation and crop to another volume on the same grid (labels)."""
    ras = to_ras(volume, g.orientation, copy=False)
    lo, hi = g.crop_lo, g.crop_hi
    return np.ascontiguousarray(ras[..., lo[0] : hi[0], lo[1] : hi[1], lo[2] : hi[2]])


def labels_to_target(labels_crop: np.ndarray, shape, n_classes: int) -> np.ndarray:
    """Training only: one-hot, trilinear to the target grid, argmax (keeps thin structures better than nearest)."""
    onehot = np.stack([(labels_crop == k) for k in range(n_classes)]).astype(np.float32)
    return np.argmax(resample(onehot, shape), axis=0).astype(np.uint8)


def probabilities_to_native(probs: np.ndarray, g: Geometry) -> np.ndarray:
    """probs: (K, *resampled_shape) softmax. Trilinear to the native crop shape, argmax (first maximum wins),
    paste into zeros of the RAS shape, undo the reorientation. Returns uint8 labels in file voxel order."""
    native = resample(probs, g.crop_shape)
    labels_crop = np.argmax(native, axis=0).astype(np.uint8)
    full = np.zeros(g.ras_shape, dtype=np.uint8)
    full[g.crop_lo[0] : g.crop_hi[0], g.crop_lo[1] : g.crop_hi[1], g.crop_lo[2] : g.crop_hi[2]] = labels_crop
    return from_ras(full, g.orientation)
