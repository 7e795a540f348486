"""Loading one case: four co-registered channels in the card's order, optional labels in the product convention."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .config import CHANNELS
from .manifest import CaseEntry, to_product_labels, verify_case
from .nifti_io import Volume, load_label, load_volume, same_grid
from .orientation import orientation_from_affine


@dataclass
class LoadedCase:
    case_id: str
    images: np.ndarray  # (C, X, Y, Z) float32, file voxel order, channel order CHANNELS
    affine: np.ndarray
    reference: Volume  # the first channel's volume: its grid and header are used to write masks
    labels: np.ndarray | None  # uint8 product labels (1 NCR, 2 ED, 3 ET), file voxel order
    meta: dict


def load_images(paths: list[str | Path]) -> tuple[np.ndarray, np.ndarray, Volume]:
    if len(paths) != len(CHANNELS):
        raise ValueError(f"expected {len(CHANNELS)} images in the order {', '.join(CHANNELS)}, got {len(paths)}")
    vols = [load_volume(p) for p in paths]
    ref = vols[0]
    for ch, v, p in zip(CHANNELS, vols, paths):
        if v.data.shape != ref.data.shape or not same_grid(v.affine, ref.affine):
            raise ValueError(f"{ch} ({p}) is not on the {CHANNELS[0]} grid: co-register the channels first")
    return np.stack([v.data for v in vols]), ref.affine, ref


def image_meta(ref: Volume) -> dict:
    o = orientation_from_affine(ref.affine)
    spacing = [round(float(np.linalg.norm(ref.affine[:3, j])), 4) for j in range(3)]
    return {"dims": list(ref.data.shape), "spacing": spacing, "orientation": o.codes, "dtype": ref.dtype}


def load_case(entry: CaseEntry, label_map: str, verify: bool = True) -> LoadedCase:
    if verify:
        verify_case(entry)
    images, affine, ref = load_images([entry.images[ch] for ch in CHANNELS])
    labels = None
    if entry.label is not None:
        raw, laff = load_label(entry.label)
        if raw.shape != images.shape[1:] or not same_grid(laff, affine):
            raise ValueError(f"case {entry.case_id}: label is not on the image grid")
        labels = to_product_labels(raw, label_map)
    return LoadedCase(entry.case_id, images, affine, ref, labels, image_meta(ref))
