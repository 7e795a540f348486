"""The source images a DICOM SEG is derived from, rebuilt from the references the app stored at ingestion (no pixels):
which candidate series lies on the mask's grid, and its instances' (or one enhanced instance's frames') planes."""

from __future__ import annotations

import numpy as np
from pydicom.dataset import Dataset

from .geometry import RAS_TO_LPS


def fitting_series(candidates: list[dict], affine: np.ndarray, shape: tuple[int, ...]) -> tuple[dict, list[dict]]:
    """The first candidate series whose images are exactly the slices of the mask's grid: its single-frame instances,
    or one multi-frame (enhanced) instance's frames."""
    why = []
    for refs in candidates:
        fitted = _fitting_instances(refs, affine, shape)
        if isinstance(fitted, str):
            why.append(f"{refs.get('seriesDescription') or refs.get('seriesInstanceUid')}: {fitted}")
        else:
            return fitted
    raise ValueError("no source series lies on the case grid: " + ("; ".join(why) or "no DICOM source series"))


def _fitting_instances(refs: dict, affine: np.ndarray, shape: tuple[int, ...]) -> tuple[dict, list[dict]] | str:
    """The series (restricted to the instance used) and its planes. highdicom takes one multi-frame source image, so
    of an enhanced series (one instance per stack, or per time point of a 4D series) the first instance whose frames
    lie on the grid is referenced, frame by frame."""
    multi = [i for i in refs["instances"] if i.get("numberOfFrames", 1) > 1]
    if not multi:
        planes = _planes_on_grid(
            [(i.get("imagePositionPatient"), i.get("imageOrientationPatient")) for i in refs["instances"]],
            affine,
            shape,
        )
        return planes if isinstance(planes, str) else (refs, planes)
    if len(multi) != len(refs["instances"]):
        return "it mixes single-frame and multi-frame instances"
    first_reason = None
    for inst in multi:
        frames = inst.get("framePositions") or []
        if len(frames) != inst["numberOfFrames"]:
            planes: list[dict] | str = "a multi-frame instance without the position of every frame"
        else:
            planes = _planes_on_grid([(p, inst.get("imageOrientationPatient")) for p in frames], affine, shape)
        if not isinstance(planes, str):
            return {**refs, "instances": [inst]}, planes
        first_reason = first_reason or planes
    return str(first_reason)


def _planes_on_grid(images: list[tuple], affine: np.ndarray, shape: tuple[int, ...]) -> list[dict] | str:
    """Per image (position, orientation), its plane on the mask's grid; a reason when one is not a slice of it."""
    lps = RAS_TO_LPS @ np.asarray(affine, dtype=np.float64)
    inverse = np.linalg.inv(lps)
    axes = lps[:3, :3] / np.linalg.norm(lps[:3, :3], axis=0)
    planes = []
    for pos, ori in images:
        if pos is None or ori is None:
            return "its images have no plane positions"
        ijk = inverse[:3, :3] @ np.asarray(pos) + inverse[:3, 3]
        if np.abs(ijk - np.rint(ijk)).max() > 0.01:
            return "its slices are not on the grid (an oblique or resampled series)"
        along = [int(np.argmax(np.abs(axes.T @ np.asarray(d)))) for d in (ori[:3], ori[3:])]
        if abs(abs(float(axes[:, along[0]] @ ori[:3])) - 1) > 1e-4 or len(set(along)) != 2:
            return "its orientation is not the grid's"
        spacing = np.linalg.norm(lps[:3, :3], axis=0)
        planes.append(
            {
                "position": pos,
                "orientation": ori,
                "pixel_spacing": [float(spacing[along[1]]), float(spacing[along[0]])],
                "thickness": float(spacing[3 - along[0] - along[1]]),
                "rows": int(shape[along[1]]),
                "cols": int(shape[along[0]]),
            }
        )
    return planes


def source_images(refs: dict, planes: list[dict]) -> list[Dataset]:
    """The source images highdicom derives the SEG from: one per single-frame instance, or the one multi-frame
    instance with a plane per frame."""
    inst = refs["instances"][0]
    if inst.get("numberOfFrames", 1) > 1:
        return [_multiframe_source(refs, inst, planes)]
    return [_source(refs, i, p) for i, p in zip(refs["instances"], planes, strict=True)]


def _multiframe_source(refs: dict, inst: dict, planes: list[dict]) -> Dataset:
    """An enhanced (multi-frame) source: its geometry in the shared and per-frame functional groups, as stored."""
    ds = _source(refs, inst, planes[0])
    for key in ("ImagePositionPatient", "ImageOrientationPatient", "PixelSpacing", "SliceThickness"):
        delattr(ds, key)
    ds.NumberOfFrames = len(planes)
    measures, orientation = Dataset(), Dataset()
    measures.PixelSpacing = planes[0]["pixel_spacing"]
    measures.SliceThickness = planes[0]["thickness"]
    orientation.ImageOrientationPatient = list(planes[0]["orientation"])
    shared = Dataset()
    shared.PixelMeasuresSequence = [measures]
    shared.PlaneOrientationSequence = [orientation]
    ds.SharedFunctionalGroupsSequence = [shared]
    per_frame = []
    for plane in planes:
        position, item = Dataset(), Dataset()
        position.ImagePositionPatient = list(plane["position"])
        item.PlanePositionSequence = [position]
        per_frame.append(item)
    ds.PerFrameFunctionalGroupsSequence = per_frame
    return ds


def _source(refs: dict, inst: dict, plane: dict) -> Dataset:
    """The attributes of a source instance that a SEG copies or references (its pixels are not needed)."""
    ds = Dataset()
    for key, value in refs["patientStudy"].items():
        setattr(ds, key, value)
    ds.StudyInstanceUID = refs["studyInstanceUid"]
    ds.SeriesInstanceUID = refs["seriesInstanceUid"]
    ds.FrameOfReferenceUID = refs["frameOfReferenceUid"]
    ds.Modality = refs.get("modality") or "MR"
    ds.SOPClassUID = inst["sopClassUid"]
    ds.SOPInstanceUID = inst["sopInstanceUid"]
    ds.ImagePositionPatient = list(plane["position"])
    ds.ImageOrientationPatient = list(plane["orientation"])
    ds.PixelSpacing = plane["pixel_spacing"]
    ds.SliceThickness = plane["thickness"]
    ds.Rows, ds.Columns = plane["rows"], plane["cols"]
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated = 16
    return ds
