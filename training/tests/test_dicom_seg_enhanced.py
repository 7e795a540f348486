"""DICOM SEG on an enhanced (multi-frame) source: the real Siemens XA10 series in ../shared/data/dicom (one multi-frame
instance per time point, each frame's position in its per-frame functional groups). The SEG must reference one
source instance frame by frame (each SEG frame the source frame at its own position), read back with pydicom and
highdicom, and land on exactly the mask's voxels."""

from __future__ import annotations

import os
from pathlib import Path

import highdicom as hd
import nibabel as nib
import numpy as np
import pydicom
import pytest

from tumorwatch_train.dicom.seg import read_seg_labels, write_seg

SHARED = (
    Path(os.environ.get("TW_SHARED", Path(__file__).parents[3] / "shared")) / "data" / "dicom" / "siemens-xa10-enhanced"
)
if not SHARED.exists():
    SHARED = Path("/work/shared/data/dicom/siemens-xa10-enhanced")
pytestmark = pytest.mark.skipif(not SHARED.exists(), reason="the shared real DICOM data is not on this machine")

PATIENT_STUDY = ("PatientName", "PatientID", "PatientBirthDate", "PatientSex", "StudyDate", "StudyTime")
PATIENT_STUDY += ("AccessionNumber", "ReferringPhysicianName", "StudyID")


def frame_positions(ds: pydicom.Dataset) -> list[list[float]]:
    return [
        [float(x) for x in f.PlanePositionSequence[0].ImagePositionPatient] for f in ds.PerFrameFunctionalGroupsSequence
    ]


def functional_group(ds: pydicom.Dataset, name: str) -> pydicom.Dataset:
    """A functional group from the shared groups, or the first frame's (Siemens XA keeps geometry per frame)."""
    shared = ds.SharedFunctionalGroupsSequence[0]
    return (shared if name in shared else ds.PerFrameFunctionalGroupsSequence[0])[name][0]


def enhanced_references(files: list[Path]) -> dict:
    """The SourceReferences ingestion stores for an enhanced series (lib/server/dicom/prepare.ts), read with pydicom."""
    headers = [pydicom.dcmread(str(f), stop_before_pixels=True) for f in files]
    first = headers[0]
    orientation = functional_group(first, "PlaneOrientationSequence").ImageOrientationPatient
    return {
        "studyInstanceUid": first.StudyInstanceUID,
        "seriesInstanceUid": first.SeriesInstanceUID,
        "frameOfReferenceUid": first.FrameOfReferenceUID,
        "modality": first.Modality,
        "seriesNumber": int(first.SeriesNumber),
        "seriesDescription": first.SeriesDescription,
        "patientStudy": {k: str(first.get(k, "")) for k in PATIENT_STUDY},
        "instances": [
            {
                "sopClassUid": ds.SOPClassUID,
                "sopInstanceUid": ds.SOPInstanceUID,
                "numberOfFrames": int(ds.NumberOfFrames),
                "imagePositionPatient": None,
                "imageOrientationPatient": [float(x) for x in orientation],
                "framePositions": frame_positions(ds),
            }
            for ds in headers
        ],
    }


@pytest.fixture
def exported(tmp_path):
    files = sorted((SHARED / "dicom").glob("*.dcm"))
    refs = enhanced_references(files)
    # the case grid: dcm2niix's conversion of the series (every time point shares it)
    ref = nib.load(str(SHARED / "dcm2niix-reference.nii"))
    shape = ref.shape[:3]
    mask = np.zeros(shape, dtype=np.uint8)
    mask[20:40, 22:44, 1:5] = 2
    mask[26:34, 28:38, 2:4] = 1
    mask[30:33, 30:36, 3] = 3
    path = tmp_path / "mask.nii.gz"
    nib.save(nib.Nifti1Image(mask, ref.affine), path)
    out = tmp_path / "seg.dcm"
    written = write_seg(
        {"mask": str(path), "candidates": [refs], "algorithm": {"name": "tumorwatch-seg", "version": "2.0.0"}}, out
    )
    return {"refs": refs, "mask": mask, "affine": ref.affine, "out": out, "written": written, "first": files[0]}


def test_seg_references_one_enhanced_instance_frame_by_frame(exported):
    ds = pydicom.dcmread(str(exported["out"]))
    source = pydicom.dcmread(str(exported["first"]), stop_before_pixels=True)
    assert exported["written"]["sourceSeriesInstanceUid"] == source.SeriesInstanceUID
    assert ds.StudyInstanceUID == source.StudyInstanceUID and ds.FrameOfReferenceUID == source.FrameOfReferenceUID
    assert ds.SeriesInstanceUID != source.SeriesInstanceUID
    referenced = ds.ReferencedSeriesSequence[0]
    assert referenced.SeriesInstanceUID == source.SeriesInstanceUID
    assert [i.ReferencedSOPInstanceUID for i in referenced.ReferencedInstanceSequence] == [source.SOPInstanceUID]
    positions = frame_positions(source)
    for frame in ds.PerFrameFunctionalGroupsSequence:
        item = frame.DerivationImageSequence[0].SourceImageSequence[0]
        assert item.ReferencedSOPInstanceUID == source.SOPInstanceUID
        at = [float(x) for x in frame.PlanePositionSequence[0].ImagePositionPatient]
        # the frame it names is the source frame at the SEG frame's own position
        assert np.allclose(positions[int(item.ReferencedFrameNumber) - 1], at, atol=1e-3)


def test_seg_reads_back_onto_the_mask_voxel_for_voxel(exported):
    back = read_seg_labels(exported["out"], exported["affine"], exported["mask"].shape)
    assert np.array_equal(back, exported["mask"])
    seg = hd.seg.segread(str(exported["out"]))
    assert [s.SegmentLabel for s in seg.SegmentSequence] == ["NCR", "ED", "ET"]
    orientation = seg.SharedFunctionalGroupsSequence[0].PlaneOrientationSequence[0].ImageOrientationPatient
    source = pydicom.dcmread(str(exported["first"]), stop_before_pixels=True)
    source_orientation = functional_group(source, "PlaneOrientationSequence").ImageOrientationPatient
    assert np.allclose([float(x) for x in orientation], [float(x) for x in source_orientation], atol=1e-5)
    spacing = seg.SharedFunctionalGroupsSequence[0].PixelMeasuresSequence[0].PixelSpacing
    source_spacing = functional_group(source, "PixelMeasuresSequence").PixelSpacing
    assert np.allclose([float(x) for x in spacing], [float(x) for x in source_spacing], atol=1e-4)


def test_an_enhanced_instance_without_frame_positions_is_refused_with_the_reason(exported, tmp_path):
    refs = exported["refs"]
    stale = {**refs, "instances": [{**i, "framePositions": None} for i in refs["instances"]]}
    path = tmp_path / "mask.nii.gz"
    nib.save(nib.Nifti1Image(exported["mask"], exported["affine"]), path)
    with pytest.raises(ValueError, match="a multi-frame instance without the position of every frame"):
        write_seg({"mask": str(path), "candidates": [stale]}, tmp_path / "x.dcm")
