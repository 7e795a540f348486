#!/usr/bin/env bash
# The README's first command (`npm run demo`): install, create and seed the SQLite database, build, and serve the
# app with its in-process worker at http://localhost:3000. Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
export DATABASE_URL="${DATABASE_URL:-file:./data/tumorwatch.db}"
step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "Installing npm packages"
[ -d node_modules ] || npm ci --no-audit --no-fund
step "Python environment for the local training runner"
bash scripts/python-env.sh
step "Database ($DATABASE_URL): generate client, migrate, seed demo data"
npm run --silent db:generate
npm run --silent db:migrate
npm run --silent db:seed
step "Building the app"
npx next build
step "Serving TumorWatch at http://localhost:${PORT:-3000} (sign in with a demo account above)"
exec bash scripts/serve.sh
