"""Baseline for bench/inference.ts: the same case through the PyTorch model with MONAI's sliding_window_inference,
using the trainer's own preprocessing and postprocessing (training/src/tumorwatch_train), with the same per-case
outputs the TypeScript pipeline produces (subregion volumes, 26-connected component counts).

Reading the NIfTI files and loading the model are outside the timed region, as they are for the TypeScript side.
MONAI's windows per forward pass (sw_batch_size) change torch's speed a lot on CPU, so each listed value is timed
and the fastest run of any is the baseline. Prints one JSON object: per-stage times of that run, in ms.
"""

import argparse
import json
import time

import numpy as np
import torch
from monai.inferers import sliding_window_inference

from tumorwatch_train.cases import load_images
from tumorwatch_train.metrics import component_counts, volumes_ml
from tumorwatch_train.predict import load_model_dir
from tumorwatch_train.preprocess import preprocess, probabilities_to_native


def one_case(images, affine, spec, model, voxel_ml, sw_batch):
    t0 = time.perf_counter()
    x, g = preprocess(images, affine, spec.target_spacing, spec.crop_margin_voxels)
    t1 = time.perf_counter()
    with torch.no_grad():
        logits = sliding_window_inference(
            torch.from_numpy(x)[None],
            spec.patch_size,
            sw_batch,
            lambda t: model(t)[0],
            overlap=spec.overlap,
            mode="gaussian",
            sigma_scale=spec.sigma_scale,
            padding_mode="constant",
            cval=0.0,
        )[0]
        probs = torch.softmax(logits, dim=0).numpy()
    t2 = time.perf_counter()
    mask = probabilities_to_native(probs, g)
    volumes_ml(mask, voxel_ml)
    component_counts(mask)
    t3 = time.perf_counter()
    return {
        "preprocessMs": (t1 - t0) * 1e3,
        "inferenceMs": (t2 - t1) * 1e3,
        "postprocessMs": (t3 - t2) * 1e3,
        "totalMs": (t3 - t0) * 1e3,
    }


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", required=True)
    p.add_argument("--case", nargs=4, required=True)
    p.add_argument("--repeat", type=int, default=2)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--backend", default="torch", choices=["torch", "onnx"])
    p.add_argument("--sw-batches", default="1", help="comma-separated MONAI sw_batch_size values to time")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    runner, spec, _ = load_model_dir(a.model, a.backend, a.threads)
    model = runner.model if a.backend == "torch" else (lambda t: runner(t))
    images, affine, _ = load_images(a.case)
    voxel_ml = float(np.prod([np.linalg.norm(affine[:3, j]) for j in range(3)])) / 1000.0
    with torch.no_grad():  # warm-up: torch sets up its convolution kernels on the first call
        model(torch.zeros((1, len(images), *spec.patch_size), dtype=torch.float32))
    runs = []
    for _ in range(a.repeat):
        for b in [int(v) for v in a.sw_batches.split(",")]:
            runs.append({**one_case(images, affine, spec, model, voxel_ml, b), "swBatch": b})
    best = min(runs, key=lambda r: r["totalMs"])
    by_batch = {f"swBatch{r['swBatch']}": min(x["totalMs"] for x in runs if x["swBatch"] == r["swBatch"]) for r in runs}
    print(json.dumps({**best, **by_batch, "backend": a.backend, "threads": a.threads}))


if __name__ == "__main__":
    main()
