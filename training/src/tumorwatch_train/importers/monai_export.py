"""The bundle's network (network_def) with its weights -> ONNX (opset 18, dynamic batch and spatial dims, the
metadata's input and output names), checked against PyTorch on random inputs, optionally with a tapped feature
output (tap_features.py)."""

from __future__ import annotations

import hashlib
import warnings
from pathlib import Path

import numpy as np
import torch

from ..export import OPSET, PARITY_TOLERANCE
from ..model import for_export
from ..progress import stdout_to_stderr
from .refusal import Refused
from .tap_features import TapError, tap_features


def load_weights(net: torch.nn.Module, weights: Path, shown: str) -> None:
    """models/model.pt (a state dict, or {"model": state dict} as CheckpointSaver writes) or models/model.ts
    (TorchScript: its parameters, loaded into the network the config defines)."""
    try:
        if weights.suffix == ".ts":
            state = torch.jit.load(str(weights), map_location="cpu").state_dict()
        else:
            state = torch.load(str(weights), map_location="cpu", weights_only=True)
    except Exception as e:
        raise Refused(shown, f"cannot be loaded: {type(e).__name__}: {e}") from e
    if isinstance(state, dict) and set(state) == {"model"} and isinstance(state["model"], dict):
        state = state["model"]
    if not isinstance(state, dict):
        raise Refused(shown, "holds no state dict")
    try:
        net.load_state_dict(state)
    except RuntimeError as e:
        raise Refused(shown, f"does not fit network_def: {str(e).splitlines()[0]} ...") from e


def parity_shape(patch: list[int], divisor: int) -> list[int]:
    """A window no larger than 64 voxels per axis (the check stays seconds for a 240^3 roi), a divisor multiple."""
    return [max(divisor, min(p, 64) // divisor * divisor) for p in patch]


def export(net: torch.nn.Module, path: Path, names: dict, channels: int, patch: list[int], divisor: int) -> None:
    import onnx

    example = torch.zeros((1, channels, *parity_shape(patch, divisor)), dtype=torch.float32)
    dyn = {0: "batch", 2: "x", 3: "y", 4: "z"}
    with stdout_to_stderr(), warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            for_export(net),  # GroupNorm with nested means: the same function, closer to PyTorch in onnxruntime
            (example,),
            str(path),
            input_names=[names["input"]],
            output_names=[names["logits"]],
            opset_version=OPSET,
            dynamo=True,
            dynamic_shapes=(dyn,),
            external_data=False,
        )
    onnx.checker.check_model(str(path))


def tap(path: Path, channels: int, patch: list[int], tensor: str | None, divisor: int) -> tuple[str, int]:
    import onnx

    model = onnx.load(str(path))
    try:
        tapped, name, dim = tap_features(model, (1, channels, *parity_shape(patch, divisor)), tensor)
    except TapError as e:
        raise Refused("--tap-features", str(e)) from e
    onnx.save(tapped, str(path))
    return name, dim


def parity(net: torch.nn.Module, path: Path, names: dict, channels: int, patch: list[int], divisor: int) -> dict:
    """Worst |ONNX - PyTorch| of the outputs on two random windows (batch 2) of the parity shape."""
    import onnxruntime as ort

    shape = parity_shape(patch, divisor)
    x = np.random.default_rng(0).standard_normal((2, channels, *shape)).astype(np.float32)
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    with torch.no_grad():
        want = net.eval()(torch.from_numpy(x)).numpy()
    got = session.run([names["logits"]], {names["input"]: x})[0]
    if got.shape != want.shape:
        raise RuntimeError(f"ONNX output shape {got.shape} != PyTorch {want.shape}")
    worst = float(np.max(np.abs(got - want)))
    if worst > PARITY_TOLERANCE:
        raise RuntimeError(f"ONNX parity failed: max abs diff {worst:.3g} > {PARITY_TOLERANCE}")
    return {"maxAbsDiff": worst, "logits": worst, "inputs": [list(x.shape)], "count": 2, "input": "standard normal"}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
