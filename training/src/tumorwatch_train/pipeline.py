"""`train` end to end: manifest -> cached cases -> optimisation -> checkpoint, ONNX (+ parity), native-grid
validation, reference statistics, model card, metrics.json."""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
import math
from pathlib import Path

import numpy as np

from .card import build_card
from .config import TrainConfig
from .data import CachedCase, cache_case
from .evaluate import evaluate_entries, summarize_dice
from .export import OPSET, check_parity, export_onnx, parity, parity_inputs
from .manifest import CaseEntry, Manifest, load_manifest
from .model import (
    build_model,
    count_parameters,
    interpolate_weights,
    load_checkpoint,
    resolve_checkpoint,
    save_checkpoint,
)
from .nifti_io import sha256_file
from .predict import InferenceSpec, OnnxBackend, infer_preprocessed
from .progress import Progress
from .reference_stats import feature_reference, intensity_reference, metadata_reference, volume_reference
from .train import seed_everything, train_loop


def split_cases(m: Manifest) -> tuple[list[CaseEntry], list[CaseEntry]]:
    """TRAIN and VAL splits; without VAL cases, 15% of TRAIN (at least one) is held out, chosen by sha256(caseId)
    so that the choice is stable across runs and machines. Other splits (TEST, HOLDOUT...) are never used here."""
    train, val = m.split("TRAIN"), m.split("VAL")
    if not train:
        raise ValueError("manifest has no TRAIN cases")
    if not val and len(train) >= 2:
        ranked = sorted(train, key=lambda c: hashlib.sha256(c.case_id.encode()).hexdigest())
        k = max(1, math.ceil(0.15 * len(train)))
        val, train = ranked[:k], ranked[k:]
    return train, val


def _cache(
    entries: list[CaseEntry], m: Manifest, cfg: TrainConfig, verify: bool, what: str, progress: Progress
) -> list[CachedCase]:
    out = []
    for i, e in enumerate(entries, 1):
        out.append(cache_case(e, m.label_map, cfg, verify))
        if i == len(entries) or i % 10 == 0:
            progress.log(f"prepared {i}/{len(entries)} {what} cases")
    return out


def _parent(init_from: str | None) -> tuple[dict | None, object | None]:
    if not init_from:
        return None, None
    ckpt = resolve_checkpoint(init_from)
    model, net, payload = load_checkpoint(ckpt)
    card_path = ckpt.parent / "model-card.json"
    card = json.loads(card_path.read_text()) if card_path.is_file() else {}
    info = {
        "name": card.get("name") or payload.get("name"),
        "version": card.get("version") or payload.get("version"),
        "checkpointSha256": sha256_file(ckpt),
    }
    return info, (model, net)


def _write_json(path: Path, doc: dict) -> None:
    """Temporary name, then rename: a reader never sees half a card."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(doc, indent=1, allow_nan=False) + "\n")
    tmp.replace(path)


def run_training(
    manifest_path: str,
    out_dir: str,
    cfg: TrainConfig,
    *,
    init_from: str | None,
    name: str,
    version: str,
    lr: float | None,
    verify: bool,
    progress: Progress,
    half: bool = False,
    fg_prob: float | None = None,
    weight_alpha: float | None = None,
) -> dict:
    seed_everything(cfg.seed, cfg.threads)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    m = load_manifest(manifest_path)
    train_entries, val_entries = split_cases(m)
    progress.log(f"manifest {m.path.name}: {len(train_entries)} train, {len(val_entries)} val cases; config {cfg.name}")
    train = _cache(train_entries, m, cfg, verify, "train", progress)
    val = _cache(val_entries, m, cfg, verify, "val", progress)

    parent, loaded = _parent(init_from)
    parent_state = None
    if loaded is not None:
        model, net = loaded  # type: ignore[misc]
        if net != cfg.net:
            raise ValueError(f"--init-from network {net} differs from config {cfg.name}'s {cfg.net}")
        parent_state = copy.deepcopy(model.state_dict())
        progress.log(f"fine-tuning from {parent['name']} {parent['version']}")
    else:
        model = build_model(cfg.net)
    base_lr = lr if lr is not None else (cfg.finetune_lr if parent else cfg.lr)
    if fg_prob is None:
        fg_prob = cfg.finetune_fg_prob if parent else cfg.fg_prob
    cfg = dataclasses.replace(cfg, fg_prob=fg_prob)
    fit = train_loop(model, train, val, cfg, base_lr, progress)
    train_s = progress.loop_elapsed()
    alpha = None
    if parent_state is not None:
        alpha = cfg.finetune_weight_alpha if weight_alpha is None else weight_alpha
        interpolate_weights(model, parent_state, alpha)
        progress.log(f"weights: {1 - alpha:g} x parent + {alpha:g} x fine-tuned (WiSE-FT)")

    if half:  # the exported ONNX must hold exactly the weights the (float16) checkpoint holds
        model.load_state_dict(
            {k: v.half().float() if v.is_floating_point() else v for k, v in model.state_dict().items()}
        )
    save_checkpoint(
        model, cfg.net, out / "checkpoint.pt", {"name": name, "version": version, "config": cfg.to_json()}, half=half
    )
    export_onnx(model, out / "model.onnx", cfg.patch_size)
    probe = (val or train)[0].x
    par = parity(model, out / "model.onnx", parity_inputs(probe, cfg.patch_size, cfg.net.divisor))
    check_parity(par)
    progress.log(
        f"ONNX parity: max abs diff {par['maxAbsDiff']:.3g} (logits {par['logits']:.3g}, "
        f"features {par['features']:.3g})"
    )

    spec, backend = InferenceSpec.from_config(cfg), OnnxBackend(out / "model.onnx", cfg.threads)
    val_rows = evaluate_entries(val_entries, m.label_map, spec, backend, progress, verify=False)
    train_feats = np.array([infer_preprocessed(c.x, spec, backend)[1] for c in train])
    val_feats = np.array([r["features"] for r in val_rows]) if val_rows else np.zeros((0, cfg.net.feature_dim))
    reference = {
        "intensity": intensity_reference([c.stats for c in train]),
        "imageMetadata": metadata_reference([c.stats for c in train + val]),
        "features": feature_reference(train_feats, val_feats),
        "volumes": volume_reference([c.stats for c in train + val], [r["predictedVolumesMl"] for r in val_rows]),
    }
    metrics = {"validation": summarize_dice(val_rows), "validationTargetGrid": fit["bestValDiceTargetGrid"]}
    training = {
        "datasetSnapshot": {"id": m.snapshot.get("id"), "sha256": m.snapshot.get("sha256")},
        "manifestSha256": m.sha256,
        "labelMap": m.label_map,
        "parent": parent,
        "cases": {"train": len(train), "val": len(val)},
        "config": cfg.to_json(),
        "learningRate": base_lr,
        "weightInterpolation": None
        if alpha is None
        else {"alpha": alpha, "rule": "(1 - alpha) parent + alpha fine-tuned"},
        "bestEpoch": fit["bestEpoch"],
        "steps": fit["steps"],
        "durationS": round(progress.elapsed(), 1),
        "trainingLoopS": round(train_s, 1),
    }
    onnx_info = {"file": "model.onnx", "sha256": sha256_file(out / "model.onnx"), "opset": OPSET, "parity": par}
    card = build_card(
        cfg,
        name=name,
        version=version,
        training=training,
        metrics=metrics,
        reference=reference,
        onnx=onnx_info,
        parameters=count_parameters(model),
    )
    _write_json(out / "model-card.json", card)
    metrics_doc = {
        "history": fit["history"],
        "validation": metrics["validation"],
        "parity": par,
        "validationCases": [{k: v for k, v in r.items() if k != "features"} for r in val_rows],
    }
    _write_json(out / "metrics.json", metrics_doc)
    return {
        "type": "done",
        "outDir": str(out.resolve()),
        "name": name,
        "version": version,
        "files": ["model.onnx", "model-card.json", "metrics.json", "checkpoint.pt"],
        "validation": metrics["validation"],
        "onnxMaxAbsDiff": par["maxAbsDiff"],
        "durationS": round(progress.elapsed(), 1),
    }
