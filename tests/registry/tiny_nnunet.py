"""A tiny nnU-Net v2 trained-model folder for tests/registry/import-nnunet.test.ts: nnU-Net's plans and dataset
format, its PlainConvUNet (through the importer's build_network), untrained weights in nnU-Net's checkpoint format,
one checkpoint per fold. Region-based labels (WT, TC, ET with regions_class_order), as nnU-Net's BraTS setup.

Usage: python tiny_nnunet.py <root> [--folds 0 1] [--normalization ZScoreNormalization]; prints the folder.
"""

import argparse
import json
from pathlib import Path

import torch

from tumorwatch_train.importers.nnunet_export import build_network

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


def plans(normalization: str) -> dict:
    props = {"max": 1, "mean": 0, "median": 0, "min": 0, "percentile_00_5": 0, "percentile_99_5": 1, "std": 1}
    config = {
        "data_identifier": "nnUNetPlans_3d_fullres",
        "preprocessor_name": "DefaultPreprocessor",
        "batch_size": 2,
        "patch_size": [16, 16, 16],
        "median_image_size_in_voxels": [40, 40, 40],
        "spacing": [1.0, 1.0, 1.0],
        "normalization_schemes": [normalization] * 4,
        "use_mask_for_norm": [True] * 4,
        **RESAMPLING,
        "architecture": ARCH,
        "batch_dice": False,
    }
    return {
        "dataset_name": "Dataset999_Tiny",
        "plans_name": "nnUNetPlans",
        "original_median_spacing_after_transp": [1.0, 1.0, 1.0],
        "original_median_shape_after_transp": [40, 40, 40],
        "image_reader_writer": "SimpleITKIO",
        "transpose_forward": [0, 1, 2],
        "transpose_backward": [0, 1, 2],
        "configurations": {"3d_fullres": config},
        "experiment_planner_used": "ExperimentPlanner",
        "label_manager": "LabelManager",
        "foreground_intensity_properties_per_channel": {str(i): props for i in range(4)},
    }


DATASET = {
    "channel_names": {"0": "T1", "1": "T1ce", "2": "T2", "3": "FLAIR"},
    "labels": {"background": 0, "whole tumor": [1, 2, 3], "tumor core": [1, 3], "enhancing tumor": [3]},
    "regions_class_order": [2, 1, 3],
    "numTraining": 3,
    "file_ending": ".nii.gz",
    "name": "Dataset999_Tiny",
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("root", type=Path)
    ap.add_argument("--folds", type=int, nargs="+", default=[0, 1])
    ap.add_argument("--normalization", default="ZScoreNormalization")
    a = ap.parse_args()
    p = plans(a.normalization)
    folder = a.root / "Dataset999_Tiny" / "nnUNetTrainer__nnUNetPlans__3d_fullres"
    folder.mkdir(parents=True)
    (folder / "plans.json").write_text(json.dumps(p))
    (folder / "dataset.json").write_text(json.dumps(DATASET))
    spec = {"plans": p, "dataset": DATASET, "configuration": "3d_fullres"}
    for f in a.folds:
        torch.manual_seed(f)
        net = build_network(spec, "nnUNetTrainer")
        (folder / f"fold_{f}").mkdir()
        ckpt = {
            "network_weights": net.state_dict(),
            "optimizer_state": {"param_groups": [{"lr": 0.005, "initial_lr": 0.01}]},
            "current_epoch": 7,
            "init_args": {"plans": p, "configuration": "3d_fullres", "fold": f, "dataset_json": DATASET},
            "trainer_name": "nnUNetTrainer",
            "inference_allowed_mirroring_axes": (0, 1, 2),
        }
        torch.save(ckpt, folder / f"fold_{f}" / "checkpoint_final.pth")
    print(folder)


if __name__ == "__main__":
    main()
