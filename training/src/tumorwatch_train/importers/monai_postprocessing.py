"""A bundle's postprocessing transforms (instantiated by MONAI) in card 2 terms: the activation, the thresholds or
argmax, and the labels the regions paint. The class names come from metadata.json's outputs."""

from __future__ import annotations

from .monai_outputs import paint_order
from .refusal import Refused

# writing and inverting: the app always returns the mask on the input's own grid, as Invertd does
PASS = {"Invertd", "SaveImaged", "EnsureTyped", "ToTensord", "ToNumpyd", "CopyItemsd", "DeleteItemsd"}
LABEL_SETS = {"brats2023": {1, 2, 3}, "brats2020": {1, 2, 4}, "brats2024": {1, 2, 3, 4}}


def _first(v):
    return v[0] if isinstance(v, list | tuple) else v


class Postprocessing:
    def __init__(self, pred_key: str, names: list[str], where: str):
        self.key, self.names, self.where = pred_key, names, where
        self.activation: str | None = None
        self.threshold: float | None = None
        self.argmax = False
        self.paint: list[dict] | None = None
        self.steps: list[str] = []

    def add(self, i: int, t) -> None:
        name = type(t).__name__
        at = f"{self.where}[{i}]"
        keys = tuple(getattr(t, "keys", ()) or ())
        if keys and self.key not in keys:
            return
        if name == "Activationsd":
            if _first(t.other) is not None or _first(t.sigmoid) == _first(t.softmax):
                raise Refused(at, "Activationsd: exactly one of sigmoid or softmax, no other function")
            self.activation = "sigmoid" if _first(t.sigmoid) else "softmax"
        elif name == "AsDiscreted":
            if _first(t.to_onehot) is not None or _first(t.rounding) is not None:
                raise Refused(at, "AsDiscreted to_onehot / rounding are not supported")
            self.argmax = bool(_first(t.argmax))
            thr = _first(t.threshold)
            self.threshold = None if thr is None else float(thr)
            if self.argmax == (self.threshold is not None):
                raise Refused(at, "AsDiscreted: argmax (softmax) or a threshold (sigmoid), one of them")
        elif name == "Lambdad":
            if self.threshold is None:
                raise Refused(at, "Lambdad before the regions are thresholded: not supported")
            self.paint = paint_order(_first(t.func), len(self.names), at)
        elif name not in PASS:
            raise Refused(at, f"{name} is not supported: card 2 cannot express it")
        self.steps.append(f"{name}")

    def output(self, label_map: str | None) -> tuple[dict, dict]:
        """(the card's output block without names/features, its postprocessing block)."""
        if self.activation is None:
            raise Refused(self.where, "no Activationsd: the card needs sigmoid or softmax")
        if self.activation == "sigmoid":
            if self.threshold is None or not 0 < self.threshold < 1:
                raise Refused(self.where, "sigmoid outputs need AsDiscreted with a threshold in (0, 1)")
            paint = self.paint if self.paint is not None else _named_paint(self.names, self.where)
            labels = {p["label"] for p in paint}
            et = next((p["label"] for p in paint if self.names[p["channel"]] == "ET"), None)
            chosen = label_map or ("brats2020" if et == 4 else "brats2023")
            classes = [{"index": i, "name": n, "threshold": self.threshold} for i, n in enumerate(self.names)]
            steps = [
                "Sigmoid per output channel.",
                f"A region is on where its probability >= {self.threshold} (AsDiscreted threshold).",
                "Paint in order, later over earlier: "
                + ", ".join(f"{self.names[p['channel']]} -> {p['label']}" for p in paint)
                + f" (the bundle's labels, {chosen} convention).",
            ]
        else:
            if not self.argmax:
                raise Refused(self.where, "softmax outputs need AsDiscreted(argmax=True)")
            paint, labels = [], set(range(1, len(self.names)))
            chosen = label_map or "brats2023"
            classes = [{"index": i, "name": n, "label": i} for i, n in enumerate(self.names)]
            steps = ["Softmax over the channels.", "Argmax (ties: the lowest index); the index is the label."]
        if not labels <= LABEL_SETS.get(chosen, set()):
            raise Refused(self.where, f"labels {sorted(labels)} are not all in label map {chosen} (use --label-map)")
        output = {
            "kind": self.activation,
            "labelMap": chosen,
            "classes": classes,
            "paint": paint,
            "regions": {"WT": [1, 2, 3], "TC": [1, 3], "ET": [3]},
        }
        post = {
            "activation": self.activation,
            "resampleBack": "probabilities-trilinear",
            **({"argmax": "first-maximum"} if self.activation == "softmax" else {}),
            "steps": [
                *steps,
                "Back to the input's own grid (MONAI Invertd): undo the crop and orientation; no resampling.",
                f"Bundle transforms: {', '.join(self.steps)}.",
            ],
        }
        return output, post


def _named_paint(names: list[str], where: str) -> list[dict]:
    """Without a label function: the BraTS regions by name, WT -> ED, TC -> NCR, ET -> ET (brats2023)."""
    if sorted(names) != ["ET", "TC", "WT"]:
        raise Refused(where, f"sigmoid outputs {names} and no Lambdad turning them into labels")
    return [{"channel": names.index(r), "label": lab} for r, lab in (("WT", 2), ("TC", 1), ("ET", 3))]
