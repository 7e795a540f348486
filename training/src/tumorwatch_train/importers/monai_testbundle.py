"""The test model of the MONAI import path: a complete bundle folder built from the REAL model-zoo configs
(../shared/data/models/monai-brats_mri_segmentation) with weights trained here, briefly, on a synthetic cohort.

    python -m tumorwatch_train.importers.monai_testbundle --cohort <dir> --out <bundle dir> [--steps 160]

metadata.json is copied unchanged. inference.json is copied and SHRUNK for CI, which the copy says in its
"_tumorwatch_note" key: network_def.init_filters 16 -> 8 and inferer.roi_size [240, 240, 160] -> [96, 96, 64]; every
other entry (transforms, overlap, sigmoid, threshold, the label lambda) is the original. The network is built from
that network_def and trained with train.json's own loss (DiceLoss, sigmoid, squared_pred) on TC/WT/ET targets in
the bundle's channel order (T1c, T1, T2, FLAIR), on whole small volumes, with Adam at a higher rate than train.json's
(3e-3 instead of 1e-4: a few hundred steps instead of 300 epochs). models/train-report.json records the steps, the
time and the Dice of the held-out cases through the bundle's own inferer."""

from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path

import numpy as np
import torch

ZOO = Path(__file__).resolve().parents[4] / ".." / "shared" / "data" / "models" / "monai-brats_mri_segmentation"
SHRINK = {"init_filters": 8, "roi_size": [96, 96, 64]}
ORDER = ("T1C", "T1N", "T2W", "T2F")  # metadata.json channel_def: T1c, T1, T2, FLAIR


def write_configs(out: Path, zoo: Path = ZOO) -> None:
    configs = out / "configs"
    configs.mkdir(parents=True, exist_ok=True)
    for name in ("metadata.json", "train.json"):
        shutil.copyfile(zoo / "configs" / name, configs / name)
    config = json.loads((zoo / "configs" / "inference.json").read_text())
    config["network_def"]["init_filters"] = SHRINK["init_filters"]
    config["inferer"]["roi_size"] = SHRINK["roi_size"]
    config["_tumorwatch_note"] = (
        "A copy of the model zoo's inference.json, shrunk for CI by TumorWatch's tests: network_def.init_filters "
        "16 -> 8, inferer.roi_size [240, 240, 160] -> [96, 96, 64]; nothing else changed."
    )
    (configs / "inference.json").write_text(json.dumps(config, indent=4) + "\n")


def load_case(case: dict):
    import nibabel as nib
    from monai.transforms import NormalizeIntensity

    x = np.stack([nib.load(case["images"][ch]).get_fdata(dtype=np.float32) for ch in ORDER])
    x = np.asarray(NormalizeIntensity(nonzero=True, channel_wise=True)(x))
    lab = np.asarray(nib.load(case["label"]).dataobj)
    # product labels (3 = ET) -> the bundle's regions: TC = NCR + ET, WT = all, ET
    y = np.stack([(lab == 1) | (lab == 3), lab > 0, lab == 3]).astype(np.float32)
    return torch.from_numpy(x), torch.from_numpy(y)


def dice(pred: torch.Tensor, target: torch.Tensor) -> list[float]:
    out = []
    for c in range(target.shape[0]):
        p, t = pred[c] > 0, target[c] > 0
        denom = int(p.sum() + t.sum())
        out.append(1.0 if denom == 0 else 2.0 * int((p & t).sum()) / denom)
    return out


def build(cohort: Path, out: Path, steps: int, seed: int = 0, val: int = 4) -> dict:
    from monai.bundle import ConfigParser

    from ..cohort import cohort_cases

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    write_configs(out)
    parser = ConfigParser()
    parser.read_config(str(out / "configs" / "inference.json"))
    train_cfg = ConfigParser()
    train_cfg.read_config(str(out / "configs" / "train.json"))
    net = parser.get_parsed_content("network_def")
    loss_fn = train_cfg.get_parsed_content("loss")
    cases = cohort_cases(cohort)
    data = [load_case(c) for c in cases]
    train, held = data[:-val], data[-val:]
    opt = torch.optim.Adam(net.parameters(), lr=3e-3, weight_decay=1e-5)
    t0 = time.monotonic()
    net.train()
    for _ in range(steps):
        pick = rng.choice(len(train), size=2, replace=False)
        x = torch.stack([train[i][0] for i in pick])
        y = torch.stack([train[i][1] for i in pick])
        opt.zero_grad()
        loss = loss_fn(net(x), y)
        loss.backward()
        opt.step()
    seconds = time.monotonic() - t0
    net.eval()
    inferer = parser.get_parsed_content("inferer")
    with torch.no_grad():
        scores = [dice(torch.sigmoid(inferer(x[None], net))[0] >= 0.5, y) for x, y in held]
    (out / "models").mkdir(exist_ok=True)
    torch.save(net.state_dict(), out / "models" / "model.pt")
    mean = np.mean(scores, axis=0).tolist()
    report = {
        "steps": steps,
        "trainCases": len(train),
        "heldOut": [c["caseId"] for c in cases[-val:]],
        "trainSeconds": round(seconds, 1),
        "dice": {"TC": mean[0], "WT": mean[1], "ET": mean[2]},
        "final_loss": float(loss),
    }
    (out / "models" / "train-report.json").write_text(json.dumps(report, indent=2) + "\n")
    return report


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m tumorwatch_train.importers.monai_testbundle")
    p.add_argument("--cohort", type=Path, required=True)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--steps", type=int, default=160)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    print(json.dumps({"type": "done", **build(a.cohort, a.out, a.steps)}), flush=True)


if __name__ == "__main__":
    main()
