"""Shared helpers of the DICOM tests: a written study, its dcm2niix conversion (the real tool the app spawns) and the
source references ingestion keeps for SEG export, read here with pydicom."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pydicom
from synthetic import write_case

DCM2NIIX = Path(sys.executable).parent / "dcm2niix"


def written_study(root: Path, oblique: str | None = "T2F") -> tuple[dict, Path, dict]:
    from tumorwatch_train.dicom.study import write_study

    case = write_case(root / "cohort", "case-dicom", seed=5)
    out = root / "study"
    manifest = write_study(Path(case["images"]["T1N"]).parent, out, oblique=oblique, seed=3)
    return manifest, out, case


def convert(study: Path, out: Path) -> dict[str, Path]:
    """dcm2niix's NIfTI per series number (as H6's ingestion runs it)."""
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run([str(DCM2NIIX), "-z", "y", "-f", "%s", "-o", str(out), str(study)], check=True, capture_output=True)
    return {p.name.split(".")[0]: p for p in out.glob("*.nii.gz")}


def source_references(study: Path) -> dict[str, dict]:
    """Per SeriesInstanceUID, the shape of lib/server/dicom/references.ts's SourceReferences."""
    series: dict[str, dict] = {}
    for f in sorted(study.iterdir()):
        ds = pydicom.dcmread(str(f), stop_before_pixels=True)
        refs = series.setdefault(
            ds.SeriesInstanceUID,
            {
                "studyInstanceUid": ds.StudyInstanceUID,
                "seriesInstanceUid": ds.SeriesInstanceUID,
                "frameOfReferenceUid": ds.FrameOfReferenceUID,
                "modality": ds.Modality,
                "seriesNumber": int(ds.SeriesNumber),
                "seriesDescription": ds.SeriesDescription,
                "patientStudy": {
                    k: str(ds.get(k, ""))
                    for k in (
                        "PatientName",
                        "PatientID",
                        "PatientBirthDate",
                        "PatientSex",
                        "StudyDate",
                        "StudyTime",
                        "AccessionNumber",
                        "ReferringPhysicianName",
                        "StudyID",
                    )
                },
                "instances": [],
            },
        )
        refs["instances"].append(
            {
                "sopClassUid": ds.SOPClassUID,
                "sopInstanceUid": ds.SOPInstanceUID,
                "numberOfFrames": 1,
                "imagePositionPatient": [float(x) for x in ds.ImagePositionPatient],
                "imageOrientationPatient": [float(x) for x in ds.ImageOrientationPatient],
            }
        )
    return series
