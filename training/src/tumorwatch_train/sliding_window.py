"""Sliding-window inference written out in plain torch so that it can be ported line by line. It reproduces
monai.inferers.sliding_window_inference(mode="gaussian", sigma_scale=0.125, padding_mode="constant", cval=0)
(tests/test_sliding_window.py checks that), and additionally averages the per-window `features` output."""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
import torch.nn.functional as F

Predictor = Callable[[torch.Tensor], tuple[torch.Tensor, torch.Tensor]]


def gaussian_importance(patch: tuple[int, ...], sigma_scale: float) -> torch.Tensor:
    """w = prod_d exp(-(t_d - (P_d - 1) / 2)^2 / (2 (sigma_scale * P_d)^2)), t_d = 0..P_d-1, float32, then clamped
    below at max(min(w), 1e-3) (so every weight is >= 1e-3). Not normalised to a maximum of 1."""
    w = None
    for i, p in enumerate(patch):
        sigma = p * sigma_scale
        x = torch.arange(-(p - 1) / 2.0, (p - 1) / 2.0 + 1, dtype=torch.float)
        g = torch.exp(x**2 / (-2 * sigma**2))
        w = g if i == 0 else w.unsqueeze(-1) * g[(None,) * i]
    floor = max(torch.min(w).item(), 1e-3)
    return torch.clamp(w, min=floor)


def window_starts(n: int, p: int, overlap: float) -> list[int]:
    """Starts along one axis of size n (already padded to >= p): step = p if n == p else max(1, int(p * (1 -
    overlap))); windows at 0, step, 2*step, ... until one reaches the end; the last is shifted back to end at n."""
    step = p if n == p else max(1, int(p * (1 - overlap)))
    num = math.ceil(n / step)
    count = next((d + 1 for d in range(num) if d * step + p >= n), 1)
    return [i * step - max(i * step + p - n, 0) for i in range(count)]


def pad_amounts(shape, patch) -> list[tuple[int, int]]:
    """Per axis (before, after): diff = max(P - n, 0), before = diff // 2, after = diff - before."""
    out = []
    for n, p in zip(shape, patch):
        diff = max(p - n, 0)
        out.append((diff // 2, diff - diff // 2))
    return out


@torch.no_grad()
def sliding_window(
    x: torch.Tensor, predictor: Predictor, patch, overlap: float, sigma_scale: float = 0.125
) -> tuple[torch.Tensor, torch.Tensor]:
    """x: (C, X, Y, Z) float32. Returns (blended logits (K, X, Y, Z), features (F,) = unweighted mean over windows).
    Windows are visited in C order of (x-start, y-start, z-start), x slowest, one window per predictor call."""
    pads = pad_amounts(x.shape[1:], patch)
    if any(a or b for a, b in pads):
        flat = [v for a, b in reversed(pads) for v in (a, b)]  # F.pad lists the last axis first
        x = F.pad(x, flat, mode="constant", value=0.0)
    size = x.shape[1:]
    starts = [window_starts(n, p, overlap) for n, p in zip(size, patch)]
    w = gaussian_importance(tuple(patch), sigma_scale)
    out: torch.Tensor | None = None
    count = torch.zeros(size, dtype=torch.float32)
    feats = []
    for sx in starts[0]:
        for sy in starts[1]:
            for sz in starts[2]:
                sl = (slice(sx, sx + patch[0]), slice(sy, sy + patch[1]), slice(sz, sz + patch[2]))
                logits, f = predictor(x[(slice(None), *sl)][None])
                if out is None:
                    out = torch.zeros((logits.shape[1], *size), dtype=torch.float32)
                out[(slice(None), *sl)] += logits[0] * w
                count[sl] += w
                feats.append(f[0])
    assert out is not None
    out /= count
    crop = tuple(slice(a, n - b) for (a, b), n in zip(pads, size))
    return out[(slice(None), *crop)], torch.stack(feats).mean(dim=0)
