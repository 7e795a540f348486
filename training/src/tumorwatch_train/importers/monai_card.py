"""The card 2 of an imported MONAI bundle: the mapped blocks (monai_bundle.read_spec), the ONNX file, and a lineage
that says where the model came from. The drift reference is null ("uncalibrated") until `npm run model:calibrate`."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from ..export import OPSET
from .monai_config import Bundle

SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "model"


def _bundle_digest(bundle: Bundle) -> str:
    """sha256 over the bundle's configs and weights (names and bytes): what was imported."""
    h = hashlib.sha256()
    files = sorted(p for p in (bundle.root / "configs").iterdir() if p.is_file()) + [bundle.weights]
    for p in files:
        h.update(p.name.encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def _training(bundle: Bundle, label_map: str, digest: str, weights_sha: str, tapped) -> dict:
    meta = bundle.meta
    title = f"imported from MONAI bundle {meta.get('name', bundle.root.name)} {meta.get('version', '')}".strip()
    return {
        "datasetSnapshot": {"id": None, "sha256": None},
        "manifestSha256": digest,
        "labelMap": label_map,
        "parent": None,
        # an imported model was trained elsewhere: its cases, schedule and duration are not known here (0)
        "cases": {"train": 0, "val": 0},
        "config": {"name": title, "seed": 0},
        "learningRate": 0,
        "bestEpoch": 0,
        "steps": 0,
        "durationS": 0,
        "codeVersion": {
            "package": f"monai {meta.get('monai_version', '?')} (bundle)",
            "gitCommit": None,
            "sourceSha256": digest,
        },
        "imported": {
            "format": "monai-bundle",
            "summary": title,
            "name": meta.get("name"),
            "version": meta.get("version"),
            "config": bundle.config_file,
            "weights": bundle.weights.name,
            "weightsSha256": weights_sha,
            "bundleSha256": digest,
            "dataSource": meta.get("data_source"),
            "evalMetrics": meta.get("eval_metrics"),
            "intendedUse": meta.get("intended_use"),
            # the graph tensor whose spatial mean is the `features` output (tap_features.py), if one was tapped
            "featuresTapped": tapped[0] if tapped else None,
        },
    }


def build_card(
    bundle: Bundle, spec: dict, *, name: str | None, version: str | None, onnx: dict, tapped, parameters: int
) -> dict:
    meta = bundle.meta
    version = version or str(meta.get("version", "1.0.0"))
    if not SEMVER.match(version):
        version = "1.0.0"
    digest = _bundle_digest(bundle)
    weights_sha = hashlib.sha256(bundle.weights.read_bytes()).hexdigest()
    network = dict(bundle.get("network_def") or {})
    target = network.pop("_target_", "?")
    output = spec["output"] | {
        "logitsName": spec["names"]["logits"],
        "inputName": spec["names"]["input"],
        "featuresName": "features" if tapped else "",
        "featureDim": tapped[1] if tapped else 0,
        "layout": f"NCXYZ ({'RAS' if spec['preprocessing']['orientation'] == 'RAS' else 'file voxel order'})",
    }
    return {
        "schema": "tumorwatch.model-card/2",
        "name": _slug(name or f"monai-{meta.get('name', bundle.root.name)}"),
        "version": version,
        "createdAt": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "task": str(meta.get("task") or "brain-glioma-segmentation"),
        "architecture": {
            "family": f"monai.networks.nets.{target}" if "." not in str(target) else str(target),
            "kwargs": network,
            "parameters": parameters,
            "opset": OPSET,
        },
        "preprocessing": spec["preprocessing"],
        "inference": spec["inference"],
        "output": output,
        "postprocessing": spec["postprocessing"],
        "onnx": {**onnx, "opset": OPSET, "files": [{"file": onnx["file"], "sha256": onnx["sha256"]}]},
        "training": _training(bundle, spec["output"]["labelMap"], digest, weights_sha, tapped),
        "metrics": {"validation": {"n": 0}, "validationTargetGrid": None},
        "reference": None,
    }
