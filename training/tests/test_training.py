import io

import numpy as np
import pytest
import torch
from synthetic import write_cohort

from tumorwatch_train.config import PRESETS
from tumorwatch_train.data import PatchSampler, augment, cache_case
from tumorwatch_train.manifest import load_manifest
from tumorwatch_train.model import build_model, interpolate_weights
from tumorwatch_train.progress import Progress
from tumorwatch_train.train import seed_everything, train_loop


def cached(tmp_path, n=2):
    m = load_manifest(write_cohort(tmp_path, n=n, val=0))
    return [cache_case(c, m.label_map, PRESETS["tiny"]) for c in m.cases]


def test_training_is_deterministic_for_a_seed(tmp_path):
    cases = cached(tmp_path)
    cfg = PRESETS["tiny"]
    states = []
    for _ in range(2):
        seed_everything(cfg.seed, 1)
        model = build_model(cfg.net)
        train_loop(model, cases, [], cfg, cfg.lr, Progress(io.StringIO()))
        states.append(model.state_dict())
    for k in states[0]:
        assert torch.equal(states[0][k], states[1][k]), k


def test_patches_are_biased_towards_tumour(tmp_path):
    cases = cached(tmp_path)
    cfg = PRESETS["tiny"]
    sampler = PatchSampler(cases, cfg, np.random.default_rng(0))
    with_tumour = np.mean([(sampler.sample()[1] > 0).any() for _ in range(60)])
    tumour_fraction = np.mean([(c.y > 0).mean() for c in cases])
    assert with_tumour > 0.6 and tumour_fraction < 0.2


def test_augmentation_keeps_the_background_zero_and_flips_labels_with_images():
    rng = np.random.default_rng(0)
    x = np.zeros((4, 8, 8, 8), np.float32)
    x[:, :4] = 1.0
    y = np.zeros((8, 8, 8), np.uint8)
    y[:4] = 2
    for _ in range(10):
        xa, ya = augment(x.copy(), y.copy(), rng)
        assert np.array_equal(xa[0] != 0, ya == 2)


def test_weight_interpolation_moves_each_tensor_along_the_line_from_the_parent():
    torch.manual_seed(0)
    parent, tuned = build_model(PRESETS["tiny"].net), build_model(PRESETS["tiny"].net)
    p_state = {k: v.clone() for k, v in parent.state_dict().items()}
    t_state = {k: v.clone() for k, v in tuned.state_dict().items()}
    interpolate_weights(tuned, p_state, 0.25)
    for k, v in tuned.state_dict().items():
        assert torch.allclose(v, 0.75 * p_state[k] + 0.25 * t_state[k], atol=1e-6), k
    assert not torch.allclose(t_state["net.conv_final.2.conv.weight"], p_state["net.conv_final.2.conv.weight"])
    interpolate_weights(tuned, p_state, 0.0)
    assert all(torch.equal(v, p_state[k]) for k, v in tuned.state_dict().items())


def test_weight_interpolation_refuses_a_bad_alpha_or_another_network():
    a, b = build_model(PRESETS["tiny"].net), build_model(PRESETS["default"].net)
    with pytest.raises(ValueError, match="alpha"):
        interpolate_weights(a, a.state_dict(), 1.5)
    with pytest.raises(ValueError, match="do not match"):
        interpolate_weights(a, b.state_dict(), 0.5)
