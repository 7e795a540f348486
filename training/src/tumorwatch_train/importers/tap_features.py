"""Feature tapping: give a segmentation graph that has no feature tensor one, so the app's Mahalanobis drift check
works for a foreign model. An intermediate tensor (N, C, X, Y, Z) of the ONNX graph is averaged over its spatial axes
and added as a graph output (N, C), named `features` by default.

Which tensor: the one named, or by the default rule the deepest encoder output: among the rank-5 float tensors the
ones with the smallest spatial size (the bottleneck), of those the ones with the most channels (a decoder's first
layer already reduces them), the last in graph order (the output of the encoder's last block, e.g. SegResNet's final
residual add, not one of its inner convolutions). Shapes come from ONNX shape inference with the input fixed to one
window of the card's patch size."""

from __future__ import annotations

import copy

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper, shape_inference


class TapError(ValueError):
    """The tensor cannot be tapped; the message names it."""


def _concrete_input(model: onnx.ModelProto, input_shape: tuple[int, ...]) -> onnx.ModelProto:
    m = copy.deepcopy(model)
    dims = m.graph.input[0].type.tensor_type.shape.dim
    if len(dims) != len(input_shape):
        raise TapError(f"graph input {m.graph.input[0].name} has rank {len(dims)}, not {len(input_shape)}")
    for d, n in zip(dims, input_shape, strict=True):
        d.Clear()
        d.dim_value = int(n)
    return m


def tensor_shapes(
    model: onnx.ModelProto, input_shape: tuple[int, ...]
) -> tuple[list[str], dict[str, list[int | None]]]:
    """Every float tensor's shape for one concrete input (None where inference cannot tell), and the tensors in
    graph order (each node's outputs in node order)."""
    inferred = shape_inference.infer_shapes(_concrete_input(model, input_shape), data_prop=True)
    shapes: dict[str, list[int | None]] = {}
    for vi in [*inferred.graph.value_info, *inferred.graph.output]:
        t = vi.type.tensor_type
        if t.elem_type in (TensorProto.FLOAT, TensorProto.FLOAT16, TensorProto.DOUBLE) and t.HasField("shape"):
            shapes[vi.name] = [d.dim_value if d.HasField("dim_value") else None for d in t.shape.dim]
    order = [o for node in inferred.graph.node for o in node.output]
    return order, shapes


def deepest_encoder_output(model: onnx.ModelProto, input_shape: tuple[int, ...]) -> tuple[str, int]:
    """The default rule (module docstring): (tensor name, channels)."""
    order, shapes = tensor_shapes(model, input_shape)
    outputs = {o.name for o in model.graph.output}
    candidates = [
        (i, name, shapes[name])
        for i, name in enumerate(order)
        if name in shapes and name not in outputs and len(shapes[name]) == 5 and all(shapes[name])
    ]
    if not candidates:
        raise TapError("no rank-5 intermediate tensor with a known shape: name the tensor to tap (--tap-features NAME)")
    size = min(int(np.prod(s[2:])) for _, _, s in candidates)
    deepest = [c for c in candidates if int(np.prod(c[2][2:])) == size]
    channels = max(s[1] for _, _, s in deepest)
    _, name, _ = max(c for c in deepest if c[2][1] == channels)
    return name, int(channels)


def tap_features(
    model: onnx.ModelProto, input_shape: tuple[int, ...], tensor: str | None = None, output_name: str = "features"
) -> tuple[onnx.ModelProto, str, int]:
    """A copy of `model` with `output_name` = the spatial mean of `tensor` (default rule when None) as a new graph
    output. Returns (model, tapped tensor name, feature dimension)."""
    if any(o.name == output_name for o in model.graph.output):
        raise TapError(f"the graph already has an output named {output_name}")
    if tensor is None:
        tensor, channels = deepest_encoder_output(model, input_shape)
    else:
        _, shapes = tensor_shapes(model, input_shape)
        shape = shapes.get(tensor)
        if shape is None:
            known = any(tensor in n.output for n in model.graph.node) or any(
                i.name == tensor for i in model.graph.input
            )
            raise TapError(f"tensor {tensor}: {'its shape is unknown' if known else 'no such tensor in the graph'}")
        if len(shape) < 3 or shape[1] is None:
            raise TapError(f"tensor {tensor}: shape {shape} is not (N, C, spatial...)")
        channels = int(shape[1])
    out = copy.deepcopy(model)
    opset = next((o.version for o in out.opset_import if o.domain in ("", "ai.onnx")), 18)
    rank = len(tensor_shapes(model, input_shape)[1][tensor])
    current = tensor
    # one axis at a time, innermost first: onnxruntime's float32 reductions accumulate naively, and short per-axis
    # means stay closer to PyTorch's (model.py nested_mean)
    for axis in range(rank - 1, 1, -1):
        reduced = f"{output_name}/mean_axis{axis}"
        if opset >= 18:
            axes = f"{output_name}/axes{axis}"
            out.graph.initializer.append(numpy_helper.from_array(np.array([axis], dtype=np.int64), axes))
            out.graph.node.append(helper.make_node("ReduceMean", [current, axes], [reduced], keepdims=1))
        else:
            out.graph.node.append(helper.make_node("ReduceMean", [current], [reduced], axes=[axis], keepdims=1))
        current = reduced
    out.graph.node.append(helper.make_node("Flatten", [current], [output_name], axis=1))
    batch = model.graph.input[0].type.tensor_type.shape.dim[0]
    n = batch.dim_param if batch.HasField("dim_param") else (batch.dim_value or "batch")
    out.graph.output.append(helper.make_tensor_value_info(output_name, TensorProto.FLOAT, [n, channels]))
    onnx.checker.check_model(out)
    return out, tensor, channels
