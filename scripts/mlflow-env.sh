#!/usr/bin/env bash
# Creates .venv-mlflow with a pinned MLflow server for the mirror tests (tests/mlflow). It is a venv of its own:
# MLflow's dependencies would fight the trainer's torch/nnU-Net pins in .venv.
# Skips the install when the pin below has not changed since the last successful one.
set -euo pipefail
cd "$(dirname "$0")/.."
pin="mlflow==3.18.0"
stamp=.venv-mlflow/.requirements.sha256
want=$(printf '%s\n' "$pin" | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then echo "mlflow env up to date (.venv-mlflow)"; exit 0; fi
python3 -m venv .venv-mlflow
.venv-mlflow/bin/pip install -q --upgrade pip
.venv-mlflow/bin/pip install -q "$pin"
echo "$want" > "$stamp"
echo "mlflow env ready (.venv-mlflow)"
