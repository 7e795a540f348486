"""numpy (X, Y, Z) + RAS affine <-> SimpleITK image (LPS origin, spacing, direction), without a file in between."""

from __future__ import annotations

import numpy as np
import SimpleITK as sitk

from .geometry import RAS_TO_LPS


def to_sitk(data: np.ndarray, affine: np.ndarray) -> sitk.Image:
    lps = RAS_TO_LPS @ np.asarray(affine, dtype=np.float64)
    spacing = np.linalg.norm(lps[:3, :3], axis=0)
    image = sitk.GetImageFromArray(np.ascontiguousarray(np.transpose(data.astype(np.float32), (2, 1, 0))))
    image.SetSpacing(spacing.tolist())
    image.SetDirection((lps[:3, :3] / spacing).flatten().tolist())
    image.SetOrigin(lps[:3, 3].tolist())
    return image


def from_sitk(image: sitk.Image) -> tuple[np.ndarray, np.ndarray]:
    data = np.transpose(sitk.GetArrayFromImage(image), (2, 1, 0))
    lps = np.eye(4)
    lps[:3, :3] = np.asarray(image.GetDirection()).reshape(3, 3) * np.asarray(image.GetSpacing())
    lps[:3, 3] = image.GetOrigin()
    return data, RAS_TO_LPS @ lps
