"""nnU-Net's pieces for nnunet_finetune.py: the parent's fold weights, the check that they are the parent's, nnU-Net's
preprocessing of the snapshot export with the model's own plans, and a short fine-tuning loop with nnU-Net's loss."""

from __future__ import annotations

import json
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import torch

from tumorwatch_train.config import CHANNELS
from tumorwatch_train.importers.nnunet_export import _load, build_network

# product label (1 NCR, 2 ED, 3 ET) -> the model's own label value, by the card's output.labelMap
OWN_LABELS = {"brats2023": {1: 1, 2: 2, 3: 3}, "brats2024": {1: 1, 2: 2, 3: 3}, "brats2020": {1: 1, 2: 2, 3: 4}}


def spec_of(source: Path, card: dict) -> dict:
    imported = card["training"]["imported"]
    return {
        "plans": json.loads((source / "plans.json").read_text()),
        "dataset": json.loads((source / "dataset.json").read_text()),
        "configuration": imported["configuration"],
    }


def load_folds(source: Path, parent: Path, card: dict) -> dict[str, dict]:
    """Each fold of the card (its ONNX member in the same order) with its checkpoint."""
    names = [str(f) for f in card["training"]["imported"]["folds"]]
    files = [f["file"] for f in card["onnx"]["files"]]
    if len(names) != len(files):
        raise ValueError(f"card lists {len(names)} folds and {len(files)} ONNX files")
    archive = parent / "checkpoint.pt"
    out = {}
    for name, onnx in zip(names, files):
        member = f"fold_{name}/checkpoint_final.pth"
        if archive.exists():
            with zipfile.ZipFile(archive) as z, tempfile.TemporaryDirectory() as tmp:
                path = Path(z.extract(member, tmp))
                checkpoint, where = _load(path), f"{archive.name}:{member}"
        else:
            checkpoint, where = _load(source / member), f"{source.name}/{member}"
        out[name] = {"checkpoint": checkpoint, "onnx": onnx, "source": where}
    return out


def network(source: Path, card: dict, weights: dict) -> torch.nn.Module:
    net = build_network(spec_of(source, card), card["training"]["imported"].get("trainer", "nnUNetTrainer"))
    net.load_state_dict(weights)
    return net


def check_against_onnx(source: Path, fold: dict, onnx_path: Path, card: dict, tolerance: float = 1e-3) -> float:
    """The weights must be the parent's: the same logits as its ONNX member on a random patch."""
    import onnxruntime as ort

    net = network(source, card, fold["checkpoint"]["network_weights"]).eval()
    patch = card["inference"]["patchSize"]
    x = np.random.default_rng(0).standard_normal((1, len(card["preprocessing"]["channels"]), *patch)).astype(np.float32)
    with torch.no_grad():
        ref = net(torch.from_numpy(x)).numpy()
    session = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    got = session.run([card["output"]["logitsName"]], {card["output"]["inputName"]: x})[0]
    diff = float(np.max(np.abs(got - ref)))
    if diff > tolerance:
        raise ValueError(
            f"{fold['source']} is not the parent's weights: its logits differ from {onnx_path.name} by {diff:.2e}"
        )
    return diff


def preprocess_cases(source: Path, snapshot: Path, card: dict) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """nnU-Net's DefaultPreprocessor with the model's plans, channels in the model's order, labels in its convention."""
    import nibabel as nib
    from nnunetv2.preprocessing.preprocessors.default_preprocessor import DefaultPreprocessor
    from nnunetv2.utilities.plans_handling.plans_handler import PlansManager

    spec = spec_of(source, card)
    pm = PlansManager(spec["plans"])
    cm = pm.get_configuration(spec["configuration"])
    order = [CHANNELS.index(ch) for ch in card["preprocessing"]["channels"]]
    lut = np.zeros(256, np.uint8)
    for product, own in OWN_LABELS[card["output"]["labelMap"]].items():
        lut[product] = own
    ending = json.loads((snapshot / "dataset.json").read_text())["file_ending"]
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for label in sorted((snapshot / "labelsTr").glob(f"*{ending}")):
            case = label.name[: -len(ending)]
            images = [str(snapshot / "imagesTr" / f"{case}_{i:04d}{ending}") for i in order]
            img = nib.load(label)
            own = Path(tmp) / f"{case}{ending}"
            nib.save(nib.Nifti1Image(lut[np.asarray(img.dataobj, dtype=np.uint8)], img.affine, img.header), own)
            data, seg, _ = DefaultPreprocessor(verbose=False).run_case(images, str(own), pm, cm, spec["dataset"])
            out.append((data.astype(np.float32), seg[0].astype(np.int16), np.argwhere(seg[0] > 0)))
    return out


def _targets(seg: np.ndarray, regions: list | None) -> np.ndarray:
    if regions is None:
        return seg[None].astype(np.float32)
    return np.stack([np.isin(seg, r if isinstance(r, list | tuple) else [r]) for r in regions]).astype(np.float32)


def _batch(cases, rng, patch, regions, size=2):
    xs, ys = [], []
    for _ in range(size):
        data, seg, fg = cases[rng.integers(len(cases))]
        shape = np.array(data.shape[1:])
        centre = fg[rng.integers(len(fg))] if len(fg) and rng.random() < 0.67 else rng.integers(shape)
        lo = np.clip(centre - np.array(patch) // 2, 0, np.maximum(shape - patch, 0))
        crop = tuple(slice(a, a + p) for a, p in zip(lo, patch))
        x = np.zeros((data.shape[0], *patch), np.float32)
        y = np.zeros(patch, np.int16)
        got = data[(slice(None), *crop)]
        x[(slice(None), *(slice(0, s) for s in got.shape[1:]))] = got
        y[tuple(slice(0, s) for s in got.shape[1:])] = seg[crop]
        xs.append(x)
        ys.append(_targets(y, regions))
    return torch.from_numpy(np.stack(xs)), torch.from_numpy(np.stack(ys))


def fine_tune(source: Path, folds: dict[str, dict], cases, a, total: int, emit) -> dict[str, dict]:
    """Each fold from its own weights, nnU-Net's loss for its output kind (regions: Dice + BCE; labels: Dice + CE)."""
    from nnunetv2.training.loss.compound_losses import DC_and_BCE_loss, DC_and_CE_loss
    from nnunetv2.training.loss.dice import MemoryEfficientSoftDiceLoss
    from nnunetv2.utilities.plans_handling.plans_handler import PlansManager

    card = json.loads((a.parent / "model-card.json").read_text())
    spec = spec_of(source, card)
    labels = PlansManager(spec["plans"]).get_label_manager(spec["dataset"])
    regions = (
        [list(r) if isinstance(r, list | tuple) else r for r in labels.foreground_regions]
        if labels.has_regions
        else None
    )
    dice = {"batch_dice": True, "do_bg": regions is not None, "smooth": 1e-5, "ddp": False}
    loss_fn = (
        DC_and_BCE_loss({}, dice, dice_class=MemoryEfficientSoftDiceLoss)
        if regions is not None
        else DC_and_CE_loss(dice, {}, dice_class=MemoryEfficientSoftDiceLoss)
    )
    patch = list(card["inference"]["patchSize"])
    step, tuned = 0, {}
    for name, fold in folds.items():
        torch.manual_seed(a.seed)
        rng = np.random.default_rng(a.seed + len(tuned))
        net = network(source, card, fold["checkpoint"]["network_weights"]).train()
        opt = torch.optim.Adam(net.parameters(), lr=a.lr)
        for _ in range(total // len(folds)):
            x, y = _batch(cases, rng, patch, regions)
            opt.zero_grad()
            loss = loss_fn(net(x), y)
            loss.backward()
            opt.step()
            step += 1
            if step % 5 == 0 or step == total:
                emit(
                    {
                        "type": "progress",
                        "epoch": name,
                        "step": step,
                        "total_steps": total,
                        "loss": round(loss.item(), 4),
                    }
                )
        net.eval()
        tuned[name] = {**fold["checkpoint"], "network_weights": net.state_dict(), "optimizer_state": opt.state_dict()}
    return tuned
