import json

import numpy as np
import pytest
from synthetic import write_cohort

from tumorwatch_train.manifest import load_manifest, to_product_labels, verify_case
from tumorwatch_train.nifti_io import sha256_file
from tumorwatch_train.pipeline import split_cases


def test_relative_paths_resolve_against_the_manifest_and_sha256_is_checked(tmp_path):
    manifest = write_cohort(tmp_path, n=2)
    doc = json.loads(manifest.read_text())
    case = doc["cases"][0]
    case["images"] = {k: str(p).replace(str(tmp_path) + "/", "") for k, p in case["images"].items()}
    case["sha256"] = {"T1N": sha256_file(tmp_path / case["images"]["T1N"]), "label": "0" * 64}
    manifest.write_text(json.dumps(doc))
    m = load_manifest(manifest)
    assert m.cases[0].images["T1N"] == tmp_path / case["images"]["T1N"]
    with pytest.raises(ValueError, match="sha256 mismatch for label"):
        verify_case(m.cases[0])
    m.cases[0].sha256.pop("label")
    verify_case(m.cases[0])


def test_duplicate_case_ids_are_rejected(tmp_path):
    manifest = write_cohort(tmp_path, n=2)
    doc = json.loads(manifest.read_text())
    doc["cases"][1]["caseId"] = doc["cases"][0]["caseId"]
    manifest.write_text(json.dumps(doc))
    with pytest.raises(ValueError, match="duplicate"):
        load_manifest(manifest)


def test_label_maps_remap_to_the_product_convention():
    raw = np.array([0, 1, 2, 4, 4])
    assert to_product_labels(raw, "brats2020").tolist() == [0, 1, 2, 3, 3]
    with pytest.raises(ValueError, match=r"\[4\]"):
        to_product_labels(raw, "brats2023")


def test_validation_cases_are_carved_out_stably_when_the_manifest_has_none(tmp_path):
    manifest = write_cohort(tmp_path, n=7, val=0)
    train, val = split_cases(load_manifest(manifest))
    assert len(val) == 2 and len(train) == 5
    again = split_cases(load_manifest(manifest))[1]
    assert [c.case_id for c in val] == [c.case_id for c in again]
