#!/usr/bin/env bash
# Every test suite, in order; exits non-zero on the first failure. The README's second command (`npm test`).
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "Installing npm packages (if needed)"
[ -d node_modules ] || npm ci --no-audit --no-fund
step "Python environment for training/ (if needed)"
bash scripts/python-env.sh
bash scripts/mlflow-env.sh # a separate venv with the pinned MLflow server for tests/mlflow

step "Lint (ESLint)"
npx eslint . --max-warnings=0
step "Formatting (Prettier for TypeScript/JSON/CSS, ruff for training/)"
npm run --silent format:check

step "Type check (tsc --noEmit, against the SQLite client)"
DATABASE_URL=file:./data/tumorwatch.db npm run --silent db:generate >/dev/null
npx tsc --noEmit

step "Schemas and migrations agree (SQLite always, PostgreSQL when it answers)"
npm run --silent db:check

step "Unit and integration tests on SQLite (Vitest)"
npx vitest run

# pytest (Python, one core) runs beside the PostgreSQL run (Vitest, one file at a time): two single-threaded suites on
# a 2-core machine, with nothing shared between them, take the time of the longer one instead of their sum.
step "Trainer tests (pytest), in the background while the PostgreSQL run goes"
mkdir -p data
(cd training && ../.venv/bin/python -m pytest -q) >data/pytest.log 2>&1 &
pytest_pid=$!

if node -e "require('net').connect(5432,'127.0.0.1').on('connect',()=>process.exit(0)).on('error',()=>process.exit(1))"; then
  step "Integration tests on PostgreSQL 127.0.0.1:5432 (Vitest)"
  DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres npm run --silent db:generate >/dev/null
  trap 'DATABASE_URL=file:./data/tumorwatch.db npm run --silent db:generate >/dev/null' EXIT
  # Converting and calibrating foreign models is Python and ONNX work whose database writes are the registry's own,
  # which the other registry files cover on PostgreSQL: those three files (100 s here) run on SQLite only.
  TEST_LABEL=postgres npx vitest run tests/db tests/integration tests/jobs tests/labels tests/datasets tests/evaluation tests/registry tests/drift \
    --exclude tests/registry/import-nnunet.test.ts --exclude tests/registry/import-ensemble.test.ts --exclude tests/registry/calibrate.test.ts
  DATABASE_URL=file:./data/tumorwatch.db npm run --silent db:generate >/dev/null
  trap - EXIT
else
  echo "NOTICE: no PostgreSQL server answers on 127.0.0.1:5432; the PostgreSQL integration run is skipped."
fi

step "Trainer tests (pytest): the background run's result"
pytest_ok=0
wait "$pytest_pid" || pytest_ok=$?
cat data/pytest.log
[ "$pytest_ok" = 0 ] || { echo "pytest failed (exit $pytest_ok)"; exit "$pytest_ok"; }

step "Production build (next build)"
npx next build

step "Closed-loop scenario, CI size: ingestion -> drift -> review -> trigger -> fine-tuning -> evaluation gate -> shadow/canary/promotion"
# Every stage must complete and the retrained candidate must end up serving production (the run is deterministic:
# first-come reading room, hashed hold-out split, seeded trainer on a fixed thread count).
npm run --silent scenario -- --small --out data/scenario/ci-small.json

step "End-to-end tests (Playwright, /usr/bin/chromium)"
npx playwright test

step "All test suites passed"
