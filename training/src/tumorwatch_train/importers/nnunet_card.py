"""The card 2 of an imported nnU-Net v2 model: what nnUNetPredictor does, step by step, in the card's terms."""

from __future__ import annotations

import datetime as dt

from .nnunet_spec import STRICT_HALF


def preprocessing(channels: list[str], geometry: dict, normalization: list[dict]) -> dict:
    reader = geometry["reader"]
    return {
        "channels": channels,
        "orientation": geometry["orientation"],
        "axes": geometry["axes"],
        "targetSpacingMm": geometry["spacing"],
        "crop": {"kind": "nonzero-bbox", "marginVoxels": 0, "grid": "native"},
        "normalization": normalization,
        "resampling": {
            "method": "trilinear",
            "alignCorners": False,
            "shapeRule": "per axis max(1, floor(n * spacing / target + 0.5)); unchanged at the plan's spacing",
        },
        "steps": [
            f"Read each channel as nnU-Net's {reader} does and permute by transpose_forward "
            f"{geometry['transpose_forward']}: network axis k = file axis axes[k] ({geometry['orientation']}).",
            "Crop to the bounding box of the voxels where any channel is non-zero (no margin).",
            "ZScore with use_mask_for_norm: mean and population std over the union of the channels' non-zero "
            "voxels with 3-D holes filled (scipy binary_fill_holes); those voxels become (x - mean) / max(std, 1e-8), "
            "the rest stay 0. ZScore without the mask: over the whole crop. NoNormalization: as read.",
            "At the plan's spacing nothing is resampled (as nnU-Net). At another spacing this pipeline resamples "
            "trilinearly; nnU-Net uses third-order splines there, so parity is only claimed at the plan's spacing.",
        ],
    }


def inference(patch: list[int], mirror_axes: list[int]) -> dict:
    return {
        "patchSize": patch,
        "overlap": 0.5,
        "blending": "gaussian-nnunet",
        "sigmaScale": 0.125,
        "importanceMinimum": 1e-3,
        "windowPlacement": "nnunet",
        "padding": "constant-zero-symmetric",
        "windowBatch": 1,
        "featureAggregation": "mean-over-windows",
        "mirrorAxes": mirror_axes,
        "average": "logits",
        "steps": [
            "nnUNetPredictor.predict_sliding_window_return_logits with tile_step_size 0.5 and use_gaussian.",
            "Pad axes shorter than the patch with zeros (floor(diff / 2) before, the rest after).",
            "Window starts per axis (compute_steps_for_sliding_window): n_steps = ceil((n - P) / (P / 2)) + 1, "
            "evenly spread: round(i * (n - P) / (n_steps - 1)).",
            "Importance: scipy gaussian_filter of a unit impulse at P // 2 (sigma P / 8, truncate 4), scaled to a "
            "maximum of 10, rounded to float16, zeros replaced by the smallest non-zero value.",
            "Each window: the network's logits, plus those of every non-empty subset of mirrorAxes flipped and "
            "flipped back, averaged; each fold (onnx.files) likewise, folds averaged.",
            "Blended logits = sum(logits * w) / sum(w) (nnU-Net accumulates in float16, this pipeline in float32).",
        ],
    }


def postprocessing(kind: str) -> dict:
    decide = (
        f"Each region whose probability exceeds 0.5 (threshold {STRICT_HALF!r}: the first float32 above 0.5) paints "
        "its label, in regions_class_order (outer to inner)."
        if kind == "sigmoid"
        else "Argmax over classes (ties: the lowest class index)."
    )
    return {
        "activation": kind,
        "resampleBack": "probabilities-trilinear",
        **({"argmax": "first-maximum"} if kind == "softmax" else {}),
        "steps": [
            f"{'Sigmoid per region' if kind == 'sigmoid' else 'Softmax over classes'} of the blended logits.",
            decide,
            "Paste into zeros at the crop and return to the file's voxel order (nnU-Net's transpose_backward).",
        ],
    }


def build_card(*, name: str, version: str, spec: dict, onnx: dict, training: dict, parameters: int, opset: int) -> dict:
    output = dict(spec["output"])
    own_labels = output.pop("_nnunetLabels")
    return {
        "schema": "tumorwatch.model-card/2",
        "name": name,
        "version": version,
        "createdAt": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "task": "brain-glioma-segmentation",
        "architecture": {
            "family": spec["architecture"]["network_class_name"],
            "kwargs": spec["architecture"]["arch_kwargs"],
            "parameters": parameters,
            "opset": opset,
        },
        "preprocessing": preprocessing(spec["channels"], spec["geometry"], spec["normalization"]),
        "inference": inference(spec["patch"], spec["mirror_axes"]),
        "output": output,
        "postprocessing": postprocessing(output["kind"]),
        "onnx": onnx,
        "training": training | {"imported": spec["provenance"] | {"labels": own_labels}},
        "metrics": {"validation": {"n": 0}, "validationTargetGrid": None},
        "reference": None,
    }
