"""Card 2: the trainer's card upgrade (as lib/schemas/model-card/upgrade.ts) and the options its reference runs."""

import json
from pathlib import Path

import pytest

from tumorwatch_train.card import SCHEMA, SCHEMA_V1, upgrade_card
from tumorwatch_train.predict import InferenceSpec

V1_CARD = Path(__file__).resolve().parents[2] / "models" / "tumorwatch-seg-1.0.0" / "model-card.json"


@pytest.fixture()
def v1():
    if not V1_CARD.is_file():
        pytest.skip("no committed model")
    return json.loads(V1_CARD.read_text())


def test_upgrade_keeps_behaviour_and_is_idempotent(v1):
    assert v1["schema"] == SCHEMA_V1
    card = upgrade_card(v1)
    assert card["schema"] == SCHEMA
    assert card["preprocessing"]["normalization"] == [v1["preprocessing"]["normalization"]] * 4
    assert [c["label"] for c in card["output"]["classes"]] == [0, 1, 2, 3]
    assert card["inference"]["mirrorAxes"] == [] and card["output"]["paint"] == []
    assert card["onnx"]["files"] == [{"file": "model.onnx", "sha256": v1["onnx"]["sha256"]}]
    assert upgrade_card(card) is card
    assert InferenceSpec.from_card(v1) == InferenceSpec.from_card(card)


@pytest.mark.parametrize(
    "field,value",
    [
        ("preprocessing.channels", ["T1C", "T1N", "T2W", "T2F"]),
        ("preprocessing.targetSpacingMm", None),
        ("inference.mirrorAxes", [0]),
        ("inference.blending", "constant"),
        ("output.kind", "sigmoid"),
        ("output.labelMap", "brats2020"),
    ],
)
def test_the_reference_refuses_options_it_does_not_run_naming_the_field(v1, field, value):
    card = upgrade_card(v1)
    block, key = field.split(".")
    card[block] = card[block] | {key: value}
    with pytest.raises(ValueError, match=field.replace(".", r"\.")):
        InferenceSpec.from_card(card)
