"""Writes a four-sequence MR study (classic single-frame MR Image Storage, one file per slice) from a synthetic case:
realistic acquisition tags (profiles.py), patient identifiers that ingestion must strip, files under random names in
one flat folder (unordered, as a PACS export arrives), and optionally one series on an oblique grid of its own."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import nibabel as nib
import numpy as np
from highdicom import UID
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import PYDICOM_IMPLEMENTATION_UID, ExplicitVRLittleEndian, MRImageStorage

from .geometry import Plane, planes_of, slice_pixels
from .oblique import oblique_resample
from .profiles import IDENTIFIERS, SCANNER, SEQUENCES

ORDER = ("T1N", "T1C", "T2W", "T2F")


def case_files(case_dir: Path) -> dict[str, Path]:
    """The cohort layout <dir>/<caseId>-{t1n,t1c,t2w,t2f}.nii.gz."""
    found = {m: next(iter(sorted(case_dir.glob(f"*-{m.lower()}.nii.gz"))), None) for m in ORDER}
    missing = [m for m, p in found.items() if p is None]
    if missing:
        raise ValueError(f"{case_dir}: no *-{missing[0].lower()}.nii.gz (a study needs {', '.join(ORDER)})")
    return found  # type: ignore[return-value]


def write_study(case_dir: Path, out: Path, oblique: str | None = "T2F", seed: int = 0, angle_deg: float = 12.0) -> dict:
    """Writes the study into `out` (created; must be empty) and returns its manifest (UIDs, series, file names)."""
    out.mkdir(parents=True, exist_ok=True)
    if any(out.iterdir()):
        raise ValueError(f"{out}: output folder is not empty")
    if oblique is not None and oblique not in ORDER:
        raise ValueError(f"--oblique must be one of {', '.join(ORDER)} (got {oblique})")
    rng = random.Random(seed)
    study = _study_module(rng)
    frame_of_reference = UID()
    files = case_files(case_dir)
    manifest = {"studyInstanceUid": study.StudyInstanceUID, "identifiers": IDENTIFIERS, "series": []}
    written: list[tuple[str, Dataset]] = []
    for number, modality in enumerate(ORDER, start=1):
        img = nib.load(str(files[modality]))
        data, affine = np.asarray(img.dataobj).astype(np.float32), np.asarray(img.affine, dtype=np.float64)
        if modality == oblique:
            data, affine = oblique_resample(data, affine, angle_deg)
        series = _series_module(study, modality, number, frame_of_reference)
        planes, thickness = planes_of(affine, data.shape[2])
        for k, plane in enumerate(planes):
            written.append(
                (f"{rng.getrandbits(64):016x}", _instance(series, plane, thickness, slice_pixels(data, k), k))
            )
        manifest["series"].append(
            {
                "modality": modality,
                "seriesInstanceUid": series.SeriesInstanceUID,
                "seriesDescription": series.SeriesDescription,
                "oblique": modality == oblique,
                "instances": len(planes),
                "dims": list(data.shape),
                "affine": affine.tolist(),
            }
        )
    rng.shuffle(written)
    for name, ds in written:
        ds.save_as(out / name, enforce_file_format=True)
    manifest["files"] = [name for name, _ in written]
    return manifest


def _study_module(rng: random.Random) -> Dataset:
    ds = Dataset()
    for key, value in IDENTIFIERS.items():
        setattr(ds, key, value)
    ds.StudyInstanceUID = UID()
    ds.StudyDate = "20261120"
    ds.StudyTime = f"{8 + rng.randrange(9):02d}{rng.randrange(60):02d}00"
    ds.StudyDescription = "MRI BRAIN W/WO CONTRAST"
    for key, value in SCANNER.items():
        setattr(ds, key, value)
    return ds


def _series_module(study: Dataset, modality: str, number: int, frame_of_reference: str) -> Dataset:
    ds = Dataset()
    ds.update(study)
    for key, value in SEQUENCES[modality].items():
        setattr(ds, key, value)
    ds.SeriesInstanceUID = UID()
    ds.SeriesNumber = number
    ds.FrameOfReferenceUID = frame_of_reference
    ds.SeriesDate = study.StudyDate
    ds.SeriesTime = study.StudyTime
    return ds


def _instance(series: Dataset, plane: Plane, thickness: float, pixels: np.ndarray, k: int) -> Dataset:
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = MRImageStorage
    meta.MediaStorageSOPInstanceUID = UID()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    meta.ImplementationClassUID = PYDICOM_IMPLEMENTATION_UID
    ds = Dataset()
    ds.file_meta = meta
    ds.update(series)
    ds.SOPClassUID = MRImageStorage
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.Modality = "MR"
    ds.ImageType = ["ORIGINAL", "PRIMARY", "M", "ND"]
    ds.InstanceNumber = k + 1
    ds.AcquisitionNumber = 1
    ds.ContentDate = series.StudyDate
    ds.ContentTime = series.StudyTime
    ds.ImagePositionPatient = [round(x, 6) for x in plane.position]
    ds.ImageOrientationPatient = [round(x, 8) for x in plane.orientation]
    ds.PixelSpacing = [round(x, 6) for x in plane.pixel_spacing]
    ds.SliceThickness = round(thickness, 6)
    ds.SpacingBetweenSlices = round(thickness, 6)
    ds.BodyPartExamined = "BRAIN"
    ds.PatientPosition = "HFS"
    ds.ScanOptions = ""
    ds.ImagingFrequency = 123.2
    ds.ImagedNucleus = "1H"
    ds.EchoTrainLength = 1
    values = np.clip(np.rint(pixels), -32768, 32767).astype(np.int16)
    ds.Rows, ds.Columns = values.shape
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated = 16
    ds.BitsStored = 16
    ds.HighBit = 15
    ds.PixelRepresentation = 1
    ds.PixelData = values.tobytes()
    ds.InstanceCreationDate = dt.date(2026, 11, 20).strftime("%Y%m%d")
    return ds


def write_manifest(manifest: dict, path: Path) -> None:
    path.write_text(json.dumps(manifest, indent=1) + "\n")
