"""The nnU-Net v2 importer: a small trained-model folder (nnU-Net's plans format, its PlainConvUNet, a checkpoint in
nnU-Net's format with untrained weights) imports as ONNX folds + card 2; every refusal names its field and writes
nothing. The TypeScript parity with nnUNetPredictor is tests/model-import/nnunet-parity.test.ts."""

from __future__ import annotations

import copy
import json
import zipfile
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest
import torch

from tumorwatch_train.importers.__main__ import main
from tumorwatch_train.importers.nnunet import import_nnunet
from tumorwatch_train.importers.nnunet_export import build_network
from tumorwatch_train.importers.nnunet_spec import STRICT_HALF, ImportRefused

ARCH = {
    "network_class_name": "dynamic_network_architectures.architectures.unet.PlainConvUNet",
    "arch_kwargs": {
        "n_stages": 2,
        "features_per_stage": [4, 8],
        "conv_op": "torch.nn.modules.conv.Conv3d",
        "kernel_sizes": [[3, 3, 3], [3, 3, 3]],
        "strides": [[1, 1, 1], [2, 2, 2]],
        "n_conv_per_stage": [1, 1],
        "n_conv_per_stage_decoder": [1],
        "conv_bias": True,
        "norm_op": "torch.nn.modules.instancenorm.InstanceNorm3d",
        "norm_op_kwargs": {"eps": 1e-05, "affine": True},
        "dropout_op": None,
        "dropout_op_kwargs": None,
        "nonlin": "torch.nn.LeakyReLU",
        "nonlin_kwargs": {"inplace": True},
    },
    "_kw_requires_import": ["conv_op", "norm_op", "dropout_op", "nonlin"],
}
RESAMPLING = {
    "resampling_fn_data": "resample_data_or_seg_to_shape",
    "resampling_fn_seg": "resample_data_or_seg_to_shape",
    "resampling_fn_data_kwargs": {"is_seg": False, "order": 3, "order_z": 0, "force_separate_z": None},
    "resampling_fn_seg_kwargs": {"is_seg": True, "order": 1, "order_z": 0, "force_separate_z": None},
    "resampling_fn_probabilities": "resample_data_or_seg_to_shape",
    "resampling_fn_probabilities_kwargs": {"is_seg": False, "order": 1, "order_z": 0, "force_separate_z": None},
}
REGIONS = {"background": 0, "whole tumor": [1, 2, 3], "tumor core": [1, 3], "enhancing tumor": [3]}


def plans(transpose=(0, 1, 2)) -> dict:
    config = {
        "data_identifier": "nnUNetPlans_3d_fullres",
        "preprocessor_name": "DefaultPreprocessor",
        "batch_size": 2,
        "patch_size": [16, 16, 16],
        "median_image_size_in_voxels": [40, 40, 40],
        "spacing": [1.0, 1.0, 1.0],
        "normalization_schemes": ["ZScoreNormalization"] * 4,
        "use_mask_for_norm": [True, True, True, False],
        **RESAMPLING,
        "architecture": ARCH,
        "batch_dice": False,
    }
    props = {"max": 1, "mean": 0, "median": 0, "min": 0, "percentile_00_5": 0, "percentile_99_5": 1, "std": 1}
    return {
        "dataset_name": "Dataset999_Tiny",
        "plans_name": "nnUNetPlans",
        "original_median_spacing_after_transp": [1.0, 1.0, 1.0],
        "original_median_shape_after_transp": [40, 40, 40],
        "image_reader_writer": "SimpleITKIO",
        "transpose_forward": list(transpose),
        "transpose_backward": [list(transpose).index(i) for i in range(3)],
        "configurations": {
            "3d_fullres": config,
            "3d_lowres": {"inherits_from": "3d_fullres", "next_stage": "3d_cascade_fullres"},
            "3d_cascade_fullres": {"inherits_from": "3d_fullres", "previous_stage": "3d_lowres"},
        },
        "experiment_planner_used": "ExperimentPlanner",
        "label_manager": "LabelManager",
        "foreground_intensity_properties_per_channel": {str(i): props for i in range(4)},
    }


def dataset(labels=None, channels=("T1", "T1ce", "T2", "FLAIR"), order=(2, 1, 3)) -> dict:
    d = {
        "channel_names": {str(i): c for i, c in enumerate(channels)},
        "labels": labels or REGIONS,
        "numTraining": 3,
        "file_ending": ".nii.gz",
        "name": "Dataset999_Tiny",
    }
    if any(isinstance(v, list) for v in d["labels"].values()):
        d["regions_class_order"] = list(order)
    return d


def write_model(root: Path, p: dict, d: dict, folds=(0, 1), axes=(0, 1, 2)) -> Path:
    folder = root / "Dataset999_Tiny" / "nnUNetTrainer__nnUNetPlans__3d_fullres"
    folder.mkdir(parents=True)
    (folder / "plans.json").write_text(json.dumps(p))
    (folder / "dataset.json").write_text(json.dumps(d))
    spec = {"plans": p, "dataset": d, "configuration": "3d_fullres"}
    for f in folds:
        torch.manual_seed(f)
        net = build_network(spec, "nnUNetTrainer")
        (folder / f"fold_{f}").mkdir()
        ckpt = {
            "network_weights": net.state_dict(),
            "optimizer_state": {"param_groups": [{"lr": 0.005, "initial_lr": 0.01}]},
            "current_epoch": 7,
            "init_args": {"plans": p, "configuration": "3d_fullres", "fold": f, "dataset_json": d},
            "trainer_name": "nnUNetTrainer",
            "inference_allowed_mirroring_axes": axes,
        }
        torch.save(ckpt, folder / f"fold_{f}" / "checkpoint_final.pth")
    return folder


def test_imports_regions_as_a_two_fold_sigmoid_ensemble(tmp_path):
    folder = write_model(tmp_path / "m", plans(), dataset())
    card = import_nnunet(folder, tmp_path / "out")
    assert card["preprocessing"]["channels"] == ["T1N", "T1C", "T2W", "T2F"]
    assert card["preprocessing"]["orientation"] == "native" and card["preprocessing"]["axes"] == [2, 1, 0]
    assert [n["mask"] for n in card["preprocessing"]["normalization"]] == ["nonzero-union-filled"] * 3 + ["crop"]
    assert card["preprocessing"]["crop"] == {"kind": "nonzero-bbox", "marginVoxels": 0, "grid": "native"}
    inf = card["inference"]
    assert (inf["blending"], inf["windowPlacement"], inf["average"], inf["overlap"]) == (
        "gaussian-nnunet",
        "nnunet",
        "logits",
        0.5,
    )
    assert inf["mirrorAxes"] == [0, 1, 2] and inf["patchSize"] == [16, 16, 16]
    out = card["output"]
    assert out["kind"] == "sigmoid" and out["labelMap"] == "brats2023"
    assert out["paint"] == [{"channel": 0, "label": 2}, {"channel": 1, "label": 1}, {"channel": 2, "label": 3}]
    assert all(c["threshold"] == STRICT_HALF for c in out["classes"])
    assert np.float32(STRICT_HALF) > np.float32(0.5) and np.nextafter(np.float32(STRICT_HALF), np.float32(0)) == 0.5
    assert card["reference"] is None and card["training"]["imported"]["folds"] == ["0", "1"]
    assert card["training"]["imported"]["labels"] == {"2": "WT", "1": "TC", "3": "ET"}
    files = [f["file"] for f in card["onnx"]["files"]]
    assert files == ["fold_0.onnx", "fold_1.onnx"] and card["onnx"]["parity"]["maxAbsDiff"] < 1e-4
    session = ort.InferenceSession(str(tmp_path / "out" / files[1]), providers=["CPUExecutionProvider"])
    (logits,) = session.run(["logits"], {"image": np.zeros((3, 4, 16, 16, 16), np.float32)})
    assert logits.shape == (3, 3, 16, 16, 16)


def test_transpose_forward_and_nibabel_reader_set_the_axes(tmp_path):
    p = plans(transpose=(1, 0, 2))
    folder = write_model(tmp_path / "m", p, dataset(), folds=(0,), axes=None)
    card = import_nnunet(folder, tmp_path / "a")
    assert card["preprocessing"]["axes"] == [1, 2, 0] and card["inference"]["mirrorAxes"] == []
    p["image_reader_writer"] = "NibabelIO"
    (folder / "plans.json").write_text(json.dumps(p))
    assert import_nnunet(folder, tmp_path / "b")["preprocessing"]["axes"] == [1, 0, 2]


def test_softmax_labels_map_by_name_and_zip_import(tmp_path):
    labels = {"background": 0, "edema": 1, "necrosis": 2, "enhancing tumor": 3}
    folder = write_model(tmp_path / "m", plans(), dataset(labels=labels), folds=(0,))
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for f in folder.rglob("*"):
            z.write(f, f.relative_to(tmp_path / "m"))
    card = import_nnunet(archive, tmp_path / "out", configuration="3d_fullres")
    out = card["output"]
    assert out["kind"] == "softmax" and out["paint"] == [] and card["postprocessing"]["argmax"] == "first-maximum"
    assert [(c["name"], c["label"]) for c in out["classes"]] == [
        ("background", 0),
        ("edema", 2),
        ("necrosis", 1),
        ("enhancing tumor", 3),
    ]


def refused(tmp_path: Path, folder: Path, match: str, **kw) -> None:
    out = tmp_path / "refused"
    with pytest.raises(ImportRefused, match=match):
        import_nnunet(folder, out, **kw)
    assert not out.exists() and not [p for p in tmp_path.iterdir() if p.name.startswith(".refused")]


def test_refusals_name_the_field_and_write_nothing(tmp_path):
    folder = write_model(tmp_path / "m", plans(), dataset(channels=("T1", "T1ce", "T2", "DWI")), folds=(0,))
    refused(tmp_path, folder, r"channel_names\.3: \"DWI\".*--channels")
    assert (
        import_nnunet(folder, tmp_path / "ok", channels=["T1N", "T1C", "T2W", "T2F"])["preprocessing"]["channels"][3]
        == "T2F"
    )
    refused(tmp_path, folder, r"--channels: 3 sequences", channels=["T1N", "T1C", "T2W"])
    refused(tmp_path, folder, r"cascade_fullres\.previous_stage", configuration="3d_cascade_fullres")
    refused(
        tmp_path,
        folder,
        r"--folds 3: .*fold_3/checkpoint_final.pth is missing",
        folds=["3"],
        channels=["T1N", "T1C", "T2W", "T2F"],
    )

    p = plans()
    p["configurations"]["3d_fullres"]["normalization_schemes"][1] = "CTNormalization"
    ct = write_model(tmp_path / "ct", p, dataset(), folds=(0,))
    refused(tmp_path, ct, r"configurations\.3d_fullres\.normalization_schemes\.1: CTNormalization")

    bad_order = write_model(
        tmp_path / "order",
        plans(),
        dataset(labels={"background": 0, "enhancing tumor": [3], "whole tumor": [1, 2, 3]}, order=(3, 2)),
        folds=(0,),
    )
    refused(tmp_path, bad_order, r"regions_class_order: .*outer to inner")

    weird = write_model(tmp_path / "weird", plans(), dataset(labels={"background": 0, "liver": 1}), folds=(0,))
    refused(tmp_path, weird, r"labels\.liver")

    missing = write_model(tmp_path / "missing", plans(), dataset(), folds=(0,))
    (missing / "fold_0" / "checkpoint_final.pth").unlink()
    refused(tmp_path, missing, r"no fold_\*/checkpoint_final.pth")


def test_weights_that_do_not_fit_the_plans_are_refused_by_the_cli(tmp_path, capsys):
    p = plans()
    folder = write_model(tmp_path / "m", p, dataset(), folds=(0,))
    other = copy.deepcopy(p)
    other["configurations"]["3d_fullres"]["architecture"]["arch_kwargs"]["features_per_stage"] = [6, 8]
    (folder / "plans.json").write_text(json.dumps(other))
    code = main(["nnunet", str(folder), "--out", str(tmp_path / "out")])
    assert code == 2 and not (tmp_path / "out").exists()
    event = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert event["type"] == "error" and event["field"] == "fold_0/checkpoint_final.pth network_weights"
    assert "do not fit the plans' network" in event["message"]
