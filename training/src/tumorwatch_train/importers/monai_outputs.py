"""The rest of a bundle in card 2 terms: input channels and output classes from metadata.json's
network_data_format, the sliding window from the inferer, and the label decision from the postprocessing."""

from __future__ import annotations

import itertools
import re

import torch

from .monai_preprocessing import _same
from .refusal import Refused

SEQUENCE_ALIASES = {
    "T1C": {"t1c", "t1ce", "t1gd", "t1post", "t1contrast", "t1postcontrast", "t1wce", "t1cw"},
    "T1N": {"t1", "t1n", "t1w", "t1native", "t1pre", "t1precontrast"},
    "T2W": {"t2", "t2w", "t2weighted"},
    "T2F": {"flair", "t2f", "t2flair", "t2wflair"},
}
REGION_ALIASES = {
    "TC": {"tc", "tumorcore", "tumourcore"},
    "WT": {"wt", "wholetumor", "wholetumour"},
    "ET": {"et", "enhancingtumor", "enhancingtumour"},
}


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", str(name).lower())


def _lookup(table: dict[str, set[str]], name: str) -> str | None:
    return next((k for k, v in table.items() if _key(name) in v), None)


def _one(table: dict, where: str) -> tuple[str, dict]:
    if not isinstance(table, dict) or len(table) != 1:
        raise Refused(where, f"must hold exactly one entry (found {len(table) if isinstance(table, dict) else 0})")
    return next(iter(table.items()))


def _channel_def(entry: dict, where: str) -> list[str]:
    cdef = entry.get("channel_def")
    n = entry.get("num_channels")
    if not isinstance(cdef, dict) or not cdef:
        raise Refused(f"{where}.channel_def", "missing: the importer needs each channel's meaning")
    if sorted(cdef, key=int) != [str(i) for i in range(len(cdef))] or (n is not None and int(n) != len(cdef)):
        raise Refused(f"{where}.channel_def", f"must name channels 0..{(n or len(cdef)) - 1}, one each")
    return [cdef[str(i)] for i in range(len(cdef))]


def input_channels(meta: dict, where: str) -> tuple[str, list[str]]:
    """(input key, the card's channels in the network's order)."""
    key, entry = _one((meta.get("network_data_format") or {}).get("inputs"), f"{where} network_data_format.inputs")
    at = f"{where} network_data_format.inputs.{key}"
    names = _channel_def(entry, at)
    channels = []
    for i, name in enumerate(names):
        seq = _lookup(SEQUENCE_ALIASES, name)
        if seq is None:
            raise Refused(f"{at}.channel_def.{i}", f"{name!r} is none of T1N (T1), T1C (T1c), T2W (T2), T2F (FLAIR)")
        channels.append(seq)
    if len(set(channels)) != len(channels):
        raise Refused(f"{at}.channel_def", f"{names} names a sequence twice")
    return key, channels


def output_names(meta: dict, where: str) -> tuple[str, list[str]]:
    """(output key, a short name per output channel: TC/WT/ET where recognised, else as written)."""
    key, entry = _one((meta.get("network_data_format") or {}).get("outputs"), f"{where} network_data_format.outputs")
    names = _channel_def(entry, f"{where} network_data_format.outputs.{key}")
    return key, [_lookup(REGION_ALIASES, n) or str(n) for n in names]


def inference_block(inferer, where: str) -> dict:
    name = type(inferer).__name__
    if name != "SlidingWindowInferer":
        raise Refused(where, f"{name} is not supported: the card runs fixed-size windows (SlidingWindowInferer)")
    roi = [int(v) for v in inferer.roi_size]
    if len(roi) != 3 or min(roi) <= 0:
        raise Refused(f"{where}.roi_size", f"{roi}: three positive window sizes are needed")
    if str(inferer.padding_mode) != "constant" or float(inferer.cval) != 0.0:
        raise Refused(f"{where}.padding_mode", f"{inferer.padding_mode} (cval {inferer.cval}): only zero padding")
    if inferer.with_coord or inferer.roi_weight_map is not None:
        raise Refused(where, "with_coord / roi_weight_map are not supported")
    mode = str(inferer.mode)
    if mode not in ("constant", "gaussian"):
        raise Refused(f"{where}.mode", f"{mode}: only constant or gaussian blending")
    overlap = float(_same(inferer.overlap, "overlap", f"{where}.overlap"))
    sigma = float(_same(inferer.sigma_scale, "sigma_scale", f"{where}.sigma_scale"))
    return {
        "patchSize": roi,
        "overlap": overlap,
        "blending": mode,
        "sigmaScale": sigma,
        "importanceMinimum": 1e-3,
        "padding": "constant-zero-symmetric",
        "windowBatch": int(inferer.sw_batch_size),
        "featureAggregation": "mean-over-windows",
        "mirrorAxes": [],
        "average": "probabilities",
        "steps": [
            f"monai.inferers.SlidingWindowInferer(roi_size={roi}, overlap={overlap}, mode='{mode}', "
            f"sigma_scale={sigma}, padding_mode='constant', cval=0) on the (1, C, X, Y, Z) input.",
            "Pad axes shorter than the window with zeros (floor(diff / 2) before); windows at multiples of "
            "floor(P * (1 - overlap)), the last moved back to end at the edge; blended outputs = sum(w * out) / sum(w).",
            "features = unweighted mean of the `features` output over all windows (the drift feature vector).",
        ],
    }


def paint_order(func, channels: int, where: str) -> list[dict]:
    """The labels a pointwise function of the thresholded regions paints, as a paint order (later entries overwrite
    earlier ones), found by running it on every on/off combination of the regions."""
    combos = list(itertools.product((0, 1), repeat=channels))
    x = torch.tensor(combos, dtype=torch.float32).T.reshape(channels, len(combos), 1, 1)
    try:
        y = torch.as_tensor(func(x))
    except Exception as e:
        raise Refused(where, f"the label function fails on binary regions: {type(e).__name__}: {e}") from e
    if tuple(y.shape) != (1, len(combos), 1, 1):
        raise Refused(where, f"the label function returns shape {tuple(y.shape)}, not one label per voxel")
    table = {c: int(v) for c, v in zip(combos, y.flatten().tolist(), strict=True)}
    labels = sorted({v for v in table.values() if v})
    for n in range(channels, 0, -1):
        for order in itertools.permutations(range(channels), n):
            for painted in itertools.product(labels, repeat=n):
                if all(_paint(c, order, painted) == v for c, v in table.items()):
                    return [{"channel": ch, "label": lab} for ch, lab in zip(order, painted, strict=True)]
    raise Refused(where, f"the labels it gives ({table}) are not nested regions painted in an order")


def _paint(combo: tuple[int, ...], order: tuple[int, ...], labels: tuple[int, ...]) -> int:
    out = 0
    for ch, lab in zip(order, labels, strict=True):
        if combo[ch]:
            out = lab
    return out
