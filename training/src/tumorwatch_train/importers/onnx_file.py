"""Import an ONNX file with a hand-written card 2: check the card against the graph, then copy both.

    python -m tumorwatch_train.importers onnx <file.onnx> --card <card.json> --out <model dir>
        [--tap-features none|auto|TENSOR]

Checked, each refusal naming the card field: the input tensor (name, channel count), the output tensor (name, class
count), the feature tensor (name, dimension) and fixed spatial sizes against the patch. The copy's card gets the
file's name, sha256 and opset; with --tap-features a card without a feature tensor gets one (tap_features.py)."""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

from .publish import model_dir_published
from .refusal import Refused
from .tap_features import TapError, tap_features


def _dims(value_info) -> list[int | None]:
    return [d.dim_value if d.HasField("dim_value") else None for d in value_info.type.tensor_type.shape.dim]


def check_card(model, card: dict) -> None:
    """Refuses a card that contradicts the graph, naming the field."""
    inits = {i.name for i in model.graph.initializer}
    inputs = {i.name: _dims(i) for i in model.graph.input if i.name not in inits}
    outputs = {o.name: _dims(o) for o in model.graph.output}
    out, pre = card.get("output", {}), card.get("preprocessing", {})
    name = out.get("inputName")
    if name not in inputs:
        raise Refused("card output.inputName", f"{name!r} is not a graph input ({', '.join(inputs)})")
    shape = inputs[name]
    channels = len(pre.get("channels", []))
    if len(shape) != 5 or shape[1] not in (None, channels):
        raise Refused("card preprocessing.channels", f"{channels} channels, the graph input is {shape}")
    patch = card.get("inference", {}).get("patchSize", [])
    if any(d is not None and d != p for d, p in zip(shape[2:], patch, strict=False)):
        raise Refused("card inference.patchSize", f"{patch}, the graph's fixed spatial sizes are {shape[2:]}")
    logits = out.get("logitsName")
    if logits not in outputs:
        raise Refused("card output.logitsName", f"{logits!r} is not a graph output ({', '.join(outputs)})")
    classes = len(out.get("classes", []))
    if outputs[logits][1:2] not in ([None], [classes]):
        raise Refused("card output.classes", f"{classes} classes, the graph's {logits} is {outputs[logits]}")
    features = out.get("featuresName", "")
    if features:
        if features not in outputs:
            raise Refused("card output.featuresName", f"{features!r} is not a graph output ({', '.join(outputs)})")
        if outputs[features][1:2] not in ([None], [out.get("featureDim")]):
            raise Refused(
                "card output.featureDim", f"{out.get('featureDim')}, the graph's {features} is {outputs[features]}"
            )


def import_onnx(source: Path, card_path: Path, out: Path, tap: str = "none") -> dict:
    import onnx

    if out.exists() and any(out.iterdir()):
        raise Refused(f"--out {out}", "exists and is not empty")
    try:
        card = json.loads(card_path.read_text())
    except (OSError, ValueError) as e:
        raise Refused(f"--card {card_path}", f"cannot be read as JSON: {e}") from e
    if card.get("schema") != "tumorwatch.model-card/2":
        raise Refused("card schema", f"{card.get('schema')!r}: a hand-written card must be tumorwatch.model-card/2")
    if len(card.get("onnx", {}).get("files", [None])) > 1:
        raise Refused("card onnx.files", "an ensemble: import one ONNX file at a time here")
    try:
        model = onnx.load(str(source))
        onnx.checker.check_model(model)
    except Exception as e:
        raise Refused(str(source), f"not a valid ONNX graph: {e}") from e
    if tap != "none":
        if card["output"].get("featuresName"):
            raise Refused("--tap-features", f"the card already names feature tensor {card['output']['featuresName']}")
        shape = (1, len(card["preprocessing"]["channels"]), *card["inference"]["patchSize"])
        try:
            model, tapped, dim = tap_features(model, shape, None if tap == "auto" else tap)
        except TapError as e:
            raise Refused("--tap-features", str(e)) from e
        card["output"] |= {"featuresName": "features", "featureDim": dim}
        card.setdefault("training", {}).setdefault("imported", {})["featuresTapped"] = tapped
    check_card(model, card)
    with model_dir_published(out) as work:
        onnx.save(model, str(work / "model.onnx"))
        sha = hashlib.sha256((work / "model.onnx").read_bytes()).hexdigest()
        opset = next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), 0)
        parity = card.get("onnx", {}).get("parity") or {"maxAbsDiff": 0, "note": "the ONNX file is the model itself"}
        card["onnx"] = {"file": "model.onnx", "sha256": sha, "opset": opset, "parity": parity}
        card["onnx"]["files"] = [{"file": "model.onnx", "sha256": sha}]
        (work / "model-card.json").write_text(json.dumps(card, indent=2) + "\n")
    return card


def build_parser(parser: argparse.ArgumentParser | None = None) -> argparse.ArgumentParser:
    p = parser or argparse.ArgumentParser(prog="tumorwatch_train.importers onnx")
    p.add_argument("source", type=Path, help="the ONNX file")
    p.add_argument("--card", type=Path, required=True, help="hand-written card 2 (JSON)")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--tap-features", default="none", help="none, auto (deepest encoder output) or a tensor name")
    return p


def run(args: argparse.Namespace) -> dict:
    card = import_onnx(args.source, args.card, args.out, args.tap_features)
    return {
        "type": "done",
        "out": str(args.out.resolve()),
        "name": card.get("name"),
        "version": card.get("version"),
        "files": ["model.onnx"],
    }
