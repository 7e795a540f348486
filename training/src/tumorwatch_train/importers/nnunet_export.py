"""Each fold's checkpoint -> nnU-Net's own network (built from the plans as nnUNetPredictor builds it) -> ONNX."""

from __future__ import annotations

import hashlib
import warnings
from pathlib import Path

import numpy as np
import torch

from ..progress import stdout_to_stderr
from .nnunet_spec import ImportRefused

OPSET = 18
PARITY_TOLERANCE = 1e-3


def _folds(folder: Path, folds: list[str] | None) -> list[str]:
    if folds is None:
        found = sorted(
            p.parent.name[5:] for p in folder.glob("fold_*/checkpoint_final.pth") if p.parent.name != "fold_all"
        )
        if not found:
            raise ImportRefused(f"{folder.name}: no fold_*/checkpoint_final.pth (a trained model has one per fold)")
        return found
    for f in folds:
        if not (folder / f"fold_{f}" / "checkpoint_final.pth").is_file():
            raise ImportRefused(f"--folds {f}: {folder.name}/fold_{f}/checkpoint_final.pth is missing")
    return list(folds)


def _load(path: Path) -> dict:
    # nnU-Net pickles numpy scalars and plain containers beside the weights; allow those, nothing executable
    safe = [
        np.dtype,
        np.ndarray,
        np.float64,
        np.float32,
        np.int64,
        np.core.multiarray.scalar,
        np.core.multiarray._reconstruct,
    ]
    safe += [type(np.dtype(t)) for t in ("float64", "float32", "int64", "int32", "bool")]
    with torch.serialization.safe_globals(safe):
        try:
            return torch.load(path, map_location="cpu", weights_only=True)
        except Exception as e:
            raise ImportRefused(f"{path.parent.name}/{path.name}: not a loadable nnU-Net checkpoint ({e})") from e


def load_checkpoints(folder: Path, folds: list[str] | None, spec: dict) -> dict:
    import nnunetv2

    names = _folds(folder, folds)
    checkpoints = [_load(folder / f"fold_{f}" / "checkpoint_final.pth") for f in names]
    first = checkpoints[0]
    for f, c in zip(names, checkpoints):
        if "network_weights" not in c:
            raise ImportRefused(f"fold_{f}/checkpoint_final.pth network_weights: missing")
        conf = c.get("init_args", {}).get("configuration")
        if conf is not None and conf != spec["configuration"]:
            raise ImportRefused(
                f"fold_{f}/checkpoint_final.pth init_args.configuration: {conf}, not {spec['configuration']}"
            )
    axes = first.get("inference_allowed_mirroring_axes")
    groups = first.get("optimizer_state", {}).get("param_groups") or [{}]
    digest = hashlib.sha256()
    for f in names:
        digest.update((folder / f"fold_{f}" / "checkpoint_final.pth").read_bytes())
    return {
        "folds": names,
        "weights": [c["network_weights"] for c in checkpoints],
        "trainer": first.get("trainer_name", "nnUNetTrainer"),
        "mirror_axes": sorted(int(a) for a in axes) if axes else [],
        "learning_rate": float(groups[0].get("initial_lr", groups[0].get("lr", 0.01)) or 0.01),
        "epoch": int(first.get("current_epoch", 1)),
        "sha256": digest.hexdigest(),
        "nnunet_version": f"nnunetv2 {getattr(nnunetv2, '__version__', '2.8.1')}",
    }


def build_network(spec: dict, trainer: str) -> torch.nn.Module:
    """As nnUNetPredictor.initialize_from_trained_model_folder: the trainer's build_network_architecture."""
    import nnunetv2
    from nnunetv2.training.nnUNetTrainer.nnUNetTrainer import nnUNetTrainer
    from nnunetv2.utilities.find_class_by_name import recursive_find_python_class
    from nnunetv2.utilities.label_handling.label_handling import determine_num_input_channels
    from nnunetv2.utilities.plans_handling.plans_handler import PlansManager

    plans_manager = PlansManager(spec["plans"])
    config = plans_manager.get_configuration(spec["configuration"])
    root = str(Path(nnunetv2.__path__[0]) / "training" / "nnUNetTrainer")
    try:
        found = recursive_find_python_class(root, trainer, "nnunetv2.training.nnUNetTrainer")
    except Exception:  # the search imports every trainer module; one whose optional dependency fails stops it
        found = None
    # a trainer this installation lacks builds the plans' architecture, as nnUNetTrainer does; the strict
    # load_state_dict afterwards refuses weights of any other network
    trainer_class = found or nnUNetTrainer
    n_in = determine_num_input_channels(plans_manager, config, spec["dataset"])
    n_out = plans_manager.get_label_manager(spec["dataset"]).num_segmentation_heads
    return trainer_class.build_network_architecture(plans_manager, config, n_in, n_out, enable_deep_supervision=False)


def export_folds(loaded: dict, spec: dict, work: Path) -> tuple[dict, int, int]:
    net = build_network(spec, loaded["trainer"]).eval()
    patch = spec["patch"]
    files, worst = [], 0.0
    rng = np.random.default_rng(0)
    for f, weights in zip(loaded["folds"], loaded["weights"]):
        try:
            net.load_state_dict(weights)
        except RuntimeError as e:
            raise ImportRefused(
                f"fold_{f}/checkpoint_final.pth network_weights: do not fit the plans' network ({e})"
            ) from e
        path = work / f"fold_{f}.onnx"
        _export(net, path, len(spec["channels"]), patch)
        x = rng.standard_normal((2, len(spec["channels"]), *patch)).astype(np.float32)
        worst = max(worst, _parity(net, path, x))
        files.append({"file": path.name, "sha256": hashlib.sha256(path.read_bytes()).hexdigest()})
    if worst > PARITY_TOLERANCE:
        raise RuntimeError(f"ONNX and PyTorch disagree by {worst:.2e} (> {PARITY_TOLERANCE})")
    onnx = {"file": files[0]["file"], "sha256": files[0]["sha256"], "opset": OPSET, "parity": {"maxAbsDiff": worst}}
    return onnx | {"files": files}, sum(p.numel() for p in net.parameters()), OPSET


def _export(net: torch.nn.Module, path: Path, channels: int, patch: list[int]) -> None:
    import onnx

    example = torch.zeros((1, channels, *patch), dtype=torch.float32)
    # torch.onnx prints its progress on stdout, where the CLI's JSON result goes
    with stdout_to_stderr(), warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            net,
            (example,),
            str(path),
            input_names=["image"],
            output_names=["logits"],
            opset_version=OPSET,
            dynamo=True,
            dynamic_shapes=({0: "batch"},),
            external_data=False,
        )
    onnx.checker.check_model(str(path))


def _parity(net: torch.nn.Module, path: Path, x: np.ndarray) -> float:
    import onnxruntime as ort

    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    with torch.no_grad():
        ref = net(torch.from_numpy(x)).numpy()
    got = session.run(["logits"], {"image": x})[0]
    if got.shape != ref.shape:
        raise RuntimeError(f"ONNX logits shape {got.shape} != PyTorch {ref.shape}")
    return float(np.max(np.abs(got - ref)))
