import contextlib
import sys
import warnings

import numpy as np
import onnxruntime as ort
import torch

from tumorwatch_train.export import parity_inputs
from tumorwatch_train.model import StableGroupNorm, for_export


def gn_input(seed=0):
    """Like the first block's input: a large constant (background) region beside textured tissue."""
    g = torch.Generator().manual_seed(seed)
    x = torch.full((1, 8, 48, 48, 48), 3.0)
    x[:, :, 8:40, 6:44, 10:38] += torch.randn(1, 8, 32, 38, 28, generator=g) * 2
    return x


def test_stable_group_norm_computes_group_norm():
    gn = torch.nn.GroupNorm(4, 8)
    with torch.no_grad():
        gn.weight.uniform_(0.5, 2)
        gn.bias.uniform_(-1, 1)
        x = gn_input()
        torch.testing.assert_close(StableGroupNorm(gn)(x), gn(x), rtol=1e-5, atol=1e-5)


def test_exported_group_norm_is_accurate_in_onnxruntime(tmp_path):
    gn = torch.nn.Sequential(torch.nn.GroupNorm(8, 8)).eval()
    x = gn_input(1)
    path = tmp_path / "gn.onnx"
    with contextlib.redirect_stdout(sys.stderr), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            for_export(gn),
            (x,),
            str(path),
            input_names=["x"],
            output_names=["y"],
            opset_version=18,
            dynamo=True,
            external_data=False,
        )
    got = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(None, {"x": x.numpy()})[0]
    with torch.no_grad():
        ref = gn.double()(x.double()).numpy()
    assert np.abs(got - ref).max() < 1e-5  # a single-shot InstanceNormalization export measured 6e-5 here


def test_parity_inputs_are_sliding_windows_plus_one_odd_shape():
    x = np.random.default_rng(0).normal(size=(4, 70, 90, 60)).astype(np.float32)
    inputs = parity_inputs(x, (48, 48, 48), 8)
    assert all(i.shape == (4, 48, 48, 48) for i in inputs[:-1]) and len(inputs) >= 8
    assert inputs[-1].shape == (4, 56, 48, 40)
