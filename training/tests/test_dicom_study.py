"""The synthetic study writer: realistic tags, identifiers to strip, unordered files, one oblique series; dcm2niix
(an independent reader) must find the case's anatomy where the NIfTI put it."""

from __future__ import annotations

import nibabel as nib
import numpy as np
import pydicom
import pytest
from dicom_support import convert, written_study

from tumorwatch_train.dicom.geometry import RAS_TO_LPS
from tumorwatch_train.dicom.study import write_study


def world_values(src: nib.Nifti1Image, dst: nib.Nifti1Image) -> tuple[np.ndarray, np.ndarray]:
    """dst's voxels and src's voxels at the same world points (dst on a re-indexing of src's grid)."""
    d = np.asarray(dst.dataobj)
    ijk = np.stack(np.meshgrid(*[np.arange(n) for n in d.shape], indexing="ij"), -1).reshape(-1, 3)
    world = ijk @ dst.affine[:3, :3].T + dst.affine[:3, 3]
    inv = np.linalg.inv(src.affine)
    back = np.rint(world @ inv[:3, :3].T + inv[:3, 3]).astype(int)
    return d.reshape(-1), np.asarray(src.dataobj)[back[:, 0], back[:, 1], back[:, 2]]


def test_four_series_with_realistic_tags_and_unordered_files(tmp_path):
    manifest, study, _ = written_study(tmp_path)
    files = sorted(study.iterdir())
    assert len(files) == sum(s["instances"] for s in manifest["series"])
    by_series: dict[str, list[pydicom.Dataset]] = {}
    for f in files:
        ds = pydicom.dcmread(str(f))
        by_series.setdefault(ds.SeriesDescription, []).append(ds)
    assert sorted(by_series) == ["AX FLAIR", "AX T1 POST GAD", "AX T1 PRE", "AX T2"]
    t1c, flair = by_series["AX T1 POST GAD"][0], by_series["AX FLAIR"][0]
    assert (t1c.Manufacturer, t1c.ManufacturerModelName, float(t1c.MagneticFieldStrength)) == ("SIEMENS", "Skyra", 3.0)
    assert t1c.ContrastBolusAgent and "ContrastBolusAgent" not in by_series["AX T1 PRE"][0]
    assert (float(flair.RepetitionTime), float(flair.EchoTime), float(flair.InversionTime)) == (9000, 81, 2500)
    assert str(t1c.PatientName) == manifest["identifiers"]["PatientName"] and t1c.AccessionNumber
    # the folder order is not the slice order
    numbers = [int(ds.InstanceNumber) for ds in (pydicom.dcmread(str(f)) for f in files[:20])]
    assert numbers != sorted(numbers)


def test_dcm2niix_reads_the_anatomy_back_where_the_case_had_it(tmp_path):
    manifest, study, case = written_study(tmp_path)
    converted = convert(study, tmp_path / "nii")
    for number, modality in enumerate(("T1N", "T1C", "T2W"), start=1):
        got, want = world_values(nib.load(case["images"][modality]), nib.load(converted[str(number)]))
        assert np.array_equal(got, want), modality
    flair = nib.load(converted["4"])
    oblique = manifest["series"][3]
    assert oblique["oblique"] and flair.shape == tuple(oblique["dims"])
    normal = (RAS_TO_LPS @ flair.affine)[:3, 2]
    tilt = np.degrees(np.arccos(abs(normal[2]) / np.linalg.norm(normal)))
    assert tilt == pytest.approx(12, abs=0.01)


def test_bad_arguments_are_refused_naming_the_problem(tmp_path):
    _, study, case = written_study(tmp_path, oblique=None)
    folder = tmp_path / "cohort" / "case-dicom"
    with pytest.raises(ValueError, match="not empty"):
        write_study(folder, study)
    with pytest.raises(ValueError, match="--oblique must be one of"):
        write_study(folder, tmp_path / "other", oblique="DWI")
    (tmp_path / "partial").mkdir()
    (tmp_path / "partial" / "x-t1n.nii.gz").write_bytes(b"")
    with pytest.raises(ValueError, match="t1c"):
        write_study(tmp_path / "partial", tmp_path / "out2")
