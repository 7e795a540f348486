"""The model card: the contract between this trainer and the app (validated by lib/schemas/model-card/).

The trainer writes card 2 (`tumorwatch.model-card/2`) using the options of its own SegResNet: the four sequences in
CHANNELS order, z-score in each channel's non-zero mask, RAS at the target spacing, the non-zero crop, gaussian
blending, no mirroring, one ONNX file, softmax over background/NCR/ED/ET in brats2023 labels, a `features` output.
Cards written before card 2 (`tumorwatch.model-card/1`) are upgraded on read (`upgrade_card`), as the app does."""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
from pathlib import Path

from . import __version__
from .config import CHANNELS, CLASS_NAMES, TrainConfig
from .export import OPSET
from .model import segresnet_kwargs

SCHEMA = "tumorwatch.model-card/2"
SCHEMA_V1 = "tumorwatch.model-card/1"
ZSCORE_NONZERO = {"kind": "zscore", "mask": "nonzero-per-channel", "std": "population", "epsilon": 1e-8, "outside": 0}


def preprocessing_block(cfg: TrainConfig) -> dict:
    s = list(cfg.target_spacing)
    return {
        "channels": list(CHANNELS),
        "orientation": "RAS",
        "targetSpacingMm": s,
        "crop": {"kind": "nonzero-bbox", "marginVoxels": cfg.crop_margin_voxels, "grid": "native"},
        "normalization": [dict(ZSCORE_NONZERO) for _ in CHANNELS],
        "resampling": {
            "method": "trilinear",
            "alignCorners": False,
            "shapeRule": "max(1, floor(n * round4(s) / t + 0.5))",
        },
        "steps": [
            "Read each NIfTI; affine = sform if sform_code > 0, else qform if qform_code > 0, else the Analyze "
            "fallback; values = raw * scl_slope + scl_inter when scl_slope is set and non-zero; float32.",
            f"Stack the channels in the order {', '.join(CHANNELS)} -> (C, X, Y, Z) in file voxel order (x fastest "
            "on disk). All channels must share one grid.",
            "Reorient to RAS by permutes/flips only: for voxel axis j, world axis w_j = argmax_i |A[i][j]| over the "
            "affine's 3x3 part (i = 0 R, 1 A, 2 S), sign s_j = sign(A[w_j][j]); RAS axis k is the voxel axis j with "
            "w_j = k, reversed when s_j < 0. Spacing of RAS axis k = Euclidean norm of that affine column.",
            f"Crop to the bounding box of voxels where any channel != 0, grown by {cfg.crop_margin_voxels} voxels per "
            "side and clamped to the volume (native grid, RAS). An all-zero case is rejected.",
            "Z-score each channel over its own non-zero voxels of the crop: mean and population standard deviation "
            "in float64, value = (x - mean) / max(std, 1e-8) there, exactly 0 where x == 0.",
            f"Resample to {s} mm with torch.nn.functional.interpolate(mode='trilinear', align_corners=False, size=S) "
            "in float32, S_k = max(1, floor(n_k * round4(spacing_k) / target_k + 0.5)) with round4(v) = "
            "floor(v * 1e4 + 0.5) / 1e4. Per axis the source coordinate of output index i is "
            "c = max(0, (i + 0.5) * n_in / n_out - 0.5); i0 = floor(c), i1 = min(i0 + 1, n_in - 1), weight of i1 = "
            "c - i0; the three axes combine multiplicatively (8 neighbours).",
        ],
    }


def inference_block(cfg: TrainConfig) -> dict:
    return {
        "patchSize": list(cfg.patch_size),
        "overlap": cfg.overlap,
        "blending": "gaussian",
        "sigmaScale": cfg.sigma_scale,
        "importanceMinimum": 1e-3,
        "padding": "constant-zero-symmetric",
        "windowBatch": 1,
        "featureAggregation": "mean-over-windows",
        "mirrorAxes": [],
        "average": "probabilities",
        "steps": [
            "Equivalent to monai.inferers.sliding_window_inference(roi_size=patchSize, overlap, mode='gaussian', "
            "sigma_scale, padding_mode='constant', cval=0) on the (1, C, X, Y, Z) input.",
            "Pad axes shorter than the patch with zeros: diff = P - n, floor(diff / 2) before, the rest after.",
            "Window starts per axis (n = padded size): step = P if n == P else max(1, floor(P * (1 - overlap))); "
            "starts 0, step, 2 step, ... up to the first start with start + P >= n; each start is moved back to "
            "n - P if it would overrun. Windows = the Cartesian product, x slowest.",
            "Importance w(t) = prod_d exp(-(t_d - (P_d - 1) / 2)^2 / (2 (sigmaScale * P_d)^2)) in float32, clamped "
            "below at max(min w, 1e-3) (no normalisation to 1).",
            "Blended logits = sum(window logits * w) / sum(w) per voxel; crop the padding off.",
            "features = unweighted mean of the `features` output over all windows (the drift feature vector).",
        ],
    }


def postprocessing_block(cfg: TrainConfig) -> dict:
    drop = float(cfg.drop_components_at_most_mm3)
    return {
        "activation": "softmax",
        "resampleBack": "probabilities-trilinear",
        "argmax": "first-maximum",
        "dropComponentsAtMostMm3": drop,
        "steps": [
            "Softmax over the class axis of the blended logits (target grid).",
            "Resample the probabilities to the native crop shape with the same trilinear rule (align_corners=False, "
            "size = crop shape).",
            "Argmax over classes (ties: the lowest class index) -> labels 0 background, 1 NCR, 2 ED, 3 ET.",
            "Paste into a zero volume of the RAS shape at the crop offset; undo the flips, then the permutation, to "
            "return to file voxel order; write uint8 with the first channel's affine.",
            *(
                [
                    f"Whole-tumour (labels 1-3) 26-connected components of at most {drop:g} mm^3 (voxels x the product of "
                    "the affine's column norms) become background."
                ]
                if drop > 0
                else []
            ),
        ],
    }


def output_block(cfg: TrainConfig) -> dict:
    return {
        "kind": "softmax",
        "labelMap": "brats2023",
        "logitsName": "logits",
        "featuresName": "features",
        "inputName": "image",
        "featureDim": cfg.net.feature_dim,
        "layout": "NCXYZ (RAS)",
        "classes": [{"index": i, "name": n, "label": i} for i, n in enumerate(CLASS_NAMES)],
        "paint": [],
        "regions": {"WT": [1, 2, 3], "TC": [1, 3], "ET": [3]},
    }


def source_digest() -> str:
    h = hashlib.sha256()
    for p in sorted(Path(__file__).parent.glob("*.py")):
        h.update(p.name.encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=Path(__file__).parent, capture_output=True, text=True, timeout=10
        )
        return out.stdout.strip() if out.returncode == 0 and out.stdout.strip() else None
    except (OSError, subprocess.SubprocessError):
        return None


def build_card(
    cfg: TrainConfig,
    *,
    name: str,
    version: str,
    training: dict,
    metrics: dict,
    reference: dict,
    onnx: dict,
    parameters: int,
) -> dict:
    return {
        "schema": SCHEMA,
        "name": name,
        "version": version,
        "createdAt": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "task": "brain-glioma-segmentation",
        "architecture": {
            "family": "monai.networks.nets.SegResNet",
            "kwargs": segresnet_kwargs(cfg.net),
            "parameters": parameters,
            "opset": OPSET,
        },
        "preprocessing": preprocessing_block(cfg),
        "inference": inference_block(cfg),
        "output": output_block(cfg),
        "postprocessing": postprocessing_block(cfg),
        "onnx": onnx | {"files": [{"file": onnx["file"], "sha256": onnx["sha256"]}]},
        "training": training
        | {"codeVersion": {"package": __version__, "gitCommit": git_commit(), "sourceSha256": source_digest()}},
        "metrics": metrics,
        "reference": reference,
    }


def upgrade_card(card: dict) -> dict:
    """Card 1 -> card 2 without any change of behaviour (lib/schemas/model-card/upgrade.ts); card 2 is returned as is."""
    if card.get("schema") != SCHEMA_V1:
        return card
    pre, inf, out, onnx = card["preprocessing"], card["inference"], card["output"], card["onnx"]
    return card | {
        "schema": SCHEMA,
        "preprocessing": pre | {"normalization": [dict(pre["normalization"]) for _ in pre["channels"]]},
        "inference": inf | {"mirrorAxes": [], "average": "probabilities"},
        "output": out | {"classes": [c | {"label": c["index"]} for c in out["classes"]], "paint": []},
        "onnx": onnx | {"files": [{"file": onnx["file"], "sha256": onnx["sha256"]}]},
    }
