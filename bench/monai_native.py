"""A MONAI bundle run natively, the reference of the MONAI import path's parity (tests/model-import/monai-parity.test.ts,
bench/model-import.ts): the bundle's own preprocessing, inferer (sliding_window_inference) and postprocessing (up to
and including its SaveImaged), built by monai.bundle.ConfigParser from configs/inference.json, and its network_def
with models/model.pt. Only the engine loop is ours: the bundle's SupervisedEvaluator needs pytorch-ignite and a
datalist, and does nothing else with one case.

    python bench/monai_native.py <bundle dir> <tasks.json> [--threads 2]

tasks.json: [{"images": [four NIfTI paths in the bundle's channel order], "out": "<mask>.nii.gz"}, ...]; prints one
JSON line per case ({"out", "seconds"}). The masks are in the bundle's labels (BraTS 2020: 1, 2, 4)."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import torch


def build(bundle: Path, save_dir: Path):
    from monai.bundle import ConfigParser

    parser = ConfigParser()
    parser.read_meta(str(bundle / "configs" / "metadata.json"))
    parser.read_config(str(bundle / "configs" / "inference.json"))
    parser["bundle_root"] = str(bundle)
    parser["output_dir"] = str(save_dir)
    net = parser.get_parsed_content("network_def")
    net.load_state_dict(torch.load(bundle / "models" / "model.pt", map_location="cpu", weights_only=True))
    net.eval()
    key = parser.get_parsed_content("image_key")
    return (
        parser.get_parsed_content("preprocessing"),
        parser.get_parsed_content("inferer"),
        parser.get_parsed_content("postprocessing"),
        net,
        key,
    )


def run_case(parts, images: list[str], out: Path, save_dir: Path) -> None:
    pre, inferer, post, net, key = parts
    item = pre({key: images})
    with torch.no_grad():
        item["pred"] = inferer(item[key][None], net)[0]
    for old in save_dir.rglob("*.nii.gz"):
        old.unlink()
    post(item)  # ends with the bundle's SaveImaged into save_dir
    saved = sorted(save_dir.rglob("*.nii.gz"))
    if len(saved) != 1:
        raise RuntimeError(f"the bundle's SaveImaged wrote {len(saved)} files, expected 1")
    out.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(saved[0]), out)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("bundle", type=Path)
    p.add_argument("tasks", type=Path)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    with tempfile.TemporaryDirectory(prefix="monai-native-") as tmp:
        save_dir = Path(tmp)
        parts = build(a.bundle.resolve(), save_dir)
        for task in json.loads(a.tasks.read_text()):
            t0 = time.perf_counter()
            run_case(parts, task["images"], Path(task["out"]), save_dir)
            line = {"out": task["out"], "seconds": round(time.perf_counter() - t0, 2)}
            sys.stdout.write(json.dumps(line) + "\n")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
