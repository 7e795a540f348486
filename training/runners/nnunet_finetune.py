"""A COMMAND-runner training command for an imported nnU-Net v2 model (lib/server/workflows/runners/command.ts):
fine-tunes each fold of the parent with nnU-Net's own network, preprocessing and loss on the snapshot's nnU-Net export,
and re-imports the result through the nnU-Net importer, so the candidate's ONNX files and card 2 are made exactly as
the production model's were.

    [".venv/bin/python", "training/runners/nnunet_finetune.py", "--snapshot", "{snapshot}", "--format", "{format}",
     "--out", "{out}", "--parent", "{parent}", "--name", "{name}", "--version", "{version}",
     "--snapshot-id", "{snapshot_id}", "--epochs", "{epochs}", "--threads", "{threads}",
     "--nnunet-model", "/hospital/nnUNet_results/Dataset501_X/nnUNetTrainer__nnUNetPlans__3d_fullres"]

The plans and dataset.json come from --nnunet-model (the trained-model folder the production model was imported from:
fine-tuning keeps the network and its preprocessing). The weights are the parent's: {parent}/checkpoint.pt when an
earlier run of this command left one (a zip of its fold checkpoints), else the folder's own folds; either way each
fold is checked against the parent's ONNX member (same logits on a random patch) before training starts.
stdout carries the trainer's JSON-lines events (log, progress, done, error)."""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from nnunet_folds import check_against_onnx, fine_tune, load_folds, preprocess_cases  # noqa: E402

from tumorwatch_train.importers.nnunet import import_nnunet  # noqa: E402


def emit(event: dict) -> None:
    print(json.dumps(event), flush=True)


def write_folder(source: Path, dest: Path, folds: dict[str, dict]) -> Path:
    """An nnU-Net trained-model folder: the source's plans and dataset.json, the fine-tuned fold checkpoints."""
    folder = dest / source.name
    folder.mkdir(parents=True)
    for f in ("plans.json", "dataset.json", "dataset_fingerprint.json"):
        if (source / f).exists():
            shutil.copy(source / f, folder / f)
    for name, checkpoint in folds.items():
        (folder / f"fold_{name}").mkdir()
        torch.save(checkpoint, folder / f"fold_{name}" / "checkpoint_final.pth")
    return folder


def zip_folds(folder: Path, out: Path) -> None:
    """{out}/checkpoint.pt: what the next fine-tuning of the candidate starts from (the registry keeps it per run)."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        for p in sorted(folder.glob("fold_*/checkpoint_final.pth")):
            z.write(p, p.relative_to(folder))


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    for flag in ("--snapshot", "--out", "--nnunet-model"):
        p.add_argument(flag, type=Path, required=True)
    p.add_argument("--parent", type=Path, required=True, help="the production model's folder: card and ONNX folds")
    p.add_argument("--format", required=True, choices=["nnunet"])
    p.add_argument("--name", required=True)
    p.add_argument("--version", required=True)
    p.add_argument("--snapshot-id", required=True)
    p.add_argument("--epochs", type=int, default=4)
    p.add_argument("--iterations-per-epoch", type=int, default=20)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    started = time.time()
    try:
        card = json.loads((a.parent / "model-card.json").read_text())
        folds = load_folds(a.nnunet_model, a.parent, card)
        for name, fold in folds.items():
            diff = check_against_onnx(a.nnunet_model, fold, a.parent / fold["onnx"], card)
            emit(
                {
                    "type": "log",
                    "message": f"fold {name}: the parent's weights ({fold['source']}), max |logit diff| vs its ONNX {diff:.2e}",
                }
            )
        cases = preprocess_cases(a.nnunet_model, a.snapshot, card)
        emit({"type": "log", "message": f"{len(cases)} training cases preprocessed with the model's own plans"})
        total = a.epochs * a.iterations_per_epoch * len(folds)
        tuned = fine_tune(a.nnunet_model, folds, cases, a, total, emit)
        with tempfile.TemporaryDirectory(prefix="nnunet-finetune-") as tmp:
            folder = write_folder(a.nnunet_model, Path(tmp), tuned)
            imported = Path(tmp) / "imported"
            new = import_nnunet(folder, imported, folds=list(tuned), name=a.name, version=a.version)
            parent_onnx = (a.parent / card["onnx"]["file"]).read_bytes()
            new["training"] |= {
                "datasetSnapshot": {"id": a.snapshot_id, "sha256": snapshot_sha(a.snapshot)},
                "parent": {
                    "name": card["name"],
                    "version": card["version"],
                    "checkpointSha256": hashlib.sha256(parent_onnx).hexdigest(),
                },
                "cases": {"train": len(cases), "val": 0},
                "learningRate": a.lr,
                "steps": total,
                "durationS": round(time.time() - started, 1),
            }
            a.out.mkdir(parents=True, exist_ok=True)
            for f in new["onnx"]["files"]:
                shutil.copy(imported / f["file"], a.out / f["file"])
            (a.out / "model-card.json").write_text(json.dumps(new, indent=1) + "\n")
            zip_folds(folder, a.out / "checkpoint.pt")
        emit({"type": "done", "durationS": round(time.time() - started, 1), "folds": list(tuned)})
        return 0
    except Exception as e:  # the app shows the reason from the stream; the traceback goes to stderr
        import traceback

        traceback.print_exc(file=sys.stderr)
        emit({"type": "error", "message": f"{type(e).__name__}: {e}"})
        return 1


def snapshot_sha(snapshot: Path) -> str | None:
    ref = str(json.loads((snapshot / "dataset.json").read_text()).get("reference", ""))
    return ref.removeprefix("sha256:") or None


if __name__ == "__main__":
    raise SystemExit(main())
