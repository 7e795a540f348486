"""The network (MONAI SegResNet, few filters) with a second output: the bottleneck features averaged over space,
which the app's image-based drift check compares (Mahalanobis distance) against the card's reference."""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path

import torch
from monai.networks.nets import SegResNet

from .config import CHANNELS, CLASS_NAMES, NetConfig


def segresnet_kwargs(net: NetConfig) -> dict:
    return {
        "spatial_dims": 3,
        "in_channels": len(CHANNELS),
        "out_channels": len(CLASS_NAMES),
        "init_filters": net.init_filters,
        "blocks_down": list(net.blocks_down),
        "blocks_up": list(net.blocks_up),
        "norm": ["GROUP", {"num_groups": min(8, net.init_filters)}],
        "upsample_mode": "deconv",  # exports to a plain ConvTranspose; no resize-op semantics to match in ONNX
    }


def nested_mean(x: torch.Tensor, first_dim: int) -> torch.Tensor:
    """Mean over dims first_dim.. one axis at a time (innermost first), keepdim. Same value as one big mean, but
    onnxruntime's float32 reductions accumulate naively: reducing ~10^5 voxels in one go cost 1e-3 absolute error
    in the logits, short per-axis reductions keep ONNX within 2e-5 of PyTorch."""
    for d in range(x.dim() - 1, first_dim - 1, -1):
        x = x.mean(dim=d, keepdim=True)
    return x


class StableGroupNorm(torch.nn.Module):
    """torch.nn.GroupNorm's arithmetic (two-pass, population variance) with nested means; used for ONNX export."""

    def __init__(self, gn: torch.nn.GroupNorm):
        super().__init__()
        self.num_groups, self.eps = gn.num_groups, gn.eps
        self.weight, self.bias = gn.weight, gn.bias

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n, c = x.shape[0], x.shape[1]
        xs = x.reshape(n, self.num_groups, c // self.num_groups, *x.shape[2:])
        centred = xs - nested_mean(xs, 2)
        var = nested_mean(centred * centred, 2)
        y = (centred / torch.sqrt(var + self.eps)).reshape(x.shape)
        shape = (1, c) + (1,) * (x.dim() - 2)
        return y * self.weight.reshape(shape) + self.bias.reshape(shape)


def for_export(model: torch.nn.Module) -> torch.nn.Module:
    """A copy whose GroupNorms are StableGroupNorm (same parameters, same function)."""
    out = copy.deepcopy(model).eval()

    def swap(mod: torch.nn.Module) -> None:
        for name, child in mod.named_children():
            if isinstance(child, torch.nn.GroupNorm):
                setattr(mod, name, StableGroupNorm(child))
            else:
                swap(child)

    swap(out)
    return out


class SegWithFeatures(torch.nn.Module):
    def __init__(self, net: NetConfig):
        super().__init__()
        kw = segresnet_kwargs(net)
        kw["norm"] = tuple(kw["norm"])
        self.net = SegResNet(**kw)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h, skips = self.net.encode(x)
        skips.reverse()  # SegResNet.forward does this before decode
        features = nested_mean(h, 2).flatten(1)
        return self.net.decode(h, skips), features


def build_model(net: NetConfig) -> SegWithFeatures:
    return SegWithFeatures(net)


def count_parameters(model: torch.nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def interpolate_weights(model: torch.nn.Module, parent_state: dict, alpha: float) -> None:
    """In place: every floating-point tensor becomes (1 - alpha) parent + alpha current (WiSE-FT). Both networks
    share one architecture and the fine-tuned one started from the parent, so the straight line between them stays
    in one basin; integer buffers (GroupNorm has none, but a future BatchNorm's step count) keep the current value."""
    if not 0.0 <= alpha <= 1.0:
        raise ValueError(f"weight interpolation alpha must be in [0, 1], got {alpha}")
    state = model.state_dict()
    if state.keys() != parent_state.keys():
        raise ValueError("the parent's weights do not match this network's layers")
    model.load_state_dict(
        {k: torch.lerp(parent_state[k].to(v.dtype), v, alpha) if v.is_floating_point() else v for k, v in state.items()}
    )


def save_checkpoint(model: SegWithFeatures, net: NetConfig, path: Path, extra: dict, half: bool = False) -> None:
    """half=True stores the weights as float16 (the committed model; plenty for fine-tuning, half the bytes)."""
    state = {k: (v.half() if half and v.is_floating_point() else v) for k, v in model.state_dict().items()}
    payload = {"format": "tumorwatch-seg-checkpoint/1", "net": dataclasses.asdict(net), "state_dict": state, **extra}
    torch.save(payload, path)


def resolve_checkpoint(path: str | Path) -> Path:
    """Accepts a checkpoint file or a model/output directory that holds checkpoint.pt."""
    p = Path(path)
    if p.is_dir():
        p = p / "checkpoint.pt"
    if not p.is_file():
        raise FileNotFoundError(f"no checkpoint at {p} (pass a checkpoint.pt or a directory holding one)")
    return p


def load_checkpoint(path: str | Path) -> tuple[SegWithFeatures, NetConfig, dict]:
    payload = torch.load(resolve_checkpoint(path), map_location="cpu", weights_only=False)
    if payload.get("format") != "tumorwatch-seg-checkpoint/1":
        raise ValueError(f"{path}: not a TumorWatch checkpoint")
    n = payload["net"]
    net = NetConfig(n["init_filters"], tuple(n["blocks_down"]), tuple(n["blocks_up"]))
    model = build_model(net)
    model.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in payload["state_dict"].items()})
    return model.eval(), net, payload
