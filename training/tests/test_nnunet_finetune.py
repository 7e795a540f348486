"""training/runners/nnunet_finetune.py, the COMMAND runner's command for an imported nnU-Net model, run as the app runs
it: a small nnU-Net trained-model folder (test_import_nnunet's) imported as the parent, a snapshot export in the
app's nnU-Net layout, and the command's {out} checked against the contract (card 2 + every ONNX fold it names, the
run's version and snapshot, the parent recorded, weights changed); then a second generation from {parent}/checkpoint.pt,
and a refusal when --nnunet-model does not hold the parent's weights."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nibabel as nib
import numpy as np
from test_import_nnunet import dataset, plans, write_model

from tumorwatch_train.importers.nnunet import import_nnunet

ROOT = Path(__file__).resolve().parents[2]
COMMAND = ROOT / "training" / "runners" / "nnunet_finetune.py"


def export(root: Path, n: int = 2) -> Path:
    """The app's nnU-Net export (lib/server/datasets/export.ts): channels T1N, T1C, T2W, T2F; labels 1 NCR 2 ED 3 ET."""
    ds = root / "Dataset501_TumorWatch"
    rng = np.random.default_rng(1)
    for i in range(n):
        case = f"case_{i}"
        seg = np.zeros((40, 40, 40), np.uint8)
        seg[12:28, 12:28, 12:28] = 2
        seg[16:24, 16:24, 16:24] = 1
        seg[18:22, 18:22, 18:22] = 3
        for c in range(4):
            img = (rng.normal(100, 10, seg.shape) + 40 * (seg > 0) * (c + 1)).astype(np.float32)
            (ds / "imagesTr").mkdir(parents=True, exist_ok=True)
            nib.save(nib.Nifti1Image(img, np.eye(4)), ds / "imagesTr" / f"{case}_{c:04d}.nii.gz")
        (ds / "labelsTr").mkdir(exist_ok=True)
        nib.save(nib.Nifti1Image(seg, np.eye(4)), ds / "labelsTr" / f"{case}.nii.gz")
    doc = {"channel_names": {"0": "T1N", "1": "T1C", "2": "T2W", "3": "T2F"}, "file_ending": ".nii.gz"}
    (ds / "dataset.json").write_text(json.dumps(doc | {"reference": "sha256:" + "a" * 64}))
    return ds


def run(snapshot: Path, out: Path, parent: Path, source: Path, version: str) -> tuple[int, list[dict]]:
    argv = [sys.executable, str(COMMAND), "--snapshot", str(snapshot), "--format", "nnunet", "--out", str(out)]
    argv += ["--parent", str(parent), "--name", "nnunet-tiny", "--version", version, "--snapshot-id", "snap-1"]
    argv += ["--epochs", "1", "--iterations-per-epoch", "4", "--nnunet-model", str(source)]
    p = subprocess.run(argv, capture_output=True, text=True, env={**os.environ, "OMP_NUM_THREADS": "1"})
    events = [json.loads(line) for line in p.stdout.splitlines() if line.startswith("{")]
    return p.returncode, events


def test_fine_tunes_each_fold_and_reimports_through_the_contract(tmp_path):
    source = write_model(tmp_path / "m", plans(), dataset())
    parent = tmp_path / "parent"
    import_nnunet(source, parent, name="nnunet-tiny", version="1.0.0")
    snapshot = export(tmp_path / "snap")
    rc, events = run(snapshot, tmp_path / "out", parent, source, "1.1.0-run.r1")
    assert rc == 0, events
    assert any(e["type"] == "progress" and e["step"] == e["total_steps"] == 8 for e in events)
    card = json.loads((tmp_path / "out" / "model-card.json").read_text())
    assert card["schema"] == "tumorwatch.model-card/2" and card["version"] == "1.1.0-run.r1"
    assert card["training"]["datasetSnapshot"] == {"id": "snap-1", "sha256": "a" * 64}
    assert card["training"]["parent"]["name"] == "nnunet-tiny" and card["training"]["parent"]["version"] == "1.0.0"
    files = [f["file"] for f in card["onnx"]["files"]]
    assert files == ["fold_0.onnx", "fold_1.onnx"]
    for f in files:
        assert (tmp_path / "out" / f).read_bytes() != (parent / f).read_bytes()
    assert (tmp_path / "out" / "checkpoint.pt").exists()

    # the candidate as the next parent: its weights come from its checkpoint.pt, checked against its ONNX folds
    rc, events = run(snapshot, tmp_path / "out2", tmp_path / "out", source, "1.2.0-run.r2")
    assert rc == 0, events
    assert any("checkpoint.pt:fold_1/checkpoint_final.pth" in e.get("message", "") for e in events)


def test_refuses_a_folder_whose_weights_are_not_the_parents(tmp_path):
    source = write_model(tmp_path / "m", plans(), dataset())
    parent = tmp_path / "parent"
    import_nnunet(source, parent, name="nnunet-tiny", version="1.0.0")
    other = write_model(tmp_path / "other", plans(), dataset())
    shutil.copy(other / "fold_1" / "checkpoint_final.pth", other / "fold_0" / "checkpoint_final.pth")  # not fold 0's
    rc, events = run(export(tmp_path / "snap"), tmp_path / "out", parent, other, "1.1.0-run.r1")
    assert rc == 1
    assert "is not the parent's weights" in events[-1]["message"]
    assert not (tmp_path / "out" / "model-card.json").exists()
