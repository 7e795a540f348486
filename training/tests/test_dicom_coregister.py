"""Rigid co-registration onto the reference grid: a header that misplaces a series by a known rigid motion is
recovered, the output lies exactly on the reference grid, and MI before/after says how much registration helped."""

from __future__ import annotations

import json
import math

import nibabel as nib
import numpy as np
import pytest
from dicom_support import convert, written_study

from tumorwatch_train.dicom.__main__ import main
from tumorwatch_train.dicom.coregister import coregister


def motion(degrees: float, shift: list[float]) -> np.ndarray:
    """The same voxels, the header claiming they sit rotated about L-R (a nod) and shifted (the patient moved).
    About L-R because the test phantom's brain is an ellipsoid of revolution about S."""
    a = math.radians(degrees)
    t = np.eye(4)
    t[:3, :3] = [[1, 0, 0], [0, math.cos(a), -math.sin(a)], [0, math.sin(a), math.cos(a)]]
    t[:3, 3] = shift
    return t


def test_a_known_rigid_motion_is_recovered(tmp_path):
    _, study, _ = written_study(tmp_path, oblique=None)
    nii = convert(study, tmp_path / "nii")
    t1n, t = nib.load(nii["1"]), motion(5.0, [4.0, -3.0, 2.0])
    nib.save(nib.Nifti1Image(np.asarray(t1n.dataobj), t @ t1n.affine), tmp_path / "t1n-moved.nii.gz")
    result = coregister(nii["2"], tmp_path / "t1n-moved.nii.gz", tmp_path / "T1N.nii.gz")
    assert result["used"] == "registration"
    # a reference point p holds what the moved header puts at t @ p: the transform found is t
    m = np.asarray(result["referenceToMovingRas"])
    assert np.abs(m[:3, :3] - t[:3, :3]).max() < 0.006 and np.abs(m[:3, 3] - t[:3, 3]).max() < 0.4
    assert abs(result["rotationDeg"][0]) == pytest.approx(5.0, abs=0.3)
    assert result["miAfter"] > result["miBefore"] + 0.1
    out, truth = nib.load(tmp_path / "T1N.nii.gz"), nib.load(nii["1"])
    assert np.array_equal(out.affine, nib.load(nii["2"]).affine) and out.get_data_dtype() == truth.get_data_dtype()
    a, b = np.asarray(truth.dataobj, float), np.asarray(out.dataobj, float)
    inside = a > 0
    assert np.corrcoef(a[inside], b[inside])[0, 1] > 0.98


def test_the_oblique_series_comes_onto_the_reference_grid_through_the_cli(tmp_path, capsys):
    _, study, case = written_study(tmp_path)
    nii = convert(study, tmp_path / "nii")
    code = main(
        ["coregister", "--reference", str(nii["2"]), "--moving", f"T2F={nii['4']}", "--out", str(tmp_path / "o")]
    )
    assert code == 0
    result = json.loads(capsys.readouterr().out)["T2F"]
    assert result["miAfter"] >= result["miBefore"] > 0 and result["method"].startswith("rigid (Euler3D), Mattes")
    out = nib.load(tmp_path / "o" / "T2F.nii.gz")
    ref = nib.load(nii["2"])
    assert out.shape == ref.shape and np.array_equal(out.affine, ref.affine)
    # the original FLAIR, re-indexed onto the dcm2niix grid, against the twice-resampled one
    truth = nib.load(case["images"]["T2F"])
    flip = np.linalg.inv(truth.affine) @ ref.affine
    idx = np.stack(np.meshgrid(*[np.arange(n) for n in ref.shape], indexing="ij"), -1) @ flip[:3, :3].T + flip[:3, 3]
    i = np.rint(idx).astype(int)
    a = np.asarray(truth.dataobj, float)[i[..., 0], i[..., 1], i[..., 2]]
    b = np.asarray(out.dataobj, float)
    inside = a > 0
    assert np.corrcoef(a[inside], b[inside])[0, 1] > 0.8


def test_bad_input_is_refused(tmp_path, capsys):
    four_d = tmp_path / "4d.nii.gz"
    nib.save(nib.Nifti1Image(np.zeros((4, 4, 4, 2), np.int16), np.eye(4)), four_d)
    three_d = tmp_path / "3d.nii.gz"
    nib.save(nib.Nifti1Image(np.zeros((4, 4, 4), np.int16), np.eye(4)), three_d)
    with pytest.raises(ValueError, match="4d.nii.gz: expected a 3D volume"):
        coregister(three_d, four_d, tmp_path / "x.nii.gz")
    assert main(["coregister", "--reference", str(three_d), "--moving", "nope", "--out", str(tmp_path)]) == 2
    assert "--moving expects NAME=path" in capsys.readouterr().err
