"""Reference outputs of torch / MONAI for tests/inference/torch-reference.test.ts.

Usage: python torch_reference.py <tasks.json>. Each task names an op, its parameters and raw float32 files
(C order) to read and write; the test compares the TypeScript ports against what this writes.
"""

import json
import sys

import numpy as np
import torch
import torch.nn.functional as F
from monai.data.utils import compute_importance_map, dense_patch_slices
from monai.inferers import sliding_window_inference
from monai.transforms import NormalizeIntensity, ScaleIntensityRangePercentiles


def load(path, shape):
    return np.fromfile(path, dtype=np.float32).reshape(shape)


def run(task):
    op = task["op"]
    if op == "resample":
        x = torch.from_numpy(load(task["input"], task["inShape"]))[None]
        y = F.interpolate(x, size=tuple(task["outShape"][1:]), mode="trilinear", align_corners=False)[0]
        y.numpy().astype(np.float32).tofile(task["output"])
    elif op == "gaussian":
        w = compute_importance_map(tuple(task["patch"]), mode="gaussian", sigma_scale=task["sigmaScale"])
        w.numpy().astype(np.float32).tofile(task["output"])
    elif op == "softmax":
        x = torch.from_numpy(load(task["input"], task["shape"]))
        torch.softmax(x, dim=0).numpy().tofile(task["output"])
    elif op == "starts":
        n, p, overlap = task["n"], task["p"], task["overlap"]
        step = p if n == p else max(1, int(p * (1 - overlap)))
        return sorted({int(s[0].start) for s in dense_patch_slices((n,), (p,), (step,))})
    elif op == "sliding-window":
        # a position-sensitive predictor: each output channel is the input scaled by a ramp over the window
        x = torch.from_numpy(load(task["input"], task["shape"]))[None]
        patch = tuple(task["patch"])
        ramp = torch.from_numpy(load(task["ramp"], patch))

        def predictor(t):
            return t * ramp

        with torch.no_grad():
            y = sliding_window_inference(
                x,
                patch,
                1,
                predictor,
                overlap=task["overlap"],
                mode=task.get("mode", "gaussian"),
                sigma_scale=task["sigmaScale"],
                padding_mode="constant",
                cval=0.0,
            )
        y[0].numpy().astype(np.float32).tofile(task["output"])
    elif op == "sigmoid":
        torch.sigmoid(torch.from_numpy(load(task["input"], task["shape"]))).numpy().tofile(task["output"])
    elif op == "percentile-rescale":
        # MONAI ScaleIntensityRangePercentiles(clip=True) on one channel (card 2 percentile-rescale, over: crop)
        x = load(task["input"], task["shape"])
        t = ScaleIntensityRangePercentiles(task["lower"], task["upper"], task["bMin"], task["bMax"], clip=True)
        np.asarray(t(x[None]))[0].astype(np.float32).tofile(task["output"])
    elif op == "zscore":
        # MONAI NormalizeIntensity(nonzero, channel_wise=True) (card 2 zscore: nonzero-per-channel or crop)
        x = load(task["input"], task["shape"])
        t = NormalizeIntensity(nonzero=task["nonzero"], channel_wise=True)
        np.asarray(t(x[None]))[0].astype(np.float32).tofile(task["output"])
    else:
        raise ValueError(f"unknown op {op}")
    return None


def main():
    tasks = json.load(open(sys.argv[1]))
    print(json.dumps([run(t) for t in tasks]))


if __name__ == "__main__":
    main()
