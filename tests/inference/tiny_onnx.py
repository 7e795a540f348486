"""Tiny ONNX graphs for tests/inference/card-v2.test.ts (ensembles, a model without a feature tensor).

Usage: python tiny_onnx.py <out_dir> <spec.json>. Each spec entry writes <name>.onnx: input `image` (N, C, P0, P1, P2)
-> `logits` = a 1x1x1 convolution with the given weights (K, C) and bias (K), and, unless `features` is false,
`features` = the spatial mean of the input (N, C).
"""

import json
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def build(entry):
    w = np.asarray(entry["weights"], dtype=np.float32)
    k, c = w.shape
    nodes = [helper.make_node("Conv", ["image", "w", "b"], ["logits"], kernel_shape=[1, 1, 1])]
    inits = [
        numpy_helper.from_array(w.reshape(k, c, 1, 1, 1), "w"),
        numpy_helper.from_array(np.asarray(entry["bias"], dtype=np.float32), "b"),
    ]
    outputs = [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["n", k, "x", "y", "z"])]
    if entry.get("features", True):
        nodes.append(helper.make_node("ReduceMean", ["image", "axes"], ["features"], keepdims=0))
        inits.append(numpy_helper.from_array(np.asarray([2, 3, 4], dtype=np.int64), "axes"))
        outputs.append(helper.make_tensor_value_info("features", TensorProto.FLOAT, ["n", c]))
    graph = helper.make_graph(
        nodes,
        entry["name"],
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["n", c, "x", "y", "z"])],
        outputs,
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def main():
    out = Path(sys.argv[1])
    for entry in json.loads(Path(sys.argv[2]).read_text()):
        onnx.save(build(entry), out / f"{entry['name']}.onnx")


if __name__ == "__main__":
    main()
