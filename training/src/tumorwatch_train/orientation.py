"""Reorientation to RAS by axis permutes and flips only (never interpolation), exactly invertible.

Rule (also in the model card): for voxel axis j take column j of the affine's 3x3 part; its world axis is
argmax_i |A[i, j]| (NIfTI world space is RAS+: i = 0 R, 1 A, 2 S) and its sign is sign(A[world, j]). The three
world axes must be distinct (else the volume is too oblique and is rejected). The RAS array has axis k = the voxel
axis whose world axis is k, reversed when that sign is negative.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

AXIS_CODES = (("L", "R"), ("P", "A"), ("I", "S"))


@dataclass(frozen=True)
class Orientation:
    perm: tuple[int, int, int]  # perm[k] = voxel axis that becomes RAS axis k
    flip: tuple[bool, bool, bool]  # flip[k]: reverse RAS axis k after the permute
    spacing_ras: tuple[float, float, float]  # mm per voxel along RAS axes
    codes: str  # the source axis codes, e.g. "LPS"


def orientation_from_affine(affine: np.ndarray) -> Orientation:
    a = np.asarray(affine, dtype=np.float64)[:3, :3]
    world = [int(np.argmax(np.abs(a[:, j]))) for j in range(3)]
    if sorted(world) != [0, 1, 2]:
        raise ValueError(f"affine is too oblique to reorient by permutes/flips: {a.tolist()}")
    signs = [float(np.sign(a[world[j], j])) for j in range(3)]
    spacing = [float(np.linalg.norm(a[:, j])) for j in range(3)]
    perm = tuple(world.index(k) for k in range(3))
    flip = tuple(signs[perm[k]] < 0 for k in range(3))
    codes = "".join(AXIS_CODES[world[j]][1 if signs[j] > 0 else 0] for j in range(3))
    return Orientation(perm, flip, tuple(spacing[perm[k]] for k in range(3)), codes)  # type: ignore[arg-type]


def to_ras(data: np.ndarray, o: Orientation, copy: bool = True) -> np.ndarray:
    """Spatial axes are the last three; leading axes (channels) are kept. copy=False returns a strided view (crop it
    before copying: the full volume is large)."""
    lead = data.ndim - 3
    out = np.transpose(data, tuple(range(lead)) + tuple(lead + p for p in o.perm))
    for k in range(3):
        if o.flip[k]:
            out = np.flip(out, axis=lead + k)
    return np.ascontiguousarray(out) if copy else out


def from_ras(data: np.ndarray, o: Orientation) -> np.ndarray:
    lead = data.ndim - 3
    out = data
    for k in range(3):
        if o.flip[k]:
            out = np.flip(out, axis=lead + k)
    inverse = [0, 0, 0]
    for k, p in enumerate(o.perm):
        inverse[p] = k
    out = np.transpose(out, tuple(range(lead)) + tuple(lead + i for i in inverse))
    return np.ascontiguousarray(out)
