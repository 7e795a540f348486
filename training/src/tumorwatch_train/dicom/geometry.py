"""NIfTI (RAS, voxel index i,j,k) <-> DICOM (LPS, one plane per slice). A slice k of a volume is the plane of voxels
(i, j, k): DICOM columns run along i, rows along j, so pixel (row r, column c) is voxel (c, r, k)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

RAS_TO_LPS = np.diag([-1.0, -1.0, 1.0, 1.0])


@dataclass(frozen=True)
class Plane:
    position: list[float]  # ImagePositionPatient (LPS mm) of the first transmitted pixel
    orientation: list[float]  # ImageOrientationPatient: row direction (along columns), then column direction
    pixel_spacing: list[float]  # [between rows, between columns]


def planes_of(affine: np.ndarray, n_slices: int) -> tuple[list[Plane], float]:
    """One plane per slice k of a NIfTI grid, and the slice spacing."""
    lps = RAS_TO_LPS @ np.asarray(affine, dtype=np.float64)
    col_step, row_step, slice_step = lps[:3, 0], lps[:3, 1], lps[:3, 2]
    di, dj = float(np.linalg.norm(col_step)), float(np.linalg.norm(row_step))
    orientation = [float(x) for x in np.concatenate([col_step / di, row_step / dj])]
    planes = [Plane([float(x) for x in lps[:3, 3] + k * slice_step], orientation, [dj, di]) for k in range(n_slices)]
    return planes, float(np.linalg.norm(slice_step))


def slice_pixels(data: np.ndarray, k: int) -> np.ndarray:
    """Rows x columns pixels of slice k (rows along j, columns along i)."""
    return np.ascontiguousarray(data[:, :, k].T)


def plane_points_lps(plane: dict | Plane, rows: int, cols: int) -> np.ndarray:
    """LPS centres of every pixel of a plane, shape (rows, cols, 3) (DICOM PS3.3 C.7.6.2.1.1)."""
    p = plane if isinstance(plane, Plane) else Plane(plane["position"], plane["orientation"], plane["pixel_spacing"])
    origin = np.asarray(p.position, dtype=np.float64)
    row_dir, col_dir = np.asarray(p.orientation[:3]), np.asarray(p.orientation[3:])
    dr, dc = p.pixel_spacing
    r, c = np.meshgrid(np.arange(rows), np.arange(cols), indexing="ij")
    return origin + c[..., None] * dc * row_dir + r[..., None] * dr * col_dir


def voxel_indices(points_lps: np.ndarray, affine: np.ndarray) -> np.ndarray:
    """Nearest NIfTI voxel index (i, j, k) of LPS points, shape (..., 3); exact on a grid the points came from."""
    inverse = np.linalg.inv(RAS_TO_LPS @ np.asarray(affine, dtype=np.float64))
    flat = points_lps.reshape(-1, 3)
    ijk = flat @ inverse[:3, :3].T + inverse[:3, 3]
    return np.rint(ijk).astype(np.int64).reshape(points_lps.shape)


def sample_mask(mask: np.ndarray, affine: np.ndarray, plane: dict | Plane, rows: int, cols: int) -> np.ndarray:
    """The mask's labels at a plane's pixels (0 outside the mask's grid)."""
    ijk = voxel_indices(plane_points_lps(plane, rows, cols), affine)
    inside = np.all((ijk >= 0) & (ijk < np.asarray(mask.shape[:3])), axis=-1)
    out = np.zeros((rows, cols), dtype=mask.dtype)
    i, j, k = ijk[inside].T
    out[inside] = mask[i, j, k]
    return out
