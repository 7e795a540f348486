"""nnU-Net v2 dataset.json + plans.json -> the parts of a card 2 that describe how to run the model.

Every refusal is an ImportRefused naming the field (file and JSON path) that the card cannot express, raised before
anything is written. What nnU-Net does and how the card says it:
- channels: dataset.json channel_names, mapped by name to T1N/T1C/T2W/T2F (or given with --channels).
- geometry: the reader's voxel order (SimpleITK: z, y, x of the file; NibabelIO: x, y, z; NibabelIOWithReorient: RAS)
  permuted by transpose_forward = the card's orientation + axes; crop to the non-zero box (no margin).
- normalisation: ZScore with use_mask_for_norm -> z-score in the union of the channels' non-zero voxels with holes
  filled; ZScore without -> over the crop; NoNormalization -> none. CT, rescale and RGB schemes are refused.
- output: regions + regions_class_order -> sigmoid regions painted outer to inner (p > 0.5); labels -> softmax.
"""

from __future__ import annotations

import re

import numpy as np

# the smallest float32 above 0.5: a float32 probability p is >= this exactly when p > 0.5, nnU-Net's region rule
STRICT_HALF = float(np.nextafter(np.float32(0.5), np.float32(1)))

SEQUENCES = ("T1N", "T1C", "T2W", "T2F")
_CHANNEL_NAMES = {
    "T1N": {"t1", "t1n", "t1w", "t1native", "nativet1", "t1pre"},
    "T1C": {"t1c", "t1ce", "t1gd", "t1post", "t1contrast", "t1wce", "t1cgd"},
    "T2W": {"t2", "t2w"},
    "T2F": {"flair", "t2f", "t2flair", "t2wflair"},
}
# what a voxel painted by each product region means, and the synonyms of each label or region name
_PRODUCT = {"NCR": 1, "ED": 2, "ET": 3, "RC": 4}
_LABEL_NAMES = {
    "NCR": {
        "ncr",
        "necrosis",
        "necrotic",
        "netc",
        "ncrnet",
        "necroticcore",
        "nonenhancingtumorcore",
        "necrotictumorcore",
    },
    "ED": {"ed", "edema", "oedema", "snfh", "peritumoraledema", "surroundingflairhyperintensity"},
    "ET": {"et", "enhancing", "enhancingtumor", "enhancingtumour"},
    "RC": {"rc", "resectioncavity", "cavity"},
}
_REGION_NAMES = {
    "WT": {"wt", "wholetumor", "wholetumour", "whole"},
    "TC": {"tc", "tumorcore", "tumourcore", "core"},
    "ET": {"et", "enhancingtumor", "enhancingtumour", "enhancing"},
}
# painting outer to inner, each region paints what is left of it once the inner ones are painted over
_REGION_PAINT = {"WT": _PRODUCT["ED"], "TC": _PRODUCT["NCR"], "ET": _PRODUCT["ET"]}
_READER_AXES = {"SimpleITKIO": ("native", [2, 1, 0]), "NibabelIO": ("native", [0, 1, 2])}
_READER_AXES["NibabelIOWithReorient"] = ("RAS", [0, 1, 2])


class ImportRefused(ValueError):
    """The model cannot be imported as it is; the message names the field."""


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _lookup(table: dict[str, set[str]], name: str) -> str | None:
    k = _key(name)
    return next((target for target, names in table.items() if k in names), None)


def map_channels(dataset: dict, override: list[str] | None) -> list[str]:
    names = dataset.get("channel_names") or dataset.get("modality")
    if not isinstance(names, dict) or not names:
        raise ImportRefused("dataset.json channel_names: missing (nnU-Net v2 datasets name their input channels)")
    ordered = [names[k] for k in sorted(names, key=int)]
    if override is not None:
        if len(override) != len(ordered):
            raise ImportRefused(f"--channels: {len(override)} sequences for the model's {len(ordered)} input channels")
        bad = [c for c in override if c not in SEQUENCES]
        if bad:
            raise ImportRefused(f"--channels: {', '.join(bad)} is not one of {', '.join(SEQUENCES)}")
        mapped = list(override)
    else:
        mapped = []
        for i, name in enumerate(ordered):
            seq = _lookup(_CHANNEL_NAMES, str(name))
            if seq is None:
                raise ImportRefused(
                    f'dataset.json channel_names.{i}: "{name}" is not one of the four sequences; '
                    "give the mapping with --channels, e.g. --channels T1N,T1C,T2W,T2F"
                )
            mapped.append(seq)
    if len(set(mapped)) != len(mapped):
        raise ImportRefused(f"dataset.json channel_names: two channels map to the same sequence ({', '.join(mapped)})")
    return mapped


def configuration_of(plans: dict, name: str) -> dict:
    """The configuration with its inherited keys resolved (as nnU-Net's PlansManager does); refuses cascades and 2-D."""
    configs = plans.get("configurations", {})
    if name not in configs:
        raise ImportRefused(f"plans.json configurations: no configuration {name!r} (has {', '.join(configs)})")
    resolved: dict = {}
    chain, current = [], name
    while current is not None:
        chain.append(configs[current])
        current = configs[current].get("inherits_from")
    for part in reversed(chain):
        resolved.update(part)
    where = f"plans.json configurations.{name}"
    if resolved.get("previous_stage") or "cascade" in name:
        raise ImportRefused(f"{where}.previous_stage: cascade configurations need the previous stage's masks as input")
    if len(resolved.get("patch_size", [])) != 3:
        raise ImportRefused(
            f"{where}.patch_size: {resolved.get('patch_size')} is not 3-D (the card's sliding window is)"
        )
    return resolved


def normalization_of(config: dict, where: str, channels: int) -> list[dict]:
    schemes, masks = config.get("normalization_schemes", []), config.get("use_mask_for_norm", [])
    if len(schemes) != channels or len(masks) != channels:
        raise ImportRefused(f"{where}.normalization_schemes: {len(schemes)} schemes for {channels} input channels")
    out = []
    for i, (scheme, masked) in enumerate(zip(schemes, masks)):
        if scheme == "ZScoreNormalization":
            mask = "nonzero-union-filled" if masked else "crop"
            out.append({"kind": "zscore", "mask": mask, "std": "population", "epsilon": 1e-8})
        elif scheme == "NoNormalization":
            out.append({"kind": "none"})
        else:
            raise ImportRefused(
                f"{where}.normalization_schemes.{i}: {scheme} cannot be expressed by the card "
                "(ZScoreNormalization and NoNormalization can)"
            )
    return out


def geometry_of(plans: dict, config: dict, where: str) -> dict:
    reader = plans.get("image_reader_writer", "SimpleITKIO")
    if reader not in _READER_AXES:
        raise ImportRefused(
            f"plans.json image_reader_writer: {reader} is not supported ({', '.join(_READER_AXES)} are)"
        )
    orientation, reader_to_file = _READER_AXES[reader]
    transpose = list(plans.get("transpose_forward", [0, 1, 2]))
    if sorted(transpose) != [0, 1, 2]:
        raise ImportRefused(f"plans.json transpose_forward: {transpose} is not a permutation of 0, 1, 2")
    spacing = [float(s) for s in config.get("spacing", [])]
    if len(spacing) != 3 or min(spacing) <= 0:
        raise ImportRefused(f"{where}.spacing: {config.get('spacing')} is not three positive spacings")
    return {
        "reader": reader,
        "orientation": orientation,
        # network axis k = reader axis transpose[k] = file (or RAS) axis reader_to_file[transpose[k]]
        "axes": [reader_to_file[t] for t in transpose],
        "spacing": spacing,
        "transpose_forward": transpose,
    }


def output_of(label_manager, dataset: dict) -> dict:
    """The card's output block from nnU-Net's LabelManager (the same object nnUNetPredictor decides with)."""
    labels = dataset["labels"]
    if label_manager.has_ignore_label:
        raise ImportRefused("dataset.json labels.ignore: models trained with an ignore label are not supported")
    if label_manager.has_regions:
        return _regions(label_manager, labels)
    by_value = {int(v): k for k, v in labels.items()}
    classes, product = [], {}
    for index, value in enumerate(label_manager.all_labels):
        name = by_value.get(int(value), str(value))
        if index == 0:
            classes.append({"index": 0, "name": name, "label": 0})
            continue
        meaning = _lookup(_LABEL_NAMES, name)
        if meaning is None:
            raise ImportRefused(f'dataset.json labels.{name}: "{name}" is not NCR, ED, ET or a resection cavity')
        classes.append({"index": index, "name": name, "label": _PRODUCT[meaning]})
        product[str(value)] = meaning
    has_rc = any(c["label"] == _PRODUCT["RC"] for c in classes)
    return _block("softmax", "brats2024" if has_rc else "brats2023", classes, [], product)


def _regions(label_manager, labels: dict) -> dict:
    names = [k for k, v in labels.items() if not (isinstance(v, int) and v == 0) and v != [0]]
    order = list(label_manager.regions_class_order)
    kinds = []
    for name in names:
        kind = _lookup(_REGION_NAMES, name)
        if kind is None:
            raise ImportRefused(f'dataset.json labels.{name}: region "{name}" is not whole tumour, tumour core or ET')
        kinds.append(kind)
    outer_to_inner = [k for k in ("WT", "TC", "ET") if k in kinds]
    if kinds != outer_to_inner:
        raise ImportRefused(
            f"dataset.json regions_class_order: regions are painted in the order {', '.join(kinds)}; "
            "nested regions must be painted outer to inner (WT, TC, ET)"
        )
    classes = [{"index": i, "name": n, "threshold": STRICT_HALF} for i, n in enumerate(names)]
    paint = [{"channel": i, "label": _REGION_PAINT[k]} for i, k in enumerate(kinds)]
    own = {str(c): k for c, k in zip(order, kinds)}
    return _block("sigmoid", "brats2023", classes, paint, own)


def _block(kind: str, label_map: str, classes: list, paint: list, own: dict) -> dict:
    return {
        "kind": kind,
        "labelMap": label_map,
        "logitsName": "logits",
        "featuresName": "",
        "inputName": "image",
        "featureDim": 0,
        "layout": "NCXYZ (the card's axes)",
        "classes": classes,
        "paint": paint,
        "regions": {"WT": [1, 2, 3], "TC": [1, 3], "ET": [3]},
        "_nnunetLabels": own,
    }
