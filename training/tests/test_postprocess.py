"""The card's small-component step, on the same hand-built case as tests/inference/postprocess.test.ts (the TS port)."""

import numpy as np

from tumorwatch_train.predict import InferenceSpec, drop_small_components

AFFINE = np.diag([-2.0, -1.0, 1.5, 1.0])  # 3 mm^3 voxels; signs do not matter


def case() -> np.ndarray:
    m = np.zeros((6, 6, 6), np.uint8)  # file voxel order (x, y, z)
    m[0:4, 0, 0] = 2  # 4-voxel speck: 12 mm^3
    for k, (x, y) in enumerate([(0, 3), (1, 3), (0, 4), (1, 4), (0, 5)]):
        m[x, y, 0] = 3 if k % 2 else 1
    m[2, 5, 1] = 2  # corner-touches (1, 4, 0): the blob is 6 voxels, 18 mm^3
    m[3:6, 3:6, 5] = 2
    m[4, 4, 5] = 3  # 9-voxel lesion, 27 mm^3
    return m


def test_drops_components_at_or_below_the_volume():
    m = drop_small_components(case(), AFFINE, 18.0)
    assert int((m > 0).sum()) == 9
    assert m[4, 4, 5] == 3 and m[0, 3, 0] == 0 and m[2, 5, 1] == 0


def test_keeps_components_above_it_and_zero_keeps_all():
    m = drop_small_components(case(), AFFINE, 17.99)
    assert int((m > 0).sum()) == 15 and m[0, 0, 0] == 0
    assert np.array_equal(drop_small_components(case(), AFFINE, 0.0), case())


def test_spec_reads_the_card_and_defaults_to_none():
    card = {
        "preprocessing": {"targetSpacingMm": [2, 2, 2], "crop": {"marginVoxels": 2}},
        "inference": {"patchSize": [48, 48, 48], "overlap": 0.5, "sigmaScale": 0.125},
        "postprocessing": {},
    }
    assert InferenceSpec.from_card(card).drop_components_at_most_mm3 == 0.0
    card["postprocessing"]["dropComponentsAtMostMm3"] = 50
    assert InferenceSpec.from_card(card).drop_components_at_most_mm3 == 50.0
