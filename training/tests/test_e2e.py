"""A tiny end-to-end run exactly as the app spawns it: train (two steps on 32^3 patches), export, ONNX parity,
model card (validated by the app's zod schema when node_modules is present), predict, evaluate, fine-tune."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nibabel as nib
import numpy as np
import pytest
from synthetic import write_cohort

from tumorwatch_train.cli import main as cli_main

TRAINING = Path(__file__).parents[1]
REPO = TRAINING.parent


def run_cli(*args: str) -> tuple[int, list[dict], str]:
    env = dict(os.environ, PYTHONPATH=str(TRAINING / "src"))
    proc = subprocess.run(
        [sys.executable, "-m", "tumorwatch_train", *args], capture_output=True, text=True, env=env, timeout=300
    )
    return proc.returncode, [json.loads(line) for line in proc.stdout.splitlines()], proc.stderr


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    root = tmp_path_factory.mktemp("e2e")
    manifest = write_cohort(root / "cohort", n=4)
    code, events, err = run_cli(
        "train", "--manifest", str(manifest), "--out", str(root / "out"), "--config", "tiny", "--version", "0.0.1"
    )
    assert code == 0, err[-3000:]
    return root, manifest, events


def test_stdout_is_a_json_lines_progress_stream(trained):
    _, _, events = trained
    assert {e["type"] for e in events} <= {"log", "progress", "done"}
    progress = [e for e in events if e["type"] == "progress"]
    assert progress and all(
        set(e) == {"type", "epoch", "step", "total_steps", "loss", "val_dice", "eta_s"} for e in progress
    )
    assert progress[-1]["step"] == progress[-1]["total_steps"] == 2
    assert events[-1]["type"] == "done" and events[-1]["onnxMaxAbsDiff"] <= 1e-3


def test_outputs_and_card_agree(trained):
    root, _, _ = trained
    out = root / "out"
    for f in ("model.onnx", "model-card.json", "metrics.json", "checkpoint.pt"):
        assert (out / f).is_file(), f
    card = json.loads((out / "model-card.json").read_text())
    assert card["preprocessing"]["channels"] == ["T1N", "T1C", "T2W", "T2F"]
    assert card["inference"]["patchSize"] == [32, 32, 32]
    assert card["onnx"]["parity"]["maxAbsDiff"] <= 1e-3
    feats = card["reference"]["features"]
    assert len(feats["mean"]) == card["output"]["featureDim"] == len(feats["precision"])
    assert card["training"]["cases"] == {"train": 3, "val": 1}


@pytest.mark.skipif(
    shutil.which("npx") is None or not (REPO / "node_modules" / "zod").is_dir(), reason="node_modules not installed"
)
def test_card_passes_the_apps_zod_schema(trained, tmp_path):
    root, _, _ = trained
    script = tmp_path / "check.ts"
    script.write_text(
        "import { readFileSync } from 'node:fs';\n"
        f"import {{ modelCardSchema }} from '{REPO / 'lib' / 'schemas' / 'model-card'}';\n"
        "const r = modelCardSchema.safeParse(JSON.parse(readFileSync(process.argv[2], 'utf8')));\n"
        "if (!r.success) { console.error(JSON.stringify(r.error.issues)); process.exit(1); }\n"
    )
    proc = subprocess.run(
        ["npx", "tsx", str(script), str(root / "out" / "model-card.json")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]


def test_predict_writes_a_mask_on_the_input_grid_and_backends_agree(trained, capsys):
    root, _, _ = trained
    case = root / "cohort" / "case-003"
    paths = [str(case / f"case-003-{s}.nii.gz") for s in ("t1n", "t1c", "t2w", "t2f")]
    masks = {}
    for backend in ("onnx", "torch"):
        out = root / f"mask-{backend}.nii.gz"
        assert (
            cli_main(
                ["predict", "--model", str(root / "out"), "--case", *paths, "--out", str(out), "--backend", backend]
            )
            == 0
        )
        done = json.loads(capsys.readouterr().out.splitlines()[-1])
        assert done["type"] == "done" and len(done["features"]) == 32
        img = nib.load(str(out))
        ref = nib.load(paths[0])
        assert img.shape == ref.shape and np.allclose(img.affine, ref.affine)
        masks[backend] = np.asarray(img.dataobj)
        assert set(np.unique(masks[backend]).tolist()) <= {0, 1, 2, 3}
    assert np.mean(masks["onnx"] == masks["torch"]) >= 0.999


def test_evaluate_reports_dice_per_case(trained, capsys):
    root, manifest, _ = trained
    assert (
        cli_main(
            [
                "evaluate",
                "--model",
                str(root / "out"),
                "--manifest",
                str(manifest),
                "--split",
                "VAL",
                "--out",
                str(root / "eval.json"),
            ]
        )
        == 0
    )
    result = json.loads((root / "eval.json").read_text())
    assert result["summary"]["n"] == 1 and 0 <= result["cases"][0]["dice"]["WT"] <= 1


def test_finetune_records_its_parent(trained):
    root, manifest, _ = trained
    code, events, err = run_cli(
        "train",
        "--manifest",
        str(manifest),
        "--out",
        str(root / "child"),
        "--config",
        "tiny",
        "--init-from",
        str(root / "out"),
        "--version",
        "0.0.2",
    )
    assert code == 0, err[-3000:]
    card = json.loads((root / "child" / "model-card.json").read_text())
    assert card["training"]["parent"]["version"] == "0.0.1"
    assert card["training"]["learningRate"] == 1e-3
    # fine-tuning samples more random patches unless told otherwise; the card records what was used
    assert card["training"]["config"]["fg_prob"] == 0.33
    # and takes the weights halfway back to the parent's (WiSE-FT)
    assert card["training"]["weightInterpolation"]["alpha"] == 0.5
    assert any("0.5 x parent" in e.get("message", "") for e in events)
    post = card["postprocessing"]
    assert post["dropComponentsAtMostMm3"] == 50.0 and "50 mm^3" in post["steps"][-1]


def test_fg_prob_flag_overrides_the_finetuning_default(trained):
    root, manifest, _ = trained
    code, _, err = run_cli(
        "train",
        "--manifest",
        str(manifest),
        "--out",
        str(root / "child2"),
        "--config",
        "tiny",
        "--init-from",
        str(root / "out"),
        "--fg-prob",
        "0.5",
        "--weight-alpha",
        "1",
        "--no-verify",
    )
    assert code == 0, err[-3000:]
    training = json.loads((root / "child2" / "model-card.json").read_text())["training"]
    assert training["config"]["fg_prob"] == 0.5 and training["weightInterpolation"]["alpha"] == 1.0


def test_a_bad_manifest_fails_with_an_error_event(tmp_path):
    bad = tmp_path / "m.json"
    bad.write_text(json.dumps({"cases": [{"caseId": "x", "images": {"T1N": "a.nii.gz"}}]}))
    code, events, _ = run_cli("train", "--manifest", str(bad), "--out", str(tmp_path / "o"), "--config", "tiny")
    assert code == 1 and events[-1]["type"] == "error" and "missing images" in events[-1]["message"]
