"""Import an nnU-Net v2 trained model (a Trainer__Plans__configuration folder, or a zip from
nnUNetv2_export_model_to_zip) as ONNX files (one per fold: an ensemble) + a card 2.

    python -m tumorwatch_train.importers nnunet <folder or zip> --out <model dir> [--configuration 3d_fullres]
        [--folds 0 1] [--channels T1N,T1C,T2W,T2F] [--name n] [--version 1.0.0]

Everything is checked before anything is written; the model directory appears complete (written beside it, then
renamed) or not at all.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import sys
import tempfile
import zipfile
from pathlib import Path

from .nnunet_card import build_card
from .nnunet_export import export_folds, load_checkpoints
from .nnunet_spec import ImportRefused, configuration_of, geometry_of, map_channels, normalization_of, output_of
from .publish import model_dir_published


@contextlib.contextmanager
def model_folder(source: Path, configuration: str | None):
    """The trained-model folder inside `source` (a folder or a zip) for the configuration."""
    if source.is_file() and zipfile.is_zipfile(source):
        with tempfile.TemporaryDirectory(prefix="nnunet-import-") as tmp:
            with zipfile.ZipFile(source) as z:
                for member in z.namelist():
                    if member.startswith("/") or ".." in Path(member).parts:
                        raise ImportRefused(f"{source.name}: member {member!r} points outside the archive")
                z.extractall(tmp)
            yield _find(Path(tmp), configuration, source.name)
        return
    if not source.is_dir():
        raise ImportRefused(f"{source}: neither a trained-model folder nor a zip")
    yield _find(source, configuration, str(source))


def _find(root: Path, configuration: str | None, shown: str) -> Path:
    found = sorted(p.parent for p in root.rglob("plans.json") if (p.parent / "dataset.json").is_file())
    if configuration:
        found = [p for p in found if p.name.endswith(f"__{configuration}")] or [
            p for p in found if configuration in json.loads((p / "plans.json").read_text()).get("configurations", {})
        ][:1]
    if not found:
        raise ImportRefused(f"{shown}: no trained-model folder (plans.json + dataset.json){_for(configuration)}")
    if len(found) > 1:
        names = ", ".join(p.name for p in found)
        raise ImportRefused(f"{shown}: several trained models ({names}); choose one with --configuration")
    return found[0]


def _for(configuration: str | None) -> str:
    return f" for configuration {configuration}" if configuration else ""


def read_spec(folder: Path, configuration: str | None, channels: list[str] | None) -> dict:
    from nnunetv2.utilities.plans_handling.plans_handler import PlansManager

    dataset = json.loads((folder / "dataset.json").read_text())
    plans = json.loads((folder / "plans.json").read_text())
    name = configuration or folder.name.rsplit("__", 1)[-1]
    config = configuration_of(plans, name)
    where = f"plans.json configurations.{name}"
    mapped = map_channels(dataset, channels)
    label_manager = PlansManager(plans).get_label_manager(dataset)
    return {
        "configuration": name,
        "channels": mapped,
        "normalization": normalization_of(config, where, len(mapped)),
        "geometry": geometry_of(plans, config, where),
        "patch": [int(p) for p in config["patch_size"]],
        "output": output_of(label_manager, dataset),
        "architecture": {
            "network_class_name": config.get("architecture", {}).get("network_class_name", "unknown"),
            "arch_kwargs": config.get("architecture", {}).get("arch_kwargs", {}),
        },
        "dataset": dataset,
        "plans": plans,
    }


def import_nnunet(
    source: Path, out: Path, *, configuration=None, folds=None, channels=None, name=None, version="1.0.0"
):
    if out.exists() and any(out.iterdir()):
        raise ImportRefused(f"--out {out}: exists and is not empty")
    with model_folder(source, configuration) as folder:
        spec = read_spec(folder, configuration, channels)
        loaded = load_checkpoints(folder, folds, spec)
        spec["mirror_axes"] = loaded["mirror_axes"]
        spec["provenance"] = {
            "format": "nnunet",
            "summary": f"imported from nnU-Net v2 {folder.name} (folds {', '.join(loaded['folds'])})",
            "trainer": loaded["trainer"],
            "plans": spec["plans"].get("plans_name"),
            "configuration": spec["configuration"],
            "folds": loaded["folds"],
            "datasetName": spec["dataset"].get("name") or spec["plans"].get("dataset_name"),
        }
        with model_dir_published(out) as work:
            onnx, parameters, opset = export_folds(loaded, spec, work)
            training = _training(folder, loaded, spec)
            model_name = name or f"nnunet-{spec['provenance']['datasetName'] or 'model'}".lower().replace("_", "-")
            card = build_card(
                name=model_name,
                version=version,
                spec=spec,
                onnx=onnx,
                training=training,
                parameters=parameters,
                opset=opset,
            )
            (work / "model-card.json").write_text(json.dumps(card, indent=2) + "\n")
    return card


def _training(folder: Path, loaded: dict, spec: dict) -> dict:
    dataset = spec["dataset"]
    return {
        "datasetSnapshot": {"id": None, "sha256": None},
        "manifestSha256": hashlib.sha256((folder / "dataset.json").read_bytes()).hexdigest(),
        "labelMap": spec["output"]["labelMap"],
        "parent": None,
        "cases": {"train": max(1, int(dataset.get("numTraining", 1))), "val": 0},
        "config": {"name": f"nnunet:{folder.name}", "seed": 0},
        "learningRate": loaded["learning_rate"],
        "bestEpoch": max(1, loaded["epoch"]),
        "steps": max(1, loaded["epoch"]),
        "durationS": 0,
        "codeVersion": {"package": loaded["nnunet_version"], "gitCommit": None, "sourceSha256": loaded["sha256"]},
    }


def build_parser(parser: argparse.ArgumentParser | None = None) -> argparse.ArgumentParser:
    p = parser or argparse.ArgumentParser(prog="tumorwatch_train.importers nnunet", description=__doc__.split("\n")[0])
    p.add_argument("source", type=Path, help="trained-model folder or nnUNetv2_export_model_to_zip zip")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--configuration", default=None, help="e.g. 3d_fullres (default: the folder's own)")
    p.add_argument("--folds", nargs="+", default=None, help="folds to ensemble (default: every fold with a checkpoint)")
    p.add_argument("--channels", default=None, help="sequence of each nnU-Net channel in order, e.g. T1N,T1C,T2W,T2F")
    p.add_argument("--name", default=None)
    p.add_argument("--version", default="1.0.0")
    return p


def run(args: argparse.Namespace) -> int:
    channels = [c.strip().upper() for c in args.channels.split(",")] if args.channels else None
    try:
        card = import_nnunet(
            args.source,
            args.out,
            configuration=args.configuration,
            folds=args.folds,
            channels=channels,
            name=args.name,
            version=args.version,
        )
    except ImportRefused as e:
        field = str(e).split(": ", 1)[0]
        print(json.dumps({"type": "error", "message": str(e), "field": field}), flush=True)
        print(f"refused: {e}", file=sys.stderr)
        return 2
    files = [f["file"] for f in card["onnx"]["files"]]
    done = {"type": "done", "out": str(args.out), "name": card["name"], "version": card["version"], "files": files}
    print(json.dumps(done), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(run(build_parser().parse_args()))
