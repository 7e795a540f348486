"""The JSON-lines event stream on stdout that the app shows as a progress bar and log. One object per line,
flushed immediately; everything else (warnings, library chatter) must go to stderr."""

from __future__ import annotations

import contextlib
import json
import math
import sys
import time
from collections.abc import Iterator
from typing import IO


class Progress:
    def __init__(self, stream: IO[str] | None = None):
        self.stream = stream or sys.stdout
        self.started = time.monotonic()
        self.loop_started: float | None = None
        self.loop_first_step = 0

    def start_loop(self, step: int = 0) -> None:
        """ETA counts from here: case preparation before the loop would make it wildly pessimistic."""
        self.loop_started, self.loop_first_step = time.monotonic(), step

    def emit(self, event: dict) -> None:
        self.stream.write(json.dumps(event, allow_nan=False, default=_jsonable) + "\n")
        self.stream.flush()

    def log(self, message: str) -> None:
        self.emit({"type": "log", "message": message})

    def progress(self, epoch: int, step: int, total_steps: int, loss: float, val_dice: float | None) -> None:
        start = self.loop_started if self.loop_started is not None else self.started
        done = step - self.loop_first_step
        eta = (time.monotonic() - start) / done * (total_steps - step) if done > 0 else None
        self.emit(
            {
                "type": "progress",
                "epoch": epoch,
                "step": step,
                "total_steps": total_steps,
                "loss": _finite(loss),
                "val_dice": _finite(val_dice),
                "eta_s": _finite(eta),
            }
        )

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def loop_elapsed(self) -> float:
        return time.monotonic() - self.loop_started if self.loop_started is not None else 0.0


def _finite(v: float | None) -> float | None:
    if v is None or not math.isfinite(v):
        return None
    return round(float(v), 6)


def _jsonable(o):
    if hasattr(o, "tolist"):
        return o.tolist()
    return str(o)


@contextlib.contextmanager
def stdout_to_stderr() -> Iterator[None]:
    """Libraries that print (the ONNX exporter does) must not corrupt the JSON stream."""
    with contextlib.redirect_stdout(sys.stderr):
        yield
