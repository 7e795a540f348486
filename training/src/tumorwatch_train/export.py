"""ONNX export (opset 18, dynamic batch and spatial dims) and the PyTorch-vs-onnxruntime parity check."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import torch

from .model import SegWithFeatures, for_export
from .progress import stdout_to_stderr

OPSET = 18
PARITY_TOLERANCE = 1e-3


def export_onnx(model: SegWithFeatures, path: Path, patch: tuple[int, int, int], in_channels: int = 4) -> None:
    model = for_export(model)
    example = torch.zeros((1, in_channels, *patch), dtype=torch.float32)
    dyn = {0: "batch", 2: "x", 3: "y", 4: "z"}
    with stdout_to_stderr(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            model,
            (example,),
            str(path),
            input_names=["image"],
            output_names=["logits", "features"],
            opset_version=OPSET,
            dynamo=True,
            dynamic_shapes=(dyn,),
            external_data=False,
        )
    import onnx

    onnx.checker.check_model(str(path))


def parity(model: SegWithFeatures, path: Path, inputs: list[np.ndarray]) -> dict:
    """Runs each input (C, X, Y, Z) through both backends; returns the worst absolute differences."""
    import onnxruntime as ort

    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    worst = {"logits": 0.0, "features": 0.0}
    model = model.eval()
    for x in inputs:
        batch = np.ascontiguousarray(x[None], dtype=np.float32)
        with torch.no_grad():
            ref = [t.numpy() for t in model(torch.from_numpy(batch))]
        got = session.run(["logits", "features"], {"image": batch})
        for name, a, b in zip(("logits", "features"), ref, got):
            if a.shape != b.shape:
                raise RuntimeError(f"ONNX {name} shape {b.shape} != PyTorch {a.shape}")
            worst[name] = max(worst[name], float(np.max(np.abs(a - b))))
    worst["maxAbsDiff"] = max(worst["logits"], worst["features"])
    worst["inputs"] = sorted({tuple(x.shape[1:]) for x in inputs})
    worst["count"] = len(inputs)
    return worst


def check_parity(result: dict) -> None:
    if result["maxAbsDiff"] > PARITY_TOLERANCE:
        raise RuntimeError(f"ONNX parity failed: max abs diff {result['maxAbsDiff']:.3g} > {PARITY_TOLERANCE}")


def parity_inputs(x: np.ndarray, patch: tuple[int, int, int], divisor: int, max_windows: int = 16) -> list[np.ndarray]:
    """What inference feeds the model: the sliding windows of a real preprocessed case (up to max_windows), plus one
    non-cubic input of another size to exercise the dynamic spatial dims."""
    from .sliding_window import pad_amounts, window_starts

    overlap = 0.5
    need = [p + divisor for p in patch]
    x = np.pad(x, [(0, 0), *pad_amounts(x.shape[1:], need)])
    starts = [window_starts(n, p, overlap) for n, p in zip(x.shape[1:], patch)]
    grid = [(a, b, c) for a in starts[0] for b in starts[1] for c in starts[2]]
    pick = grid[:: max(1, -(-len(grid) // max_windows))]
    windows = [x[(slice(None), *(slice(s, s + p) for s, p in zip(st, patch)))] for st in pick]
    odd = (patch[0] + divisor, patch[1], patch[2] - divisor if patch[2] > divisor else patch[2] + divisor)
    lo = [(n - o) // 2 for n, o in zip(x.shape[1:], odd)]
    return windows + [x[(slice(None), *(slice(a, a + o) for a, o in zip(lo, odd)))]]
