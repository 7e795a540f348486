"""A bundle's preprocessing transforms (instantiated by MONAI) in card 2 terms: orientation, crop, per-channel
normalisation. Anything the card cannot express exactly is refused, naming the transform by its index."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from .refusal import Refused

# transforms that never change the network input's values or grid
NEUTRAL = {"EnsureChannelFirstd", "EnsureTyped", "ToTensord", "ToNumpyd", "CastToTyped", "Identityd", "DeleteItemsd"}


def _float_dtype(dtype) -> bool:
    if dtype is None:
        return True
    if isinstance(dtype, torch.dtype):
        return dtype.is_floating_point
    try:
        return np.dtype(dtype).kind == "f"
    except TypeError:
        return False


def _same(values, what: str, where: str):
    """A per-axis/per-key option must hold one value; returns it."""
    vals = list(values) if isinstance(values, Sequence) and not isinstance(values, str) else [values]
    if len(set(map(str, vals))) != 1:
        raise Refused(where, f"{what} {vals} differs per axis or key: the card holds one value")
    return vals[0]


class Preprocessing:
    """Folds the transforms in order; `block(channels)` is the card's preprocessing block."""

    def __init__(self, image_key: str, where: str):
        self.key, self.where = image_key, where
        self.orientation = "native"
        self.crop: dict = {"kind": "none"}
        self.norm: dict | None = None
        self.steps: list[str] = []

    def add(self, i: int, t) -> None:
        name = type(t).__name__
        at = f"{self.where}[{i}]"
        keys = tuple(getattr(t, "keys", ()) or ())
        if keys and self.key not in keys:
            self.steps.append(f"{name} on {', '.join(keys)}: does not touch {self.key}.")
            return
        handler = getattr(self, f"_{name}", None)
        if handler is not None:
            handler(t, at)
        elif name in NEUTRAL:
            dtype = getattr(getattr(t, "converter", t), "dtype", None)
            if not _float_dtype(dtype[0] if isinstance(dtype, tuple) else dtype):
                raise Refused(at, f"{name} casts the image to {dtype}: the card's input is float32")
        else:
            raise Refused(at, f"{name} is not supported: card 2 cannot express it")

    def _LoadImaged(self, t, at: str) -> None:
        loader = t._loader
        if not _float_dtype(loader.dtype):
            raise Refused(at, f"LoadImaged dtype {loader.dtype}: the card reads float32")
        if not loader.auto_select:
            names = [type(r).__name__ for r in loader.readers]
            if names != ["NibabelReader"] or getattr(loader.readers[0], "as_closest_canonical", False):
                raise Refused(at, f"LoadImaged reader {names}: only NibabelReader on the file's own grid is supported")
        self.steps.append(
            "LoadImaged: the channels' NIfTI files stacked in channel order -> (C, X, Y, Z) in file voxel order, "
            "float32 (values = raw * scl_slope + scl_inter)."
        )

    def _Orientationd(self, t, at: str) -> None:
        o = t.ornt_transform
        if o.axcodes != "RAS" or o.as_closest_canonical or o.labels not in (None, (("L", "R"), ("P", "A"), ("I", "S"))):
            raise Refused(at, f"Orientationd axcodes {o.axcodes!r}: only RAS is supported")
        self.orientation = "RAS"
        self.steps.append("Orientationd RAS: permute/flip the voxel axes to RAS (no resampling).")

    def _Spacingd(self, t, at: str) -> None:
        pixdim = [float(v) for v in t.spacing_transform.pixdim]
        raise Refused(
            at,
            f"Spacingd with pixdim {pixdim} is not supported: MONAI's affine resampling grid is not the card's "
            "(torch trilinear onto floor(n * s / t + 0.5) voxels after the crop), so the masks would differ",
        )

    def _CropForegroundd(self, t, at: str) -> None:
        c = t.cropper
        if t.source_key != self.key or c.channel_indices is not None or c.k_divisible not in (1, [1, 1, 1], (1, 1, 1)):
            raise Refused(at, "CropForegroundd: only the image's own foreground over all channels, k_divisible 1")
        if getattr(c.select_fn, "__name__", "") != "is_positive":
            raise Refused(at, "CropForegroundd select_fn: only the default (is_positive) is supported")
        if self.norm is not None:
            raise Refused(at, "CropForegroundd after an intensity normalisation: the card crops the raw image first")
        margin = int(_same(c.margin, "margin", at))
        if margin > 0 and not c.allow_smaller:
            raise Refused(at, f"CropForegroundd margin {margin} with allow_smaller false pads past the image edge")
        self.crop = {"kind": "nonzero-bbox", "marginVoxels": margin, "grid": "native"}
        self.steps.append(
            f"CropForegroundd: crop to the box of voxels where any channel > 0 (non-zero for MR), grown by {margin} "
            "voxels and clamped to the image."
        )

    def _NormalizeIntensityd(self, t, at: str) -> None:
        n = t.normalizer
        if n.subtrahend is not None or n.divisor is not None:
            raise Refused(at, "NormalizeIntensityd with a fixed subtrahend/divisor is not supported")
        if not n.channel_wise:
            raise Refused(at, "NormalizeIntensityd channel_wise false (one mean over all channels) is not supported")
        self._set_norm(
            at,
            {"kind": "zscore", "mask": "nonzero-per-channel", "std": "population", "epsilon": 1e-8, "outside": 0}
            if n.nonzero
            else {"kind": "zscore", "mask": "crop", "std": "population", "epsilon": 1e-8},
        )
        self.steps.append(
            f"NormalizeIntensityd(nonzero={n.nonzero}, channel_wise=True): per channel (x - mean) / std over "
            + ("its non-zero voxels, zeros stay 0." if n.nonzero else "every voxel.")
        )

    def _ScaleIntensityRangePercentilesd(self, t, at: str) -> None:
        s = t.scaler
        if not s.clip or s.relative or s.b_min is None or s.b_max is None:
            raise Refused(at, "ScaleIntensityRangePercentilesd: only clip=True, relative=False, b_min/b_max set")
        if not s.channel_wise:
            raise Refused(at, "ScaleIntensityRangePercentilesd channel_wise false pools channels: not supported")
        norm = {
            "kind": "percentile-rescale",
            "lowerPercentile": float(s.lower),
            "upperPercentile": float(s.upper),
            "targetRange": [float(s.b_min), float(s.b_max)],
            "over": "crop",
        }
        self._set_norm(at, norm)
        self.steps.append(f"ScaleIntensityRangePercentilesd: clip to [{s.lower}, {s.upper}] percentiles, rescale.")

    def _set_norm(self, at: str, norm: dict) -> None:
        if self.norm is not None:
            raise Refused(at, "a second intensity normalisation: the card has one per channel")
        self.norm = norm

    def block(self, channels: list[str]) -> dict:
        norm = self.norm or {"kind": "none"}
        return {
            "channels": channels,
            "orientation": self.orientation,
            "targetSpacingMm": None,
            "crop": self.crop,
            "normalization": [dict(norm) for _ in channels],
            "resampling": {"method": "trilinear", "alignCorners": False, "shapeRule": "none: native grid"},
            "steps": self.steps,
        }
