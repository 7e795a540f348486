"""A real nnU-Net v2 trained-model folder for the import tests, made with nnU-Net's own code from a synthetic cohort:

raw dataset (the snapshot export's nnU-Net layout; region-based labels WT/TC/ET with regions_class_order, as nnU-Net's
BraTS setup) -> nnU-Net's fingerprint and ExperimentPlanner -> the 3d_fullres plan shrunk to a small patch and three
stages (CI's two cores) -> nnU-Net's DefaultPreprocessor -> nnU-Net's network and DC_and_BCE loss, trained by a short
loop (not nnUNetTrainer's 1000-epoch schedule) -> checkpoint_final.pth in nnU-Net's format, one per fold. Fold 1
starts from fold 0's weights and trains briefly on half the cases: a cheap but real two-member ensemble. Fold 0 is
also saved without test-time mirroring (inference_allowed_mirroring_axes None, what nnUNetTrainerNoMirroring
records) in a second, single-fold trained-model folder (results-single/) for the
real cases, where every network pass costs seconds on CPU.

    python -m tumorwatch_train.importers.nnunet_testmodel --cohort <dir> --work <dir> [--iterations 160]
prints the trained-model folder as the last JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import torch

from ..cohort import cohort_cases
from ..config import CHANNELS

DATASET = "Dataset501_TumorWatch"
CONFIG = "3d_fullres"
# inference windows of 96^3 need 12 windows for a brain where 64^3 need 60 (fewer overlaps); training patches are
# smaller (the network is fully convolutional): a 96^3 training step costs ~8x a 48^3 one on CPU
PATCH = [96, 96, 96]
TRAIN_PATCH = [48, 48, 48]
FEATURES = [8, 16, 32]
MIRROR_AXES = (0,)
TRAINER = "nnUNetTrainer"
REGIONS = {"background": 0, "whole tumor": [1, 2, 3], "tumor core": [1, 3], "enhancing tumor": [3]}


def write_raw(cohort: Path, raw: Path) -> list[str]:
    """The export's layout: imagesTr/<id>_000k.nii.gz in T1N, T1C, T2W, T2F order, labelsTr/<id>.nii.gz."""
    ids = []
    for c in cohort_cases(cohort):
        cid = c["caseId"].replace(".", "_")
        for i, ch in enumerate(CHANNELS):
            _link(Path(c["images"][ch]), raw / "imagesTr" / f"{cid}_{i:04d}.nii.gz")
        _link(Path(c["label"]), raw / "labelsTr" / f"{cid}.nii.gz")
        ids.append(cid)
    doc = {
        "channel_names": {str(i): ch for i, ch in enumerate(CHANNELS)},
        "labels": REGIONS,
        "regions_class_order": [2, 1, 3],
        "numTraining": len(ids),
        "file_ending": ".nii.gz",
        "name": DATASET,
    }
    (raw / "dataset.json").write_text(json.dumps(doc, indent=2))
    return ids


def _link(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(src, dst)


def plan(pre: Path) -> dict:
    """nnU-Net's fingerprint and plans, then the 3d_fullres configuration made small."""
    from nnunetv2.experiment_planning.dataset_fingerprint.fingerprint_extractor import DatasetFingerprintExtractor
    from nnunetv2.experiment_planning.experiment_planners.default_experiment_planner import ExperimentPlanner

    DatasetFingerprintExtractor(DATASET, num_processes=1).run()
    ExperimentPlanner(DATASET).plan_experiment()
    plans = json.loads((pre / "nnUNetPlans.json").read_text())
    conf = plans["configurations"][CONFIG]
    n = len(FEATURES)
    conf["patch_size"] = PATCH
    conf["batch_size"] = 2
    kw = conf["architecture"]["arch_kwargs"]
    kw.update(
        n_stages=n,
        features_per_stage=FEATURES,
        kernel_sizes=[[3, 3, 3]] * n,
        strides=[[1, 1, 1]] + [[2, 2, 2]] * (n - 1),
        n_conv_per_stage=[2] * n,
        n_conv_per_stage_decoder=[2] * (n - 1),
    )
    plans["configurations"] = {k: v for k, v in plans["configurations"].items() if k in ("2d", CONFIG)}
    (pre / "nnUNetPlans.json").write_text(json.dumps(plans, indent=2))
    return plans


def preprocess(
    plans: dict, dataset: dict, raw: Path, ids: list[str]
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    from nnunetv2.preprocessing.preprocessors.default_preprocessor import DefaultPreprocessor
    from nnunetv2.utilities.plans_handling.plans_handler import PlansManager

    pm = PlansManager(plans)
    cm = pm.get_configuration(CONFIG)
    pp = DefaultPreprocessor(verbose=False)
    out = []
    for cid in ids:
        images = [str(raw / "imagesTr" / f"{cid}_{i:04d}.nii.gz") for i in range(len(CHANNELS))]
        data, seg, _ = pp.run_case(images, str(raw / "labelsTr" / f"{cid}.nii.gz"), pm, cm, dataset)
        out.append((data.astype(np.float32), seg[0].astype(np.int16), np.argwhere(seg[0] > 0)))
    return out


def _regions(seg: np.ndarray) -> np.ndarray:
    return np.stack([np.isin(seg, r) for r in ([1, 2, 3], [1, 3], [3])]).astype(np.float32)


def _batch(cases, rng, size=2):
    xs, ys = [], []
    for _ in range(size):
        data, seg, fg = cases[rng.integers(len(cases))]
        shape = np.array(data.shape[1:])
        if rng.random() < 0.67 and len(fg):
            centre = fg[rng.integers(len(fg))]
        else:
            centre = np.array([rng.integers(s) for s in shape])
        lo = np.clip(centre - np.array(TRAIN_PATCH) // 2, 0, np.maximum(shape - TRAIN_PATCH, 0))
        sl = tuple(slice(a, a + p) for a, p in zip(lo, TRAIN_PATCH))
        x = np.zeros((data.shape[0], *TRAIN_PATCH), np.float32)
        y = np.zeros(TRAIN_PATCH, np.int16)
        crop = data[(slice(None), *sl)]
        x[(slice(None), *(slice(0, s) for s in crop.shape[1:]))] = crop
        y[tuple(slice(0, s) for s in crop.shape[1:])] = seg[sl]
        xs.append(x)
        ys.append(_regions(y))
    return torch.from_numpy(np.stack(xs)), torch.from_numpy(np.stack(ys))


def train(net, cases, iterations: int, seed: int, lr: float) -> tuple[torch.nn.Module, torch.optim.Optimizer]:
    from nnunetv2.training.loss.compound_losses import DC_and_BCE_loss
    from nnunetv2.training.loss.dice import MemoryEfficientSoftDiceLoss

    loss_fn = DC_and_BCE_loss(
        {}, {"batch_dice": True, "do_bg": True, "smooth": 1e-5, "ddp": False}, dice_class=MemoryEfficientSoftDiceLoss
    )
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    rng = np.random.default_rng(seed)
    net.train()
    for it in range(iterations):
        x, y = _batch(cases, rng)
        opt.zero_grad()
        loss = loss_fn(net(x), y)
        loss.backward()
        opt.step()
        if it % 20 == 0:
            print(
                json.dumps({"type": "progress", "seed": seed, "iteration": it, "loss": round(loss.item(), 4)}),
                file=sys.stderr,
                flush=True,
            )
    return net.eval(), opt


def save_fold(folder: Path, fold: int, net, opt, plans: dict, dataset: dict, epochs: int, mirror: bool = True) -> None:
    d = folder / f"fold_{fold}"
    d.mkdir(parents=True, exist_ok=True)
    torch.save(
        {
            "network_weights": net.state_dict(),
            "optimizer_state": opt.state_dict(),
            "grad_scaler_state": None,
            "logging": {},
            "_best_ema": None,
            "current_epoch": epochs,
            "init_args": {
                "plans": plans,
                "configuration": CONFIG,
                "fold": fold,
                "dataset_json": dataset,
                "device": "cpu",
            },
            "trainer_name": TRAINER,
            "inference_allowed_mirroring_axes": MIRROR_AXES if mirror else None,
        },
        d / "checkpoint_final.pth",
    )


def build(cohort: Path, work: Path, iterations: int) -> list[Path]:
    from nnunetv2.training.nnUNetTrainer.nnUNetTrainer import nnUNetTrainer
    from nnunetv2.utilities.plans_handling.plans_handler import PlansManager

    raw, pre, res = work / "raw" / DATASET, work / "preprocessed" / DATASET, work / "results"
    os.environ.update(
        nnUNet_raw=str(work / "raw"), nnUNet_preprocessed=str(work / "preprocessed"), nnUNet_results=str(res)
    )
    ids = write_raw(cohort, raw)
    plans = plan(pre)
    dataset = json.loads((raw / "dataset.json").read_text())
    cases = preprocess(plans, dataset, raw, ids)
    pm = PlansManager(plans)
    net = nnUNetTrainer.build_network_architecture(pm, pm.get_configuration(CONFIG), len(CHANNELS), 3, False)
    # nnUNetTrainer in both: nnU-Net's search for a variant's class imports every trainer module, and its Primus
    # trainers need timm -> torchvision, whose CUDA build does not load beside the CPU torch
    name = f"{TRAINER}__nnUNetPlans__{CONFIG}"
    folder, single = res / DATASET / name, work / "results-single" / DATASET / name
    half = max(1, len(cases) // 2)
    torch.manual_seed(0)
    net, opt = train(net, cases, iterations, seed=0, lr=3e-3)
    save_fold(folder, 0, net, opt, plans, dataset, iterations)
    save_fold(single, 0, net, opt, plans, dataset, iterations, mirror=False)
    net, opt = train(net, cases[:half], max(1, iterations // 8), seed=1, lr=1e-3)
    save_fold(folder, 1, net, opt, plans, dataset, iterations // 8)
    for f in (folder, single):
        shutil.copy(raw / "dataset.json", f / "dataset.json")
        shutil.copy(pre / "nnUNetPlans.json", f / "plans.json")
        shutil.copy(pre / "dataset_fingerprint.json", f / "dataset_fingerprint.json")
    return [folder, single]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="tumorwatch_train.importers.nnunet_testmodel")
    p.add_argument("--cohort", type=Path, required=True)
    p.add_argument("--work", type=Path, required=True)
    p.add_argument("--iterations", type=int, default=120)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args(argv)
    torch.set_num_threads(a.threads)
    t0 = time.time()
    folders = build(a.cohort, a.work, a.iterations)
    result = {
        "type": "done",
        "ensemble": str(folders[0]),
        "single": str(folders[1]),
        "seconds": round(time.time() - t0, 1),
    }
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
