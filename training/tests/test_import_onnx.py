"""`python -m tumorwatch_train.importers onnx`: a hand-written card is checked against the graph (refusals name the
card field, nothing is written), the file is copied with its sha256, and a feature tensor can be tapped."""

import copy
import hashlib
import json

import pytest
import torch
from test_tap_features import EncoderDecoder

from tumorwatch_train.importers.onnx_file import import_onnx
from tumorwatch_train.importers.refusal import Refused

CARD = {
    "schema": "tumorwatch.model-card/2",
    "name": "hand-written",
    "version": "1.0.0",
    "preprocessing": {"channels": ["T1C", "T1N", "T2W", "T2F"]},
    "inference": {"patchSize": [16, 16, 16]},
    "output": {
        "kind": "sigmoid",
        "inputName": "image",
        "logitsName": "pred",
        "featuresName": "",
        "featureDim": 0,
        "classes": [{"index": i, "name": n, "threshold": 0.5} for i, n in enumerate(["TC", "WT", "ET"])],
    },
    "onnx": {"file": "x.onnx", "sha256": "0" * 64, "files": [{"file": "x.onnx", "sha256": "0" * 64}]},
}


@pytest.fixture(scope="module")
def graph(tmp_path_factory):
    path = tmp_path_factory.mktemp("onnx") / "net.onnx"
    torch.onnx.export(
        EncoderDecoder().eval(),
        (torch.zeros((1, 4, 16, 16, 16)),),
        str(path),
        input_names=["image"],
        output_names=["pred"],
        opset_version=18,
        dynamo=True,
    )
    return path


def write(tmp_path, card) -> object:
    p = tmp_path / "card.json"
    p.write_text(json.dumps(card))
    return p


def test_copies_the_file_fills_its_hash_and_taps_features(tmp_path, graph):
    card = import_onnx(graph, write(tmp_path, CARD), tmp_path / "model", tap="auto")
    onnx_bytes = (tmp_path / "model" / "model.onnx").read_bytes()
    sha = hashlib.sha256(onnx_bytes).hexdigest()
    assert card["onnx"]["files"] == [{"file": "model.onnx", "sha256": sha}] and card["onnx"]["sha256"] == sha
    assert (card["output"]["featuresName"], card["output"]["featureDim"]) == ("features", 16)
    assert json.loads((tmp_path / "model" / "model-card.json").read_text()) == card


def _set(path, value):
    def change(card):
        target = card
        for k in path[:-1]:
            target = target[k]
        target[path[-1]] = value

    return change


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_set(["output", "inputName"], "input"), "card output.inputName: 'input' is not a graph input"),
        (_set(["preprocessing", "channels"], ["T1C", "T2F"]), "card preprocessing.channels: 2 channels"),
        (_set(["output", "logitsName"], "logits"), "card output.logitsName: 'logits' is not a graph output"),
        (_set(["output", "classes"], CARD["output"]["classes"][:2]), "card output.classes: 2 classes"),
        (_set(["output", "featuresName"], "features"), "card output.featuresName: 'features' is not a graph output"),
        (_set(["schema"], "tumorwatch.model-card/1"), "card schema"),
    ],
)
def test_a_card_that_contradicts_the_graph_is_refused(tmp_path, graph, change, message):
    card = copy.deepcopy(CARD)
    change(card)
    with pytest.raises(Refused) as e:
        import_onnx(graph, write(tmp_path, card), tmp_path / "model")
    assert message in str(e.value)
    assert not (tmp_path / "model").exists()
