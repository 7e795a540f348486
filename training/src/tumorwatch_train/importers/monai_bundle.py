"""Import a MONAI bundle (folder or zip) as model.onnx + model-card.json (card 2).

    python -m tumorwatch_train.importers monai-bundle <bundle dir or zip> --out <model dir> [--name N --version V]
        [--weights path] [--tap-features auto|none|TENSOR] [--label-map brats2020|brats2023|brats2024]

metadata.json gives the channels (network_data_format inputs, e.g. T1c, T1, T2, FLAIR -> T1C, T1N, T2W, T2F) and the
output regions; configs/inference.json the preprocessing, the sliding window and the postprocessing (each mapped to
the card or refused naming the field: monai_preprocessing.py, monai_outputs.py, monai_postprocessing.py) and the
network (network_def), whose weights (models/model.pt or model.ts) are exported to ONNX. Everything is checked before
anything is written; the model directory appears complete (built beside it, then renamed) or not at all."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from .monai_card import build_card
from .monai_config import Bundle, open_bundle
from .monai_export import export, load_weights, parity, sha256, tap
from .monai_outputs import inference_block, input_channels, output_names
from .monai_postprocessing import Postprocessing
from .monai_preprocessing import Preprocessing
from .publish import model_dir_published
from .refusal import Refused


def _transforms(bundle: Bundle, section: str):
    compose = bundle.parsed(section, section)
    items = getattr(compose, "transforms", None)
    if items is None:
        raise Refused(f"{bundle.config_file} {section}", "is not a Compose of transforms")
    return items


def read_spec(bundle: Bundle, label_map: str | None) -> dict:
    """Everything the card needs from the configs, refused field by field; no network is built yet."""
    meta_at = bundle.metadata_file
    image_key, channels = input_channels(bundle.meta, meta_at)
    pred_key, names = output_names(bundle.meta, meta_at)
    pre = Preprocessing(image_key, f"{bundle.config_file} preprocessing.transforms")
    for i, t in enumerate(_transforms(bundle, "preprocessing")):
        pre.add(i, t)
    inference = inference_block(bundle.parsed("inferer", "inferer"), f"{bundle.config_file} inferer")
    divisor = _divisor(bundle.meta, image_key)
    if any(p % divisor for p in inference["patchSize"]):
        raise Refused(
            f"{bundle.config_file} inferer.roi_size",
            f"{inference['patchSize']} is not a multiple of {divisor} (metadata spatial_shape)",
        )
    post = Postprocessing(pred_key, names, f"{bundle.config_file} postprocessing.transforms")
    for i, t in enumerate(_transforms(bundle, "postprocessing")):
        post.add(i, t)
    output, postprocessing = post.output(label_map)
    if bundle.get("network_def") is None:
        raise Refused(f"{bundle.config_file} network_def", "missing: the importer builds the network from it")
    return {
        "names": {"input": image_key, "logits": pred_key},
        "preprocessing": pre.block(channels),
        "inference": inference,
        "output": output,
        "postprocessing": postprocessing,
        "divisor": divisor,
    }


def _divisor(meta: dict, key: str) -> int:
    shape = meta["network_data_format"]["inputs"][key].get("spatial_shape") or []
    found = [int(m.group(1)) for s in shape if (m := re.fullmatch(r"\s*(\d+)\s*\*\s*n\s*", str(s)))]
    return max(found, default=1)


def import_bundle(
    source: Path,
    out: Path,
    *,
    name: str | None = None,
    version: str | None = None,
    weights: Path | None = None,
    tap_features: str = "auto",
    label_map: str | None = None,
) -> dict:
    import torch

    if out.exists() and any(out.iterdir()):
        raise Refused(f"--out {out}", "exists and is not empty")
    with open_bundle(source, weights) as bundle:
        spec = read_spec(bundle, label_map)
        net = bundle.parsed("network_def", "network_def")
        if not isinstance(net, torch.nn.Module):
            raise Refused(f"{bundle.config_file} network_def", "does not build a torch module")
        shown = str(weights) if weights else str(bundle.weights.relative_to(bundle.root))
        load_weights(net, bundle.weights, shown)
        net.eval()
        C, patch, d = len(spec["preprocessing"]["channels"]), spec["inference"]["patchSize"], spec["divisor"]
        with model_dir_published(out) as work:
            onnx_path = work / "model.onnx"
            export(net, onnx_path, spec["names"], C, patch, d)
            checked = parity(net, onnx_path, spec["names"], C, patch, d)
            tapped = None
            if tap_features != "none":
                tapped = tap(onnx_path, C, patch, None if tap_features == "auto" else tap_features, d)
            card = build_card(
                bundle,
                spec,
                name=name,
                version=version,
                onnx={"file": "model.onnx", "sha256": sha256(onnx_path), "parity": checked},
                tapped=tapped,
                parameters=sum(p.numel() for p in net.parameters()),
            )
            (work / "model-card.json").write_text(json.dumps(card, indent=2) + "\n")
    return card


def build_parser(parser: argparse.ArgumentParser | None = None) -> argparse.ArgumentParser:
    p = parser or argparse.ArgumentParser(prog="tumorwatch_train.importers monai-bundle")
    p.add_argument("source", type=Path, help="bundle folder or zip (configs/metadata.json, configs/inference.json)")
    p.add_argument("--out", type=Path, required=True, help="model directory to create (model.onnx, model-card.json)")
    p.add_argument("--name", default=None, help="model name (default: the bundle's name, slugified)")
    p.add_argument("--version", default=None, help="semver (default: the bundle's version)")
    p.add_argument("--weights", type=Path, default=None, help="state dict or TorchScript instead of models/model.pt")
    p.add_argument("--tap-features", default="auto", help="auto (deepest encoder output), none, or a tensor name")
    p.add_argument("--label-map", default=None, choices=["brats2020", "brats2023", "brats2024"])
    return p


def run(args: argparse.Namespace) -> dict:
    card = import_bundle(
        args.source,
        args.out,
        name=args.name,
        version=args.version,
        weights=args.weights,
        tap_features=args.tap_features,
        label_map=args.label_map,
    )
    files = [f["file"] for f in card["onnx"]["files"]]
    return {
        "type": "done",
        "out": str(args.out.resolve()),
        "name": card["name"],
        "version": card["version"],
        "files": files,
    }
