"""nnU-Net's own prediction of cases, the reference the TypeScript pipeline's masks are compared with.

    python -m tumorwatch_train.importers.nnunet_predict --model <trained-model folder> [--folds 0 1]
        --case <name> <channel 0 file> <channel 1 file> ... [--case ...] --out <dir>

nnUNetPredictor (tile_step_size 0.5, Gaussian, mirroring, CPU) reads each case with the plans' reader and predicts
it with predict_single_npy_array; <out>/<name>.u8 holds the mask in the model's own labels, file voxel order
(x fastest), and the last JSON line gives each case's shape and seconds.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch


def predictor(model: Path, folds: list[str] | None):
    from nnunetv2.inference.predict_from_raw_data import nnUNetPredictor

    p = nnUNetPredictor(
        tile_step_size=0.5,
        use_gaussian=True,
        use_mirroring=True,
        perform_everything_on_device=False,
        device=torch.device("cpu"),
        verbose=False,
        verbose_preprocessing=False,
        allow_tqdm=False,
    )
    p.initialize_from_trained_model_folder(str(model), use_folds=tuple(folds) if folds else None)
    return p


def to_file_order(seg: np.ndarray, reader: str) -> np.ndarray:
    """The reader's array back to the file's (x, y, z) axes: SimpleITK reads (z, y, x)."""
    return seg.transpose(2, 1, 0) if reader == "SimpleITKIO" else seg


def predict_case(p, files: list[str]) -> np.ndarray:
    reader = p.plans_manager.image_reader_writer_class()
    image, props = reader.read_images(files)
    seg = p.predict_single_npy_array(image, props, None, None, False)
    return to_file_order(np.asarray(seg), type(reader).__name__)


def main(argv: list[str] | None = None) -> int:
    a = argparse.ArgumentParser(prog="tumorwatch_train.importers.nnunet_predict")
    a.add_argument("--model", type=Path, required=True)
    a.add_argument("--folds", nargs="+", default=None)
    a.add_argument("--case", nargs="+", action="append", required=True, metavar="NAME FILE")
    a.add_argument("--out", type=Path, required=True)
    a.add_argument("--threads", type=int, default=2)
    args = a.parse_args(argv)
    torch.set_num_threads(args.threads)
    args.out.mkdir(parents=True, exist_ok=True)
    p = predictor(args.model, args.folds)
    results = {}
    for name, *files in args.case:
        t0 = time.time()
        seg = predict_case(p, files)
        # x fastest: the C order of the (z, y, x) view
        (args.out / f"{name}.u8").write_bytes(np.ascontiguousarray(seg.transpose(2, 1, 0), dtype=np.uint8).tobytes())
        results[name] = {"shape": list(seg.shape), "seconds": round(time.time() - t0, 2)}
    print(json.dumps({"type": "done", "cases": results}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
