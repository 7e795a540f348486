"""The optimisation loop: seeded, deterministic on a given machine and thread count, Dice+CE on tumour-biased
patches, sliding-window validation on the target grid, best-by-validation weights kept."""

from __future__ import annotations

import copy
import math
import random

import numpy as np
import torch
from monai.losses import DiceCELoss

from .config import TrainConfig
from .data import CachedCase, PatchSampler
from .metrics import region_dice
from .model import SegWithFeatures
from .predict import InferenceSpec, TorchBackend, infer_preprocessed
from .progress import Progress


def seed_everything(seed: int, threads: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    torch.use_deterministic_algorithms(True)


def lr_at(step: int, cfg: TrainConfig, base_lr: float) -> float:
    """Linear warm-up, then cosine decay to 2% of the base rate."""
    if step < cfg.warmup_steps:
        return base_lr * (step + 1) / cfg.warmup_steps
    t = (step - cfg.warmup_steps) / max(1, cfg.total_steps - cfg.warmup_steps)
    return base_lr * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * min(1.0, t))))


def validate(model: SegWithFeatures, cases: list[CachedCase], cfg: TrainConfig) -> dict:
    """Mean of the WT/TC/ET Dice per case on the target grid (cheap; the card reports native-grid Dice)."""
    model.eval()
    spec, backend = InferenceSpec.from_config(cfg), TorchBackend(model)
    per_case = []
    for c in cases:
        probs, _ = infer_preprocessed(c.x, spec, backend)
        per_case.append(region_dice(np.argmax(probs, axis=0), c.y))
    model.train()
    means = {r: float(np.mean([d[r] for d in per_case])) for r in ("WT", "TC", "ET")}
    return means | {"mean": float(np.mean(list(means.values())))}


def train_loop(
    model: SegWithFeatures,
    train: list[CachedCase],
    val: list[CachedCase],
    cfg: TrainConfig,
    base_lr: float,
    progress: Progress,
) -> dict:
    rng = np.random.default_rng(cfg.seed)
    sampler = PatchSampler(train, cfg, rng)
    loss_fn = DiceCELoss(to_onehot_y=True, softmax=True, batch=True)
    opt = torch.optim.AdamW(model.parameters(), lr=base_lr, weight_decay=cfg.weight_decay)
    val_cases = val[: cfg.max_val_cases] if cfg.max_val_cases else val
    best = {"score": -1.0, "epoch": 0, "state": copy.deepcopy(model.state_dict()), "dice": None}
    history, step, last_val = [], 0, None
    model.train()
    progress.start_loop()
    for epoch in range(1, cfg.epochs + 1):
        losses = []
        for _ in range(cfg.steps_per_epoch):
            for g in opt.param_groups:
                g["lr"] = lr_at(step, cfg, base_lr)
            xb, yb = sampler.batch()
            logits, _ = model(torch.from_numpy(xb))
            loss = loss_fn(logits, torch.from_numpy(yb[:, None].astype(np.int64)))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            step += 1
            losses.append(float(loss.item()))
            if not math.isfinite(losses[-1]):
                raise FloatingPointError(f"loss became {losses[-1]} at step {step}")
            if step % cfg.log_every == 0:
                progress.progress(epoch, step, cfg.total_steps, float(np.mean(losses[-cfg.log_every :])), last_val)
        entry = {"epoch": epoch, "loss": float(np.mean(losses))}
        if val_cases and (epoch % cfg.val_every == 0 or epoch == cfg.epochs):
            d = validate(model, val_cases, cfg)
            last_val, entry["val_dice"] = d["mean"], d
            if d["mean"] > best["score"]:
                best = {"score": d["mean"], "epoch": epoch, "state": copy.deepcopy(model.state_dict()), "dice": d}
            progress.log(
                f"epoch {epoch}: loss {entry['loss']:.4f}, val Dice WT {d['WT']:.3f} TC {d['TC']:.3f} "
                f"ET {d['ET']:.3f} (best epoch {best['epoch']})"
            )
        history.append(entry)
        progress.progress(epoch, step, cfg.total_steps, entry["loss"], last_val)
    if best["epoch"]:
        model.load_state_dict(best["state"])
    model.eval()
    return {
        "history": history,
        "bestEpoch": best["epoch"] or cfg.epochs,
        "bestValDiceTargetGrid": best["dice"],
        "steps": step,
    }
