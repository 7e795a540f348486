"""ONNX graphs for the registry's import tests (tests/registry/import-*.test.ts).

Usage: python import_graphs.py <out_dir> <spec.json>. Each entry writes <name>.onnx: input `input` (N, C, *spatial)
-> `logits` = a 1x1x1 convolution with weights (K, C) and bias (K), and, when `features` is a width F, `features` =
the spatial mean of a second 1x1x1 convolution with F outputs, shape (N, F). Spatial axes are symbolic unless
`spatial` fixes them; tensor names are `input`, `logits`, `features` unless the entry renames them.
"""

import json
import sys
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def build(e):
    w = np.asarray(e["weights"], dtype=np.float32)
    k, c = w.shape
    x, logits, feats = e.get("input", "image"), e.get("logits", "logits"), e.get("featuresName", "features")
    spatial = e.get("spatial") or ["x", "y", "z"]
    nodes = [helper.make_node("Conv", [x, "w", "b"], [logits], kernel_shape=[1, 1, 1])]
    inits = [
        numpy_helper.from_array(w.reshape(k, c, 1, 1, 1), "w"),
        numpy_helper.from_array(np.asarray(e["bias"], dtype=np.float32), "b"),
    ]
    outputs = [helper.make_tensor_value_info(logits, TensorProto.FLOAT, ["n", k, *spatial])]
    f = e.get("features")
    if f:
        wf = np.linspace(-1, 1, f * c, dtype=np.float32).reshape(f, c, 1, 1, 1)
        nodes.append(helper.make_node("Conv", [x, "wf"], ["fmap"], kernel_shape=[1, 1, 1]))
        nodes.append(helper.make_node("ReduceMean", ["fmap", "axes"], [feats], keepdims=0))
        inits += [
            numpy_helper.from_array(wf, "wf"),
            numpy_helper.from_array(np.asarray([2, 3, 4], dtype=np.int64), "axes"),
        ]
        outputs.append(helper.make_tensor_value_info(feats, TensorProto.FLOAT, ["n", f]))
    graph = helper.make_graph(
        nodes, e["name"], [helper.make_tensor_value_info(x, TensorProto.FLOAT, ["n", c, *spatial])], outputs, inits
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
