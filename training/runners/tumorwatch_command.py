"""An example of the COMMAND runner's contract (lib/server/workflows/runners/command.ts): the project's own trainer,
reached only through what any hospital command gets, a snapshot export in a standard format, the parent model's
folder and an output folder. It reads a MONAI datalist (datalist.json) or an nnU-Net v2 raw dataset (dataset.json,
imagesTr/labelsTr), writes the trainer's manifest next to {out}, and trains into {out}.

    TRAINING_COMMAND='[".venv/bin/python", "training/runners/tumorwatch_command.py", "--snapshot", "{snapshot}",
      "--format", "{format}", "--out", "{out}", "--parent", "{parent}", "--name", "{name}", "--version", "{version}",
      "--snapshot-id", "{snapshot_id}", "--config", "{config}", "--epochs", "{epochs}"]'

stdout carries the trainer's JSON-lines events (progress, log, done, error), which the app shows as the run's
progress and log; exit code 1 fails the run with the last error event."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from tumorwatch_train.cli import main as trainer  # noqa: E402
from tumorwatch_train.config import CHANNELS  # noqa: E402

SPLITS = {"training": "TRAIN", "validation": "VAL"}


def from_datalist(root: Path) -> tuple[dict, list[dict]]:
    doc = json.loads((root / "datalist.json").read_text())
    if list(doc.get("channels", [])) != list(CHANNELS):
        raise ValueError(f"datalist channels {doc.get('channels')} are not {list(CHANNELS)}")
    cases = []
    for key, split in SPLITS.items():
        for e in doc.get(key, []):
            images = {ch: str(root / p) for ch, p in zip(CHANNELS, e["image"])}
            cases.append({"caseId": e["caseId"], "split": split, "images": images, "label": str(root / e["label"])})
    return doc.get("snapshot", {}), cases


def from_nnunet(root: Path) -> tuple[dict, list[dict]]:
    doc = json.loads((root / "dataset.json").read_text())
    names = [doc["channel_names"][str(i)] for i in range(len(doc["channel_names"]))]
    if names != list(CHANNELS):
        raise ValueError(f"dataset.json channel_names {names} are not {list(CHANNELS)}")
    ending, cases = doc["file_ending"], []
    for label in sorted((root / "labelsTr").glob(f"*{ending}")):
        case = label.name[: -len(ending)]
        images = {ch: str(root / "imagesTr" / f"{case}_{i:04d}{ending}") for i, ch in enumerate(CHANNELS)}
        split = doc.get("splits", {}).get(case, "TRAIN")
        cases.append({"caseId": case, "split": split, "images": images, "label": str(label)})
    sha = str(doc.get("reference", "")).removeprefix("sha256:")
    return {"sha256": sha or None}, cases


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--snapshot", required=True, type=Path)
    p.add_argument("--format", required=True, choices=["monai-datalist", "nnunet"])
    p.add_argument("--out", required=True, type=Path)
    p.add_argument("--parent", type=Path, help="the parent model's folder; absent when training from scratch")
    p.add_argument("--name", required=True)
    p.add_argument("--version", required=True)
    p.add_argument("--snapshot-id", required=True, help="written into the card: the app checks it is the run's")
    p.add_argument("--config", default="default")
    p.add_argument("--epochs")
    p.add_argument("--steps-per-epoch")
    p.add_argument("--seed")
    p.add_argument("--threads")
    a = p.parse_args()

    snapshot, cases = (from_datalist if a.format == "monai-datalist" else from_nnunet)(a.snapshot)
    manifest = a.out.parent / "command-manifest.json"
    doc = {"version": 1, "snapshot": {**snapshot, "id": a.snapshot_id}, "labelMap": "brats2023", "cases": cases}
    manifest.write_text(json.dumps(doc, indent=1) + "\n")
    argv = ["train", "--manifest", str(manifest), "--out", str(a.out), "--config", a.config]
    argv += ["--name", a.name, "--version", a.version, "--no-verify"]
    if a.parent and (a.parent / "checkpoint.pt").exists():
        argv += ["--init-from", str(a.parent)]
    elif a.parent:  # a model from elsewhere: this trainer cannot start from its ONNX file
        print(
            json.dumps({"type": "log", "message": f"{a.parent} has no checkpoint.pt: training from scratch"}),
            flush=True,
        )
    for flag, value in (("--epochs", a.epochs), ("--steps-per-epoch", a.steps_per_epoch), ("--seed", a.seed)):
        if value:
            argv += [flag, value]
    if a.threads:
        argv += ["--threads", a.threads]
    return trainer(argv)


if __name__ == "__main__":
    raise SystemExit(main())
