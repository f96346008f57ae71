#!/usr/bin/env bash
# The whole test suite, from a fresh clone (Debian bookworm, root): installs what it needs (npm packages, the
# labs' Debian packages), starts the real Ceph and Nova labs, type-checks, lints, runs every test.
# `npm test` runs this; so does CI (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
t0=$(date +%s)
phase() { echo "== [test +$(( $(date +%s) - t0 ))s] $*" >&2; }
mkdir -p .lab

# Lab packages and lab start-up run in the background while npm installs and the code is checked.
phase "starting the labs in the background (log: .lab/labs-up.log)"
bash scripts/labs.sh up > .lab/labs-up.log 2>&1 & labs_pid=$!

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  phase "npm ci"; npm ci --no-audit --no-fund
fi
phase "build";     npm run --silent build
phase "typecheck"; npm run --silent typecheck
phase "lint";      npm run --silent lint
phase "unit tests"; npx vitest run --project unit

phase "waiting for the labs"
if ! wait "$labs_pid"; then
  # The lab state lives outside the clone and may come from another run (or a machine restored from a
  # snapshot). Show why it failed, then start once more from nothing: a cold start takes about 70 s.
  tail -n 60 .lab/labs-up.log >&2
  phase "the labs did not start from their existing state: wiping it and starting them cold"
  bash scripts/labs.sh wipe > .lab/labs-wipe.log 2>&1 || true
  if ! bash scripts/labs.sh up > .lab/labs-up.log 2>&1; then
    tail -n 60 .lab/labs-up.log >&2
    echo "The labs did not start, even from a wiped state; see .lab/labs-up.log" >&2
    exit 1
  fi
fi
phase "lab tests (real Ceph, real Nova)"; npx vitest run --project lab
phase "all green"
