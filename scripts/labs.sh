#!/usr/bin/env bash
# Start or stop the test labs (real Ceph, real Nova, real PostgreSQL) on 127.0.0.1. Idempotent.
# Usage: scripts/labs.sh up|down|status|wipe   (wipe: stop, then delete the state; the next up starts cold)
# State lives in ${VMLOCKS_LAB_DIR:-/tmp/vmlocks-lab}/{ceph,nova} (outside the clone, so that several
# clones on one machine share one lab instead of fighting for its fixed ports).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
case "${1:-up}" in
  up)
    "$here/install-lab-packages.sh"
    # Ceph is quick (~3 s); Nova takes ~50 s cold. Start both at once.
    "$here/ceph-lab.sh" start >&2 & ceph_pid=$!
    "$here/nova-lab.sh" start >&2 & nova_pid=$!
    "$here/pg-lab.sh" start >&2 & pg_pid=$!
    rc=0
    wait "$pg_pid" || { echo "labs: the PostgreSQL lab failed to start (see above)" >&2; rc=1; }
    wait "$ceph_pid" || { echo "labs: the Ceph lab failed to start (see above)" >&2; rc=1; }
    wait "$nova_pid" || { echo "labs: the Nova lab failed to start (see above)" >&2; rc=1; }
    exit $rc ;;
  down)
    "$here/ceph-lab.sh" stop >&2 || true
    "$here/nova-lab.sh" stop >&2 || true
    "$here/pg-lab.sh" stop >&2 || true ;;
  wipe)
    "$here/ceph-lab.sh" wipe >&2 || true
    "$here/nova-lab.sh" wipe >&2 || true
    "$here/pg-lab.sh" wipe >&2 || true ;;
  status)
    "$here/ceph-lab.sh" status; "$here/nova-lab.sh" status; "$here/pg-lab.sh" status ;;
  *) echo "usage: $0 up|down|status|wipe" >&2; exit 2 ;;
esac
