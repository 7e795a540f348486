import numpy as np
import pytest
import torch
from monai.data.utils import compute_importance_map, dense_patch_slices
from monai.inferers import sliding_window_inference

from tumorwatch_train.sliding_window import gaussian_importance, sliding_window, window_starts


class ConvPredictor(torch.nn.Module):
    """A position-sensitive stand-in for the network: blending errors would show."""

    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.conv = torch.nn.Conv3d(2, 3, 3, padding=1)

    def forward(self, x):
        y = self.conv(x)
        return y, y.mean(dim=(2, 3, 4))


@pytest.mark.parametrize("patch", [(8, 8, 8), (16, 8, 12)])
def test_importance_map_matches_monai(patch):
    ref = compute_importance_map(patch, mode="gaussian", sigma_scale=0.125)
    torch.testing.assert_close(gaussian_importance(patch, 0.125), ref, rtol=0, atol=0)


@pytest.mark.parametrize("n,p,overlap", [(70, 64, 0.5), (64, 64, 0.5), (100, 32, 0.25), (33, 16, 0.5)])
def test_window_starts_match_monai(n, p, overlap):
    step = p if n == p else max(1, int(p * (1 - overlap)))
    monai = sorted({s[0].start for s in dense_patch_slices((n,), (p,), (step,))})
    assert window_starts(n, p, overlap) == monai


@pytest.mark.parametrize("shape", [(20, 18, 16), (8, 30, 5), (16, 16, 16)])
def test_sliding_window_matches_monai_gaussian(shape):
    net = ConvPredictor().eval()
    x = torch.from_numpy(np.random.default_rng(1).normal(size=(2, *shape)).astype(np.float32))
    patch = (16, 12, 8)
    with torch.no_grad():
        ref = sliding_window_inference(
            x[None],
            patch,
            1,
            lambda t: net(t)[0],
            overlap=0.5,
            mode="gaussian",
            sigma_scale=0.125,
            padding_mode="constant",
            cval=0.0,
        )
    got, feats = sliding_window(x, net, patch, 0.5, 0.125)
    assert got.shape == (3, *shape)
    torch.testing.assert_close(got, ref[0], rtol=1e-5, atol=1e-5)
    assert feats.shape == (3,)
