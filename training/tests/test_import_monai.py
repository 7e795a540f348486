"""The MONAI bundle importer on the REAL model-zoo configs (../shared/data/models/monai-brats_mri_segmentation):
the original files import unchanged; a shrunk copy imports from a zip with TorchScript weights; everything the card
cannot express is refused naming the field, and nothing is written. (Parity of the imported model with MONAI itself:
tests/model-import/monai-parity.test.ts.)"""

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import torch

from tumorwatch_train.importers.monai_bundle import import_bundle
from tumorwatch_train.importers.monai_testbundle import ZOO, write_configs
from tumorwatch_train.importers.refusal import Refused

SRC = Path(__file__).parents[1] / "src"


def segresnet(init_filters: int):
    from monai.networks.nets import SegResNet

    torch.manual_seed(0)
    return SegResNet(
        blocks_down=[1, 2, 2, 4], blocks_up=[1, 1, 1], init_filters=init_filters, in_channels=4, out_channels=3
    )


def shrunk_bundle(root: Path, weights: bool = True) -> Path:
    """The zoo's configs, inference.json shrunk as the parity test's bundle is (monai_testbundle.write_configs)."""
    write_configs(root)
    (root / "models").mkdir()
    if weights:
        torch.save(segresnet(8).state_dict(), root / "models" / "model.pt")
    else:
        (root / "models" / "model.pt").write_bytes(b"")  # refusals happen before any weight is read
    return root


def edit(root: Path, name: str, change) -> None:
    p = root / "configs" / name
    data = json.loads(p.read_text())
    change(data)
    p.write_text(json.dumps(data))


def test_the_original_config_imports_unchanged(tmp_path):
    bundle = tmp_path / "brats_mri_segmentation"
    shutil.copytree(ZOO / "configs", bundle / "configs")
    for f in ("inference.json", "metadata.json"):
        assert (bundle / "configs" / f).read_bytes() == (ZOO / "configs" / f).read_bytes()
    (bundle / "models").mkdir()
    torch.save(segresnet(16).state_dict(), bundle / "models" / "model.pt")  # the original architecture, initialised
    card = import_bundle(bundle, tmp_path / "model")
    assert sorted(p.name for p in (tmp_path / "model").iterdir()) == ["model-card.json", "model.onnx"]
    assert card["name"] == "monai-brats-mri-segmentation" and card["version"] == "0.5.2"
    assert card["preprocessing"]["channels"] == ["T1C", "T1N", "T2W", "T2F"]
    assert card["preprocessing"]["orientation"] == "native" and card["preprocessing"]["targetSpacingMm"] is None
    assert card["preprocessing"]["normalization"][0]["mask"] == "nonzero-per-channel"
    inf = card["inference"]
    assert (inf["patchSize"], inf["overlap"], inf["blending"]) == ([240, 240, 160], 0.5, "constant")
    out = card["output"]
    assert (out["kind"], out["labelMap"], out["inputName"], out["logitsName"]) == (
        "sigmoid",
        "brats2020",
        "image",
        "pred",
    )
    assert [c["name"] for c in out["classes"]] == ["TC", "WT", "ET"]
    assert {c["threshold"] for c in out["classes"]} == {0.5}
    # torch.where(ET, 4, where(TC, 1, where(WT, 2, 0))): WT paints 2, TC over it 1, ET over both 4
    assert out["paint"] == [{"channel": 1, "label": 2}, {"channel": 0, "label": 1}, {"channel": 2, "label": 4}]
    assert (out["featuresName"], out["featureDim"]) == ("features", 128)  # tapped: the 8 x 16 encoder output
    assert card["onnx"]["parity"]["maxAbsDiff"] <= 1e-3 and card["onnx"]["opset"] >= 17
    assert card["architecture"]["kwargs"]["init_filters"] == 16
    assert card["training"]["imported"]["summary"] == "imported from MONAI bundle BraTS MRI segmentation 0.5.2"
    assert card["reference"] is None


def test_a_zip_with_torchscript_weights_imports(tmp_path):
    bundle = shrunk_bundle(tmp_path / "b", weights=False)
    (bundle / "models" / "model.pt").unlink()
    torch.jit.script(segresnet(8).eval()).save(str(bundle / "models" / "model.ts"))
    archive = tmp_path / "bundle.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for p in bundle.rglob("*"):
            z.write(p, Path("brats_mri_segmentation") / p.relative_to(bundle))
    card = import_bundle(archive, tmp_path / "model", name="brats-small", version="1.2.3", tap_features="none")
    assert (card["name"], card["version"]) == ("brats-small", "1.2.3")
    assert card["inference"]["patchSize"] == [96, 96, 64]
    assert (card["output"]["featuresName"], card["output"]["featureDim"]) == ("", 0)
    assert card["training"]["imported"]["weights"] == "model.ts"


def _spacing(cfg):
    cfg["preprocessing"]["transforms"].insert(1, {"_target_": "Spacingd", "keys": "image", "pixdim": [1.5, 1.5, 2]})


def _channel(meta):
    meta["network_data_format"]["inputs"]["image"]["channel_def"]["3"] = "DWI"


REFUSALS = [
    ("inference.json", _spacing, "preprocessing.transforms[1]: Spacingd with pixdim [1.5, 1.5, 2.0] is not supported"),
    ("metadata.json", _channel, "network_data_format.inputs.image.channel_def.3: 'DWI' is none of"),
    (
        "inference.json",
        lambda c: c.update(inferer={"_target_": "SimpleInferer"}),
        "inferer: SimpleInferer is not supported",
    ),
    (
        "inference.json",
        lambda c: c["inferer"].update(roi_size=[100, 96, 64]),
        "inferer.roi_size: [100, 96, 64] is not a multiple of 8",
    ),
    (
        "inference.json",
        lambda c: c["preprocessing"]["transforms"][1].update(channel_wise=False),
        "preprocessing.transforms[1]: NormalizeIntensityd channel_wise false",
    ),
    (
        "inference.json",
        lambda c: c["postprocessing"]["transforms"][3].update(func="$lambda x: x[[0]] * 3 + x[[1]]"),
        "postprocessing.transforms[3]: the labels it gives",
    ),
    (
        "inference.json",
        lambda c: c["postprocessing"]["transforms"].insert(
            3, {"_target_": "KeepLargestConnectedComponentd", "keys": "pred"}
        ),
        "postprocessing.transforms[3]: KeepLargestConnectedComponentd is not supported",
    ),
    ("inference.json", lambda c: c.pop("network_def"), "network_def: missing"),
]


@pytest.mark.parametrize(("file", "change", "message"), REFUSALS)
def test_what_the_card_cannot_express_is_refused_naming_the_field(tmp_path, file, change, message):
    bundle = shrunk_bundle(tmp_path / "b", weights=False)
    edit(bundle, file, change)
    with pytest.raises(Refused) as e:
        import_bundle(bundle, tmp_path / "model")
    assert message in str(e.value)
    assert not (tmp_path / "model").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["b"]  # no half-written model beside it either


def test_missing_weights_and_wrong_weights_are_refused(tmp_path):
    bundle = shrunk_bundle(tmp_path / "b")
    torch.save(segresnet(16).state_dict(), bundle / "models" / "model.pt")  # init_filters 16 for an 8 network_def
    with pytest.raises(Refused, match=r"models/model.pt: does not fit network_def"):
        import_bundle(bundle, tmp_path / "model")
    (bundle / "models" / "model.pt").unlink()
    with pytest.raises(Refused, match=r"models/model.pt: missing"):
        import_bundle(bundle, tmp_path / "model")
    assert not (tmp_path / "model").exists()


def test_the_cli_reports_a_refusal_as_json_with_exit_code_2(tmp_path):
    bundle = shrunk_bundle(tmp_path / "b", weights=False)
    edit(bundle, "inference.json", _spacing)
    res = subprocess.run(
        [sys.executable, "-m", "tumorwatch_train.importers", "monai-bundle", str(bundle), "--out", str(tmp_path / "m")],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin"},
        timeout=300,
    )
    assert res.returncode == 2, res.stderr[-2000:]
    event = json.loads(res.stdout.strip().splitlines()[-1])
    assert event["type"] == "error" and "Spacingd" in event["message"]
    assert event["field"] == "configs/inference.json preprocessing.transforms[1]"
    assert not (tmp_path / "m").exists()
