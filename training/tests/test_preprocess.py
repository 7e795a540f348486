import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from synthetic import LPS, make_volumes

from tumorwatch_train.orientation import from_ras, orientation_from_affine, to_ras
from tumorwatch_train.preprocess import (
    crop_ras,
    labels_to_target,
    nonzero_bbox,
    preprocess,
    probabilities_to_native,
    resample,
    target_shape,
    zscore_nonzero,
)


def world_coords(shape, affine):
    idx = np.stack(np.meshgrid(*[np.arange(n) for n in shape], indexing="ij"), axis=-1).astype(np.float64)
    return idx @ affine[:3, :3].T + affine[:3, 3]


@pytest.mark.parametrize(
    "affine,codes",
    [
        (LPS, "LPS"),
        (np.diag([1.0, 1.0, 1.0, 1.0]), "RAS"),
        # voxel axis 0 -> S, axis 1 -> L (reversed R), axis 2 -> A, anisotropic spacing
        (np.array([[0, -0.9, 0, 10], [0, 0, 1.2, -5], [2.5, 0, 0, 3], [0, 0, 0, 1]]), "SLA"),
    ],
)
def test_reorientation_makes_world_coordinates_increase_along_ras_axes(affine, codes):
    shape = (5, 6, 7)
    o = orientation_from_affine(affine)
    assert o.codes == codes
    world = world_coords(shape, affine)  # (X, Y, Z, 3)
    ras = to_ras(np.moveaxis(world, -1, 0), o)  # channels = world x, y, z
    for k in range(3):
        assert np.all(np.diff(ras[k], axis=k) > 0), f"world axis {k} must increase along RAS axis {k}"
        other = [a for a in range(3) if a != k]
        for a in other:
            assert np.allclose(np.diff(ras[k], axis=a), 0)
    spacing = [abs(np.diff(ras[k], axis=k).flat[0]) for k in range(3)]
    assert np.allclose(spacing, o.spacing_ras)
    back = from_ras(ras, o)
    assert np.array_equal(back, np.moveaxis(world, -1, 0))


def test_oblique_affine_is_rejected():
    a = np.eye(4)
    a[:3, :3] = [[0.71, 0.72, 0], [0.7, 0.69, 0], [0, 0, 1]]  # both columns point mostly along x
    with pytest.raises(ValueError, match="oblique"):
        orientation_from_affine(a)


def test_target_shape_rounds_half_up_and_tolerates_float32_spacing():
    assert target_shape((240, 240, 155), (1.0, 1.0, 1.0), (2, 2, 2)) == (120, 120, 78)
    assert target_shape((240, 240, 155), (0.99999994, 1.0000001, 1.0), (2, 2, 2)) == (120, 120, 78)
    assert target_shape((3, 100, 512), (5.0, 0.5, 0.4688), (2, 2, 2)) == (8, 25, 120)
    assert target_shape((1, 1, 1), (0.1, 0.1, 0.1), (2, 2, 2)) == (1, 1, 1)


def documented_trilinear(vol: np.ndarray, out_shape) -> np.ndarray:
    """The rule the model card states, written naively (what a port must compute)."""
    weights = []
    for n_in, n_out in zip(vol.shape, out_shape):
        scale = np.float32(n_in) / np.float32(n_out)
        c = np.maximum(0.0, (np.arange(n_out) + 0.5) * scale - 0.5)
        i0 = np.floor(c).astype(int)
        i1 = np.minimum(i0 + 1, n_in - 1)
        w = np.zeros((n_out, n_in))
        np.add.at(w, (np.arange(n_out), i0), 1 - (c - i0))
        np.add.at(w, (np.arange(n_out), i1), c - i0)
        weights.append(w)
    return np.einsum("ai,bj,ck,ijk->abc", *weights, vol.astype(np.float64))


@pytest.mark.parametrize("out_shape", [(9, 5, 4), (30, 17, 3), (18, 10, 7)])
def test_resample_is_the_documented_trilinear_rule(out_shape):
    rng = np.random.default_rng(0)
    vol = rng.normal(size=(1, 18, 10, 7)).astype(np.float32)
    got = resample(vol, out_shape)
    assert got.shape == (1, *out_shape)
    np.testing.assert_allclose(got[0], documented_trilinear(vol[0], out_shape), atol=1e-5)
    ref = F.interpolate(torch.from_numpy(vol)[None], size=out_shape, mode="trilinear", align_corners=False)
    np.testing.assert_array_equal(got, ref[0].numpy())


def test_resample_same_shape_is_identity():
    vol = np.random.default_rng(1).normal(size=(2, 4, 5, 6)).astype(np.float32)
    np.testing.assert_array_equal(resample(vol, (4, 5, 6)), vol)


def test_zscore_uses_each_channels_nonzero_voxels_and_keeps_background_zero():
    rng = np.random.default_rng(2)
    x = np.zeros((3, 10, 10, 10), np.float32)
    x[0, 2:8, 2:8, 2:8] = rng.normal(500, 50, size=(6, 6, 6))
    x[1, 3:9, 3:9, 3:9] = rng.normal(-20, 5, size=(6, 6, 6))
    out = zscore_nonzero(x)
    for c in (0, 1):
        inside = x[c] != 0
        assert math.isclose(float(out[c][inside].mean()), 0.0, abs_tol=1e-5)
        assert math.isclose(float(out[c][inside].std()), 1.0, rel_tol=1e-4)
        assert np.all(out[c][~inside] == 0)
    assert np.all(out[2] == 0)  # an all-zero channel stays zero


def test_nonzero_bbox_adds_margin_and_clamps():
    x = np.zeros((2, 20, 20, 20), np.float32)
    x[0, 1, 5, 10] = 1
    x[1, 15, 8, 19] = 1
    lo, hi = nonzero_bbox(x, margin=2)
    assert lo == (0, 3, 8) and hi == (18, 11, 20)
    with pytest.raises(ValueError):
        nonzero_bbox(np.zeros((1, 4, 4, 4)), 1)


def test_labels_survive_the_round_trip_through_the_target_grid():
    images, labels = make_volumes(np.random.default_rng(3))
    x, g = preprocess(images.astype(np.float32), LPS, (2.0, 2.0, 2.0), margin=2)
    assert x.shape == (4, *g.resampled_shape)
    assert g.resampled_shape == target_shape(g.crop_shape, (1, 1, 1), (2, 2, 2))
    y = labels_to_target(crop_ras(labels, g), g.resampled_shape, 4)
    probs = np.stack([(y == k) for k in range(4)]).astype(np.float32)
    back = probabilities_to_native(probs, g)
    assert back.shape == labels.shape
    wt_a, wt_b = labels > 0, back > 0
    dice = 2 * np.logical_and(wt_a, wt_b).sum() / (wt_a.sum() + wt_b.sum())
    assert dice > 0.9  # a radius-10..13 voxel sphere through a 2 mm grid; real tumours are larger
    assert np.all(back[images[0] == 0][:10] == 0)
