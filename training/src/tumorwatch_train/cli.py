"""Command line: train, predict, evaluate, manifest-from-cohort. stdout carries JSON lines only; a failure emits
{"type": "error", "message"} and exits 1."""

from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path

from .progress import Progress


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m tumorwatch_train")
    sub = p.add_subparsers(dest="command", required=True)

    t = sub.add_parser("train", help="train (or fine-tune) a model from a dataset manifest")
    t.add_argument("--manifest", required=True)
    t.add_argument("--out", required=True)
    t.add_argument("--init-from", help="parent checkpoint.pt, or a directory holding one (fine-tuning)")
    t.add_argument("--config", default="default", help="tiny | small | default")
    t.add_argument("--epochs", type=int)
    t.add_argument("--steps-per-epoch", type=int)
    t.add_argument("--batch-size", type=int)
    t.add_argument("--val-every", type=int)
    t.add_argument("--seed", type=int)
    t.add_argument("--threads", type=int)
    t.add_argument("--lr", type=float, help="base learning rate (default: config lr, or finetune_lr with --init-from)")
    t.add_argument(
        "--fg-prob",
        type=float,
        help="share of patches centred on a tumour voxel (default: fg_prob, or finetune_fg_prob with --init-from)",
    )
    t.add_argument(
        "--weight-alpha",
        type=float,
        help="with --init-from: (1 - a) parent + a fine-tuned weights (default: finetune_weight_alpha)",
    )
    t.add_argument("--name", default="tumorwatch-seg")
    t.add_argument("--version", default="0.0.0-dev", help="semver written into the model card")
    t.add_argument("--no-verify", action="store_true", help="skip sha256 checks of the manifest's files")
    t.add_argument(
        "--checkpoint-dtype",
        default="float32",
        choices=["float32", "float16"],
        help="float16 halves checkpoint.pt (the committed production model uses it)",
    )

    r = sub.add_parser("predict", help="reference prediction for one case (the TS pipeline's parity target)")
    r.add_argument("--model", required=True, help="model directory (model-card.json + model.onnx/checkpoint.pt)")
    r.add_argument("--case", nargs=4, required=True, metavar=("T1N", "T1C", "T2W", "T2F"))
    r.add_argument("--out", required=True, help="mask .nii.gz (uint8, 0 bg, 1 NCR, 2 ED, 3 ET)")
    r.add_argument("--backend", default="onnx", choices=["onnx", "torch"])
    r.add_argument("--threads", type=int, default=1)

    e = sub.add_parser("evaluate", help="Dice of a model on the labelled cases of a manifest (native grid)")
    e.add_argument("--model", required=True)
    e.add_argument("--manifest", required=True)
    e.add_argument("--out")
    e.add_argument("--split")
    e.add_argument("--backend", default="onnx", choices=["onnx", "torch"])
    e.add_argument("--threads", type=int, default=1)

    m = sub.add_parser("manifest-from-cohort", help="manifest for a synthetic cohort directory (scripts/cohort.ts)")
    m.add_argument("--cohort", required=True)
    m.add_argument("--out", required=True)
    m.add_argument("--split", default="TRAIN", help="split for every case, or TRAIN with --val-fraction")
    m.add_argument("--val-fraction", type=float, default=0.0)
    m.add_argument("--no-sha", action="store_true")
    return p


def _train(a, progress: Progress) -> dict:
    from .config import resolve_config
    from .pipeline import run_training

    cfg = resolve_config(
        a.config,
        {
            "epochs": a.epochs,
            "steps_per_epoch": a.steps_per_epoch,
            "batch_size": a.batch_size,
            "val_every": a.val_every,
            "seed": a.seed,
            "threads": a.threads,
        },
    )
    return run_training(
        a.manifest,
        a.out,
        cfg,
        init_from=a.init_from,
        name=a.name,
        version=a.version,
        lr=a.lr,
        fg_prob=a.fg_prob,
        weight_alpha=a.weight_alpha,
        verify=not a.no_verify,
        half=a.checkpoint_dtype == "float16",
        progress=progress,
    )


def _predict(a, progress: Progress) -> dict:
    import torch

    from .cases import load_images
    from .metrics import volumes_ml
    from .nifti_io import save_mask
    from .predict import load_model_dir, predict_images, voxel_mm3

    torch.set_num_threads(a.threads)
    backend, spec, card = load_model_dir(a.model, a.backend, a.threads)
    images, affine, ref = load_images(a.case)
    pred = predict_images(images, affine, spec, backend)
    save_mask(pred.mask, ref, a.out)
    voxel_ml = voxel_mm3(affine) / 1000.0
    g = pred.geometry
    return {
        "type": "done",
        "out": str(Path(a.out).resolve()),
        "model": f"{card['name']} {card['version']}",
        "backend": a.backend,
        "volumesMl": volumes_ml(pred.mask, voxel_ml),
        "features": pred.features.tolist(),
        "geometry": {
            "orientation": g.orientation.codes,
            "rasShape": list(g.ras_shape),
            "cropLo": list(g.crop_lo),
            "cropHi": list(g.crop_hi),
            "resampledShape": list(g.resampled_shape),
        },
    }


def _evaluate(a, progress: Progress) -> dict:
    import torch

    from .evaluate import run_evaluate

    torch.set_num_threads(a.threads)
    res = run_evaluate(a.model, a.manifest, a.out, a.split, a.backend, a.threads, progress)
    return {"type": "done", "summary": res["summary"], "out": a.out}


def _cohort(a, progress: Progress) -> dict:
    from .cohort import manifest_from_cohort

    n = manifest_from_cohort(Path(a.cohort), Path(a.out), a.split, a.val_fraction, not a.no_sha)
    return {"type": "done", "out": str(Path(a.out).resolve()), "cases": n}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    progress = Progress()
    handlers = {"train": _train, "predict": _predict, "evaluate": _evaluate, "manifest-from-cohort": _cohort}
    try:
        progress.emit(handlers[args.command](args, progress))
        return 0
    except Exception as exc:  # the app reads the reason from the stream; the traceback goes to stderr
        traceback.print_exc(file=sys.stderr)
        progress.emit({"type": "error", "message": f"{type(exc).__name__}: {exc}"})
        return 1
