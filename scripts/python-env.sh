#!/usr/bin/env bash
# Creates .venv with the trainer's pinned requirements (torch first: the CPU build on these machines).
# Skips the install when requirements.txt has not changed since the last successful one.
set -euo pipefail
cd "$(dirname "$0")/.."
req=training/requirements.txt
stamp=.venv/.requirements.sha256
want=$(sha256sum "$req" | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then echo "python env up to date (.venv)"; exit 0; fi
python3 -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q torch==2.13.0
.venv/bin/pip install -q -r "$req"
echo "$want" > "$stamp"
echo "python env ready (.venv)"
