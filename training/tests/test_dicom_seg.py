"""DICOM SEG export: the segments land on exactly the approved mask's voxels when read back from each frame's own
plane position (pydicom), reference the source series, sit in the source study, and name the algorithm and version
(or the approving reader); each export is a new series."""

from __future__ import annotations

import nibabel as nib
import numpy as np
import pydicom
import pytest
from dicom_support import convert, source_references, written_study

from tumorwatch_train.dicom.seg import read_seg_labels, write_seg


@pytest.fixture
def exported(tmp_path):
    manifest, study, case = written_study(tmp_path)
    nii = convert(study, tmp_path / "nii")
    refs = source_references(study)
    by_modality = {s["modality"]: refs[s["seriesInstanceUid"]] for s in manifest["series"]}
    # the case's label, on the grid of T1C's conversion (the case grid), ED removed from one half
    t1c = nib.load(nii["2"])
    label = nib.load(case["label"])
    flip = np.linalg.inv(label.affine) @ t1c.affine
    idx = np.stack(np.meshgrid(*[np.arange(n) for n in t1c.shape], indexing="ij"), -1) @ flip[:3, :3].T + flip[:3, 3]
    i = np.rint(idx).astype(int)
    mask = np.asarray(label.dataobj)[i[..., 0], i[..., 1], i[..., 2]].astype(np.uint8)
    mask[: mask.shape[0] // 2][mask[: mask.shape[0] // 2] == 2] = 0
    path = tmp_path / "mask.nii.gz"
    nib.save(nib.Nifti1Image(mask, t1c.affine), path)
    return {"refs": by_modality, "mask": mask, "path": path, "affine": t1c.affine, "manifest": manifest}


def request(ex, **extra):
    # the oblique FLAIR first: it cannot carry the mask, so the export falls through to T1C
    return {"mask": str(ex["path"]), "candidates": [ex["refs"]["T2F"], ex["refs"]["T1C"]], **extra}


def test_prediction_seg_reads_back_onto_the_mask_voxel_for_voxel(exported, tmp_path):
    out = tmp_path / "pred.dcm"
    r = write_seg(request(exported, algorithm={"name": "tumorwatch-seg", "version": "1.0.0"}), out)
    back = read_seg_labels(out, exported["affine"], exported["mask"].shape)
    assert np.array_equal(back, exported["mask"])
    ds = pydicom.dcmread(str(out))
    t1c = exported["refs"]["T1C"]
    assert r["sourceSeriesInstanceUid"] == t1c["seriesInstanceUid"]
    assert ds.StudyInstanceUID == t1c["studyInstanceUid"] and ds.SeriesInstanceUID not in {t1c["seriesInstanceUid"]}
    assert str(ds.PatientID) == exported["manifest"]["identifiers"]["PatientID"]
    assert ds.FrameOfReferenceUID == t1c["frameOfReferenceUid"]
    referenced = {i.ReferencedSOPInstanceUID for i in ds.ReferencedSeriesSequence[0].ReferencedInstanceSequence}
    assert referenced == {i["sopInstanceUid"] for i in t1c["instances"]}
    seg = ds.SegmentSequence[0]
    assert seg.SegmentAlgorithmType == "AUTOMATIC"
    algorithm = seg.SegmentationAlgorithmIdentificationSequence[0]
    assert (algorithm.AlgorithmName, algorithm.AlgorithmVersion) == ("tumorwatch-seg", "1.0.0")
    assert [s.SegmentLabel for s in ds.SegmentSequence] == ["NCR", "ED", "ET"]


def test_label_seg_names_the_approver_and_is_a_new_series_each_time(exported, tmp_path):
    reviewer = {"name": "Dr Ada Reader", "detail": "label v2 approved by Dr Ada Reader"}
    a = write_seg(request(exported, reviewer=reviewer), tmp_path / "a.dcm")
    b = write_seg(request(exported, reviewer=reviewer), tmp_path / "b.dcm")
    assert a["seriesInstanceUid"] != b["seriesInstanceUid"]
    ds = pydicom.dcmread(str(tmp_path / "a.dcm"))
    assert str(ds.ContentCreatorName) == "Reader^Dr Ada"
    assert ds.SegmentSequence[0].SegmentAlgorithmType == "MANUAL"
    assert "approved by Dr Ada Reader" in ds.SegmentSequence[0].TrackingID
    assert np.array_equal(
        read_seg_labels(tmp_path / "a.dcm", exported["affine"], exported["mask"].shape), exported["mask"]
    )


def test_unusable_input_is_refused_with_the_reason(exported, tmp_path):
    with pytest.raises(ValueError, match="no source series lies on the case grid: AX FLAIR: its slices are not on"):
        write_seg({"mask": str(exported["path"]), "candidates": [exported["refs"]["T2F"]]}, tmp_path / "x.dcm")
    empty = tmp_path / "empty.nii.gz"
    nib.save(nib.Nifti1Image(np.zeros_like(exported["mask"]), exported["affine"]), empty)
    with pytest.raises(ValueError, match="the mask is empty"):
        write_seg({**request(exported), "mask": str(empty)}, tmp_path / "x.dcm")
    bad = exported["mask"].copy()
    bad[0, 0, 0] = 4
    nib.save(nib.Nifti1Image(bad, exported["affine"]), tmp_path / "bad.nii.gz")
    with pytest.raises(ValueError, match=r"labels \[4\] outside"):
        write_seg({**request(exported), "mask": str(tmp_path / "bad.nii.gz")}, tmp_path / "x.dcm")
    assert not (tmp_path / "x.dcm").exists()
