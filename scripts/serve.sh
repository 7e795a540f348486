#!/usr/bin/env bash
# Serves the production build (`next build` first) with the in-process job worker on $PORT (default 3000): the last
# step of `npm run demo`, and the web server of the e2e suite, so the tests start the app exactly as the demo does.
# `next start` runs in production mode, where the built-in development secret is refused (lib/server/env.ts): without
# NEXTAUTH_SECRET, one is generated once per data folder and kept (sessions survive a restart).
set -euo pipefail
cd "$(dirname "$0")/.."
port="${PORT:-3000}"
if [ -z "${NEXTAUTH_SECRET:-}" ]; then
  secret_file="${NEXTAUTH_SECRET_FILE:-data/.nextauth-secret}"
  mkdir -p "$(dirname "$secret_file")"
  if [ ! -s "$secret_file" ]; then
    (umask 077 && node -e "process.stdout.write(require('node:crypto').randomBytes(32).toString('hex'))" > "$secret_file")
  fi
  NEXTAUTH_SECRET="$(cat "$secret_file")"
  export NEXTAUTH_SECRET
fi
export NEXTAUTH_URL="${NEXTAUTH_URL:-http://localhost:$port}"
exec npx next start -p "$port"
