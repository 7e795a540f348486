"""NIfTI reading and writing. The affine is nibabel's best affine: the sform when sform_code > 0, else the qform when
qform_code > 0, else the Analyze fallback from pixdim. Intensities are scaled by scl_slope/scl_inter when the slope
is set (nibabel's rule) and returned as float32."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import nibabel as nib
import numpy as np


@dataclass
class Volume:
    data: np.ndarray  # (X, Y, Z) in file voxel order
    affine: np.ndarray  # 4x4 float64
    header: nib.Nifti1Header
    dtype: str  # on-disk dtype, for the drift metadata


def load_volume(path: str | Path) -> Volume:
    img = nib.load(str(path))
    if len(img.shape) != 3:
        squeezed = [s for s in img.shape if s != 1]
        if len(squeezed) != 3:
            raise ValueError(f"{path}: expected a 3D volume, got shape {img.shape}")
        img = nib.funcs.squeeze_image(img)
    data = np.asarray(img.get_fdata(dtype=np.float32))
    return Volume(data, np.asarray(img.affine, dtype=np.float64), img.header, str(img.get_data_dtype()))


def load_label(path: str | Path) -> tuple[np.ndarray, np.ndarray]:
    img = nib.load(str(path))
    raw = np.asarray(img.dataobj)
    if not np.all(np.isfinite(raw)) or np.any(raw != np.round(raw)):
        raise ValueError(f"{path}: label volume has non-integer values")
    return raw.astype(np.int32).reshape(img.shape[:3]), np.asarray(img.affine, dtype=np.float64)


def save_mask(mask: np.ndarray, like: Volume, path: str | Path) -> None:
    """Writes uint8 labels on the reference image's grid (same affine, sform/qform codes)."""
    header = like.header.copy()
    header.set_data_dtype(np.uint8)
    header["scl_slope"] = 1
    header["scl_inter"] = 0
    img = nib.Nifti1Image(mask.astype(np.uint8), like.affine, header)
    img.set_sform(like.affine, int(like.header["sform_code"]) or 2)
    img.set_qform(like.affine, int(like.header["qform_code"]) or 2)
    nib.save(img, str(path))


def sha256_file(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def same_grid(a: np.ndarray, b: np.ndarray, tol: float = 1e-3) -> bool:
    return bool(np.allclose(a, b, atol=tol))
