"""nnU-Net's own sliding-window geometry, Gaussian and non-zero mask for tests/model-import/nnunet-ports.test.ts.

usage: nnunet_reference.py <tasks.json>; each task writes its result as raw little-endian bytes to task["output"].
"""

import json
import sys

import numpy as np
import torch
from nnunetv2.inference.sliding_window_prediction import compute_gaussian, compute_steps_for_sliding_window
from nnunetv2.preprocessing.cropping.cropping import create_nonzero_mask


def main(path: str) -> None:
    for t in json.loads(open(path).read()):
        if t["op"] == "steps":
            out = [compute_steps_for_sliding_window([n], [p], t["step"])[0] for n, p in t["cases"]]
            open(t["output"], "w").write(json.dumps(out))
        elif t["op"] == "gaussian":
            g = compute_gaussian(tuple(t["patch"]), 1.0 / 8, 10, device=torch.device("cpu"))
            open(t["output"], "wb").write(g.float().numpy().astype("<f4").tobytes())
        elif t["op"] == "mask":
            # the volumes are x fastest (file order): (C, Z, Y, X) in C order
            x = np.fromfile(t["input"], dtype="<f4").reshape(t["channels"], *t["shape"][::-1])
            open(t["output"], "wb").write(create_nonzero_mask(x).astype(np.uint8).tobytes())


if __name__ == "__main__":
    main(sys.argv[1])
