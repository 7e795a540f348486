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
# The DICOM keys (lib/server/dicom/privacy.ts) follow the same rule: generated once per data folder when unset, since
# production refuses the public development defaults. Losing them breaks pseudonym continuity (a study sent again is
# no longer recognised) and the encrypted DICOM references: keep the files with the database.
keep_secret() { # <variable> <file>
  if [ -z "${!1:-}" ]; then
    mkdir -p "$(dirname "$2")"
    if [ ! -s "$2" ]; then
      (umask 077 && node -e "process.stdout.write(require('node:crypto').randomBytes(32).toString('hex'))" > "$2")
    fi
    export "$1=$(cat "$2")"
  fi
}
keep_secret PSEUDONYM_KEY "${PSEUDONYM_KEY_FILE:-data/.pseudonym-key}"
keep_secret DICOM_REFS_KEY "${DICOM_REFS_KEY_FILE:-data/.dicom-refs-key}"
export NEXTAUTH_URL="${NEXTAUTH_URL:-http://localhost:$port}"
exec npx next start -p "$port"
