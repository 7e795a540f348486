"""An oblique acquisition of the same head: the volume resampled onto a grid tilted about the left-right axis, with
its own spacing and extent, as a technologist angles a 2D series along the AC-PC line."""

from __future__ import annotations

import math

import numpy as np
import SimpleITK as sitk

from .sitk_io import from_sitk, to_sitk


def oblique_resample(data: np.ndarray, affine: np.ndarray, angle_deg: float) -> tuple[np.ndarray, np.ndarray]:
    """(data, affine) of the same anatomy on a grid rotated by angle_deg about L-R, 1.15x the in-plane spacing."""
    image = to_sitk(data, affine)
    a = math.radians(angle_deg)
    tilt = np.array([[1, 0, 0], [0, math.cos(a), -math.sin(a)], [0, math.sin(a), math.cos(a)]])
    direction = tilt @ np.asarray(image.GetDirection()).reshape(3, 3)
    spacing = np.asarray(image.GetSpacing()) * np.array([1.15, 1.15, 1.0])
    size = np.asarray(image.GetSize())
    extent = size * np.asarray(image.GetSpacing())
    new_size = np.ceil(extent / spacing).astype(int)
    centre = np.asarray(image.TransformContinuousIndexToPhysicalPoint(((size - 1) / 2).tolist()))
    origin = centre - direction @ (((new_size - 1) / 2) * spacing)
    grid = sitk.Image([int(s) for s in new_size], sitk.sitkFloat32)
    grid.SetSpacing(spacing.tolist())
    grid.SetDirection(direction.flatten().tolist())
    grid.SetOrigin(origin.tolist())
    out = sitk.Resample(image, grid, sitk.Transform(), sitk.sitkLinear, 0.0, sitk.sitkFloat32)
    return from_sitk(out)
