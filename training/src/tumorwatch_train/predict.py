"""The reference prediction pipeline (what the TypeScript pipeline must reproduce): preprocess -> sliding window ->
softmax -> back to the native grid. Runs the ONNX model (default) or the PyTorch checkpoint."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import cc3d
import numpy as np
import torch

from .card import ZSCORE_NONZERO, upgrade_card
from .config import CHANNELS, CLASS_NAMES, TrainConfig
from .model import SegWithFeatures, load_checkpoint
from .preprocess import Geometry, preprocess, probabilities_to_native
from .sliding_window import sliding_window


@dataclass(frozen=True)
class InferenceSpec:
    target_spacing: tuple[float, float, float]
    crop_margin_voxels: int
    patch_size: tuple[int, int, int]
    overlap: float
    sigma_scale: float
    drop_components_at_most_mm3: float = 0.0

    @classmethod
    def from_config(cls, c: TrainConfig) -> InferenceSpec:
        return cls(
            tuple(c.target_spacing),
            c.crop_margin_voxels,
            tuple(c.patch_size),
            c.overlap,
            c.sigma_scale,
            c.drop_components_at_most_mm3,
        )

    @classmethod
    def from_card(cls, card: dict) -> InferenceSpec:
        """The spec of a card 2 (card 1 upgraded). This reference runs the trainer's own options only; a card with
        others (a foreign model) is refused with the field named."""
        card = upgrade_card(card)
        check_trainer_options(card)
        pre, inf, post = card["preprocessing"], card["inference"], card["postprocessing"]
        return cls(
            tuple(pre["targetSpacingMm"]),
            int(pre["crop"]["marginVoxels"]),
            tuple(inf["patchSize"]),
            float(inf["overlap"]),
            float(inf["sigmaScale"]),
            float(post.get("dropComponentsAtMostMm3", 0.0)),
        )


def check_trainer_options(card: dict) -> None:
    """Raises ValueError naming the first card 2 field whose value this reference does not implement. Fields a
    partial card leaves out count as the trainer's values."""
    pre, inf, out = card["preprocessing"], card["inference"], card.get("output", {})
    expected = {
        "preprocessing.channels": (pre.get("channels", list(CHANNELS)), list(CHANNELS)),
        "preprocessing.orientation": (pre.get("orientation", "RAS"), "RAS"),
        "preprocessing.crop.kind": (pre["crop"].get("kind", "nonzero-bbox"), "nonzero-bbox"),
        "inference.blending": (inf.get("blending", "gaussian"), "gaussian"),
        "inference.mirrorAxes": (inf.get("mirrorAxes", []), []),
        "onnx.files": (len(card.get("onnx", {}).get("files", [None])), 1),
        "output.kind": (out.get("kind", "softmax"), "softmax"),
        "output.labelMap": (out.get("labelMap", "brats2023"), "brats2023"),
        "output.classes": (
            [c.get("label", c["index"]) for c in out.get("classes", [])] or [0, 1, 2, 3],
            list(range(len(CLASS_NAMES))),
        ),
    }
    for field, (got, want) in expected.items():
        if got != want:
            raise ValueError(f"model card {field} = {got!r}: the trainer's reference inference supports {want!r} only")
    if pre.get("targetSpacingMm", [1, 1, 1]) is None:
        raise ValueError(
            "model card preprocessing.targetSpacingMm = None (native grid): the trainer's reference "
            "inference always resamples"
        )
    for i, n in enumerate(pre.get("normalization", [])):
        if {k: v for k, v in n.items() if k != "epsilon"} != {
            k: v for k, v in ZSCORE_NONZERO.items() if k != "epsilon"
        }:
            raise ValueError(
                f"model card preprocessing.normalization[{i}] = {n!r}: the trainer's reference inference "
                "supports the z-score in the non-zero mask only"
            )


class TorchBackend:
    def __init__(self, model: SegWithFeatures):
        self.model = model.eval()

    def __call__(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        with torch.no_grad():
            return self.model(x)


class OnnxBackend:
    def __init__(
        self, path: str | Path, threads: int = 1, names: tuple[str, str, str] = ("image", "logits", "features")
    ):
        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
        self.input, self.outputs = names[0], list(names[1:])

    def __call__(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        logits, features = self.session.run(self.outputs, {self.input: x.numpy()})
        return torch.from_numpy(logits), torch.from_numpy(features)


@dataclass
class Prediction:
    mask: np.ndarray  # uint8 product labels, file voxel order
    probs: np.ndarray  # (K, *resampled_shape) softmax on the target grid
    features: np.ndarray  # (F,) mean of the per-window features
    geometry: Geometry


def infer_preprocessed(x: np.ndarray, spec: InferenceSpec, backend) -> tuple[np.ndarray, np.ndarray]:
    """x: preprocessed (C, ...) on the target grid -> (softmax probabilities, features)."""
    logits, feats = sliding_window(torch.from_numpy(x), backend, spec.patch_size, spec.overlap, spec.sigma_scale)
    return torch.softmax(logits, dim=0).numpy(), feats.numpy()


def voxel_mm3(affine: np.ndarray) -> float:
    """Voxel volume as the product of the affine's column norms (what the app's voxelMl uses too, not pixdim)."""
    return float(np.prod([np.linalg.norm(affine[:3, j]) for j in range(3)]))


def drop_small_components(mask: np.ndarray, affine: np.ndarray, at_most_mm3: float) -> np.ndarray:
    """Whole-tumour (labels 1-3) 26-connected components of at most `at_most_mm3` become background (in place).
    Fine-tuned models leave specks of a few native voxels where an interpolated probability barely tips over; BraTS
    does not count a reference lesion that small but scores every predicted one as a false positive."""
    if at_most_mm3 <= 0:
        return mask
    components = cc3d.connected_components(mask > 0, connectivity=26)
    sizes = np.bincount(components.ravel())
    small = sizes * voxel_mm3(affine) <= at_most_mm3
    small[0] = False
    mask[small[components]] = 0
    return mask


def predict_images(images: np.ndarray, affine: np.ndarray, spec: InferenceSpec, backend) -> Prediction:
    x, g = preprocess(images, affine, spec.target_spacing, spec.crop_margin_voxels)
    probs, feats = infer_preprocessed(x, spec, backend)
    mask = drop_small_components(probabilities_to_native(probs, g), affine, spec.drop_components_at_most_mm3)
    return Prediction(mask, probs, feats, g)


def load_model_dir(model_dir: str | Path, backend: str = "onnx", threads: int = 1):
    """A model directory holds model-card.json plus model.onnx (onnx backend) or checkpoint.pt (torch backend)."""
    d = Path(model_dir)
    card = upgrade_card(json.loads((d / "model-card.json").read_text()))
    spec = InferenceSpec.from_card(card)
    if backend == "onnx":
        out = card["output"]
        return (
            OnnxBackend(d / card["onnx"]["file"], threads, (out["inputName"], out["logitsName"], out["featuresName"])),
            spec,
            card,
        )
    if backend == "torch":
        model, _, _ = load_checkpoint(d)
        return TorchBackend(model), spec, card
    raise ValueError(f"unknown backend {backend!r} (onnx or torch)")
