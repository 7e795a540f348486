"""tap_features: a pooled intermediate tensor becomes a graph output, chosen by name or by the default rule (the
deepest encoder output), and equals PyTorch's spatial mean of that tensor."""

import numpy as np
import onnx
import onnxruntime as ort
import pytest
import torch

from tumorwatch_train.importers.tap_features import TapError, deepest_encoder_output, tap_features


class EncoderDecoder(torch.nn.Module):
    """in -> conv (8) -> stride-2 conv (16) -> residual block (16, the bottleneck) -> up (8) -> conv (3)."""

    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.stem = torch.nn.Conv3d(4, 8, 3, padding=1)
        self.down = torch.nn.Conv3d(8, 16, 3, stride=2, padding=1)
        self.block = torch.nn.Conv3d(16, 16, 3, padding=1)
        self.reduce = torch.nn.Conv3d(16, 8, 1)
        self.up = torch.nn.ConvTranspose3d(8, 8, 2, stride=2)
        self.head = torch.nn.Conv3d(8, 3, 1)
        self.bottleneck = None

    def forward(self, x):
        h = torch.relu(self.down(torch.relu(self.stem(x))))
        h = h + torch.relu(self.block(h))
        self.bottleneck = h
        return self.head(self.up(self.reduce(h)))


@pytest.fixture(scope="module")
def graph(tmp_path_factory):
    net = EncoderDecoder().eval()
    path = tmp_path_factory.mktemp("tap") / "net.onnx"
    x = torch.zeros((1, 4, 16, 16, 16))
    torch.onnx.export(
        net,
        (x,),
        str(path),
        input_names=["image"],
        output_names=["pred"],
        opset_version=18,
        dynamo=True,
        dynamic_shapes=({0: "batch", 2: "x", 3: "y", 4: "z"},),
    )
    return net, onnx.load(str(path))


def run(model, x, names):
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(names, {"image": x})


def test_default_rule_taps_the_bottleneck_and_matches_pytorch(graph):
    net, model = graph
    tapped, name, dim = tap_features(model, (1, 4, 16, 16, 16))
    assert dim == 16
    assert [o.name for o in tapped.graph.output] == ["pred", "features"]
    x = np.random.default_rng(1).standard_normal((2, 4, 24, 16, 32)).astype(np.float32)  # dynamic dims still work
    pred, features = run(tapped, x, ["pred", "features"])
    with torch.no_grad():
        want_pred = net(torch.from_numpy(x)).numpy()
    want = net.bottleneck.mean(dim=(2, 3, 4)).numpy()
    assert features.shape == (2, 16)
    np.testing.assert_allclose(features, want, atol=1e-5)
    np.testing.assert_allclose(pred, want_pred, atol=1e-4)  # the segmentation output is untouched
    # the residual add, not the convolution inside the block: the last 16-channel tensor at the smallest size
    assert name == deepest_encoder_output(model, (1, 4, 16, 16, 16))[0]
    producer = next(n for n in model.graph.node if name in n.output)
    assert producer.op_type == "Add"


def test_a_named_tensor_is_tapped(graph):
    _, model = graph
    first_conv = next(n for n in model.graph.node if n.op_type == "Conv").output[0]
    tapped, name, dim = tap_features(model, (1, 4, 16, 16, 16), tensor=first_conv)
    assert (name, dim) == (first_conv, 8)
    (features,) = run(tapped, np.ones((1, 4, 8, 8, 8), np.float32), ["features"])
    assert features.shape == (1, 8)


def test_refusals_name_the_tensor(graph):
    _, model = graph
    with pytest.raises(TapError, match="no-such-tensor: no such tensor"):
        tap_features(model, (1, 4, 16, 16, 16), tensor="no-such-tensor")
    tapped, _, _ = tap_features(model, (1, 4, 16, 16, 16))
    with pytest.raises(TapError, match="already has an output named features"):
        tap_features(tapped, (1, 4, 16, 16, 16))
