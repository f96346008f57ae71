#!/usr/bin/env bash
# A real PostgreSQL (Debian's `postgresql` package) for vmlocks' lab tests: a throwaway cluster on 127.0.0.1 with
# a non-default port, run as the `postgres` user (the tests run as root; PostgreSQL refuses to run as root).
# Role `vmlocks` (LOGIN, CREATEROLE) owns database `vmlocks`; trust authentication on 127.0.0.1 only.
#
# Usage: scripts/pg-lab.sh start|stop|status|wipe|env      (idempotent)
# Env:   PG_LAB_DIR   state dir (default ${VMLOCKS_LAB_DIR:-/tmp/vmlocks-lab}/pg)
#        PG_LAB_PORT  port (default 45432)
set -euo pipefail
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
D=$(realpath -m "${PG_LAB_DIR:-${VMLOCKS_LAB_DIR:-/tmp/vmlocks-lab}/pg}")
PORT=${PG_LAB_PORT:-45432}
DATA=$D/data
URL="postgres://vmlocks@127.0.0.1:$PORT/vmlocks"
die() { echo "pg-lab: $*" >&2; exit 1; }
log() { echo "[pg-lab] $*" >&2; }

bindir() {
  local b
  b=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$b" ] && [ -x "$b/postgres" ] || die "PostgreSQL is not installed: run scripts/install-lab-packages.sh (Debian package postgresql)"
  echo "$b"
}
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
is_up() { [ -d "$DATA" ] && as_pg "$(bindir)/pg_isready" -q -h 127.0.0.1 -p "$PORT" 2>/dev/null; }

start() {
  local b; b=$(bindir)
  if is_up; then log "up ($URL)"; return 0; fi
  id postgres >/dev/null 2>&1 || die "no postgres user: install the postgresql package"
  mkdir -p "$D"
  chown postgres:postgres "$D"
  if [ ! -f "$DATA/PG_VERSION" ]; then
    log "initdb in $DATA"
    as_pg "$b/initdb" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    # A throwaway cluster: no fsync (the tests measure behaviour, not durability); only 127.0.0.1.
    cat >> "$DATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$D'
fsync = off
full_page_writes = off
max_connections = 200
CONF
    printf 'local all all trust\nhost all all 127.0.0.1/32 trust\n' > "$DATA/pg_hba.conf"
  fi
  rm -f "$DATA/postmaster.pid.stale"
  as_pg "$b/pg_ctl" -D "$DATA" -l "$D/postgres.log" -w -t 60 start >/dev/null || { tail -n 30 "$D/postgres.log" >&2; die "did not start"; }
  as_pg "$b/psql" -q -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 <<'SQL' >/dev/null
SELECT 'CREATE ROLE vmlocks LOGIN CREATEROLE' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'vmlocks')\gexec
SELECT 'CREATE DATABASE vmlocks OWNER vmlocks' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'vmlocks')\gexec
SQL
  log "up ($URL)"
}

stop() {
  [ -f "$DATA/postmaster.pid" ] || { log "stopped"; return 0; }
  as_pg "$(bindir)/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >/dev/null || true
  log "stopped"
}

case "${1:-status}" in
  start) start ;;
  stop) stop ;;
  wipe) stop; rm -rf "$D" ;;
  status) if is_up; then echo "pg-lab: up ($URL)"; else echo "pg-lab: down"; exit 1; fi ;;
  env) echo "VMLOCKS_LAB_PG_URL=$URL" ;;
  *) echo "usage: $0 start|stop|status|wipe|env" >&2; exit 2 ;;
esac
