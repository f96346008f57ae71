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

# The Docker image builds in the background while the labs start and the lab tests run (seconds when podman's
# layer cache is warm; the first build on a machine compiles better-sqlite3 in the image). Its own process group,
# so that an early exit stops it.
container_pid=""
if [ "${VMLOCKS_SKIP_CONTAINER:-}" != 1 ]; then
  phase "building the container image in the background (log: .lab/container-build.log)"
  setsid bash scripts/container-smoke.sh build > .lab/container-build.log 2>&1 & container_pid=$!
  trap '[ -n "$container_pid" ] && kill -- -"$container_pid" 2>/dev/null || true' EXIT
fi

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

phase "container smoke test (scripts/container-smoke.sh: the image with podman, against the labs)"
if [ -n "$container_pid" ]; then
  if ! wait "$container_pid"; then
    container_pid=""
    tail -n 80 .lab/container-build.log >&2
    echo "The container image did not build; see .lab/container-build.log" >&2
    exit 1
  fi
  container_pid=""
  grep '^== \[container' .lab/container-build.log >&2 || true
  bash scripts/container-smoke.sh check
else
  bash scripts/container-smoke.sh   # prints the skip notice (refused when CI=true)
fi
phase "all green"
