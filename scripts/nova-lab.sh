#!/usr/bin/env bash
# A real Nova API on 127.0.0.1 for vmlocks' integration tests, from Debian bookworm's OpenStack Zed packages:
# keystone 22 + placement 8 + glance 25 + nova 26 (api, conductor, scheduler, two fake-driver computes
# compute-1/compute-2) + a private RabbitMQ and MariaDB + a tiny neutron stand-in. No systemd needed.
#
# Usage: scripts/nova-lab.sh start | stop | status | wipe | env [CLOUD] | stop-compute HOST | start-compute HOST
#   start          idempotent: sets up once per state dir, then starts only what is not running
#                  (a compute stopped with stop-compute is started again)
#   stop           stops the processes named in the pid files (by process group), keeps the state
#   status         one line per service; exit 0 when all run, 1 otherwise
#   wipe           stop, then delete the state dir
#   env [CLOUD]    prints `export OS_CLIENT_CONFIG_FILE=... OS_CLOUD=...` (CLOUD: nova-lab-vmlocks by default)
#   stop-compute HOST   SIGKILLs HOST's nova-compute (a power loss: no goodbye to Nova)
#   start-compute HOST  starts it again and waits until Nova has its fresh heartbeat
# State: ${NOVA_LAB_DIR:-${VMLOCKS_LAB_DIR:-/tmp/vmlocks-lab}/nova} (clouds.yaml, logs, pids, databases).
# Fixed loopback ports: keystone 5000, nova 8774, placement 8778, glance 9292, neutron stand-in 9696,
# rabbit 5672 (+ erlang 25672, epmd 4369). MariaDB listens on a unix socket only.
# Facts behind the choices (measured on bookworm, see docs/openstack-policy.md for the bot's policy):
# - SQLite made nova-conductor fail with "database is locked" under concurrent boots: MariaDB it is.
# - uwsgi --http-socket does no keep-alive; keystoneauth's reused connections died (RemoteDisconnected)
#   and took a nova-compute down at start: every uwsgi answer says `Connection: close`.
# - nova-api calls neutron for every server view (security groups) and on reboot: a stand-in answers
#   every GET with an empty list.
# - After a restart the scheduler still sees the old heartbeats ("No valid host"): wait for fresh ones.
set -euo pipefail
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin   # no pyenv shim: nova is in /usr/bin/python3
PY=/usr/bin/python3
LIB=$(cd "$(dirname "$0")" && pwd)/nova-lab   # helper programs and config writers
S=${NOVA_LAB_DIR:-${VMLOCKS_LAB_DIR:-/tmp/vmlocks-lab}/nova}
ADMIN_PASS=${NOVA_LAB_ADMIN_PASSWORD:-nova-lab-admin}
BOT_PASS=${NOVA_LAB_BOT_PASSWORD:-nova-lab-vmlocks}
BOT_ROLE=vmlocks-operator
COMPUTE_HOSTS="compute-1 compute-2"
# Each compute's my_ip (Nova's host_ip). The lab's Ceph clients (the tests' librbd writers) all come from
# 127.0.0.1, compute-1's IP: a writer "runs on compute-1", and a lock of one on a server of compute-2 is an
# evacuated server's lock (core/owner-host.ts).
compute_ip() { case $1 in compute-2) echo "${NOVA_LAB_COMPUTE2_IP:-127.0.0.2}" ;; *) echo "${NOVA_LAB_COMPUTE_IP:-127.0.0.1}" ;; esac; }
DB_PASS=nova-lab-db
SOCK=$S/mysql/mysqld.sock
KS=http://127.0.0.1:5000
NOVA=http://127.0.0.1:8774/v2.1
T0=$(date +%s)
log() { echo "[nova-lab +$(( $(date +%s) - T0 ))s] $*" >&2; }
die() { echo "nova-lab: $*" >&2; exit 1; }
dburl() { echo "mysql+pymysql://lab:$DB_PASS@localhost/$1?unix_socket=$SOCK&charset=utf8"; }
# Services in start order; nova-compute-HOST for each host.
SERVICES="epmd rabbitmq mariadb keystone placement glance-api neutron-stub nova-conductor nova-scheduler nova-api"
for h in $COMPUTE_HOSTS; do SERVICES="$SERVICES nova-compute-$h"; done

# ---------------------------------------------------------------- process helpers
# A pid file holds "PID STARTTIME" (field 22 of /proc/PID/stat, in clock ticks since boot): after a reboot or a
# machine restored from a snapshot, a pid file from the previous boot may name a recycled pid, or nothing at all.
pidof_() { local l; l=$(cat "$S/pids/$1.pid" 2>/dev/null) || return 1; echo "${l%% *}"; }
starttime() { local s; s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1; s=${s##*) }; set -- $s; echo "${20}"; }
write_pid() { echo "$2 $(starttime "$2")" >"$S/pids/$1.pid"; }
# running = exists and is not a zombie (orphans are reaped by PID 1, which may be slow in containers)
running() { local st; st=$(ps -o stat= -p "$1" 2>/dev/null) || return 1; [ -n "$st" ] && [ "${st#Z}" = "$st" ]; }
alive() {
  local l p; l=$(cat "$S/pids/$1.pid" 2>/dev/null) || return 1; p=${l%% *}
  [ -n "$p" ] && [ "$l" != "$p" ] && running "$p" && [ "${l#* }" = "$(starttime "$p")" ]
}
# forget_stale: drop the pid files whose process is gone, so that waitfor does not report a service of a
# previous boot as "died" before this start has even launched it
forget_stale() { local f; for f in "$S"/pids/*.pid; do [ -f "$f" ] || continue; alive "$(basename "$f" .pid)" || rm -f "$f"; done; }
group_running() { local p; for p in $(ps -o pid= -s "$1" 2>/dev/null); do running "$p" && return 0; done; return 1; }
STARTED_ANY=0
launch() { # launch NAME CMD...: setsid (its pid is its process group), output to log/NAME.log
  local name=$1; shift
  if alive "$name"; then return 0; fi
  setsid "$@" >>"$S/log/$name.log" 2>&1 </dev/null &
  write_pid "$name" $!
  STARTED_ANY=1
  log "started $name (pid $!)"
}
# signal_group NAME SIG: only if the pid is still the session leader we started (not a recycled pid)
signal_group() {
  local p; p=$(pidof_ "$1") || return 1
  running "$p" && [ "$(ps -o sid= -p "$p" | tr -d ' ')" = "$p" ] || return 1
  kill "-$2" -- "-$p" 2>/dev/null
}
waitfor() { # waitfor DESC SECONDS CMD...: fails fast when a started service died
  local desc=$1 deadline=$(( $(date +%s) + $2 )) f n; shift 2
  while [ "$(date +%s)" -lt "$deadline" ]; do
    "$@" >/dev/null 2>&1 && return 0
    for f in "$S"/pids/*.pid; do
      [ -f "$f" ] || continue; n=$(basename "$f" .pid)
      alive "$n" || { echo "nova-lab: $n died; last log lines:" >&2; tail -n 30 "$S/log/$n.log" >&2; exit 1; }
    done
    sleep 0.5
  done
  die "timed out after ${2}s waiting for $desc (logs: $S/log/)"
}
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
http_up() { curl -s -o /dev/null --max-time 2 "$1"; }
pymain() { "$PY" "$LIB/pyrun.py" "$@"; }   # pymain MODULE ARGV0 ARGS...: the packages ship no console scripts
# one-time set-up commands are chatty: their output goes to log/setup.log, shown only when they fail
quietly() { "$@" >>"$S/log/setup.log" 2>&1 || { tail -n 30 "$S/log/setup.log" >&2; die "failed: $*"; }; }
once() { [ -f "$S/run/$1.done" ]; }
done_() { touch "$S/run/$1.done"; }
NC() { echo "--config-file $S/etc/nova/nova.conf"; }

# ---------------------------------------------------------------- Nova API helpers (admin token)
TOKEN=
admin_token() {
  [ -n "$TOKEN" ] && return 0
  TOKEN=$(curl -s -i --max-time 10 -H 'Content-Type: application/json' -d "{\"auth\":{\"identity\":{\"methods\":[\"password\"],\"password\":{\"user\":{\"name\":\"admin\",\"domain\":{\"name\":\"Default\"},\"password\":\"$ADMIN_PASS\"}}},\"scope\":{\"project\":{\"name\":\"admin\",\"domain\":{\"name\":\"Default\"}}}}}" \
    "$KS/v3/auth/tokens" | awk 'tolower($1)=="x-subject-token:"{print $2}' | tr -d '\r')
  [ -n "$TOKEN" ] || die "could not get an admin token from $KS"
}
nova_get() { admin_token; curl -sf --max-time 10 -H "X-Auth-Token: $TOKEN" "$NOVA$1"; }
# services_fresh SINCE HOST...: every listed host's nova services heartbeated at or after SINCE (epoch s)
services_fresh() {
  local since=$1; shift
  nova_get /os-services | "$PY" -c '
import json, sys, datetime
since = datetime.datetime.utcfromtimestamp(int(sys.argv[1]))
want = set(sys.argv[2:])
svcs = [s for s in json.load(sys.stdin)["services"] if s["host"] in want]
# a forced-down service still heartbeats but reports "down": its fresh heartbeat is enough
def fresh(s):
    return bool(s["updated_at"]) and datetime.datetime.fromisoformat(s["updated_at"].split(".")[0]) >= since \
        and (s["state"] == "up" or s.get("forced_down", False))
sys.exit(0 if svcs and all(fresh(s) for s in svcs) and {s["host"] for s in svcs} == want else 1)' "$since" "$@"
}
hypervisor_count() { nova_get /os-hypervisors | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)["hypervisors"]))'; }
hypervisors_mapped() {
  [ "$(hypervisor_count)" = 2 ] && return 0
  pymain nova.cmd.manage nova-manage $(NC) cell_v2 discover_hosts >/dev/null 2>&1 || true
  [ "$(hypervisor_count)" = 2 ]
}

# shellcheck source=nova-lab/configs.sh
. "$LIB/configs.sh"
# shellcheck source=nova-lab/start-services.sh
. "$LIB/start-services.sh"

# ---------------------------------------------------------------- commands
cmd_start() {
  mkdir -p "$S"/{etc/keystone,etc/placement,etc/glance,etc/nova,log,pids,run,keystone,glance/images,nova,rabbit,mysql}
  install_packages
  forget_stale
  write_configs
  start_rabbitmq
  start_mariadb
  start_keystone
  start_placement_glance_neutron
  start_nova
  ensure_flavor_image
  ensure_bot_identity
  write_clouds_yaml
  log "READY: keystone $KS/v3, nova $NOVA; clouds: $S/clouds.yaml (nova-lab-admin, nova-lab-vmlocks, nova-lab-vmlocks-appcred)"
}

cmd_stop() {
  local f name pid names=""
  for f in "$S"/pids/*.pid; do
    [ -f "$f" ] || continue; name=$(basename "$f" .pid)
    [ "$name" = epmd ] && continue # last: rabbitmq's Erlang VM would start another epmd -daemon
    if signal_group "$name" TERM; then names="$names $name"; fi
  done
  stop_wait TERM "$names"
  if [ -f "$S/pids/epmd.pid" ]; then
    names=""; signal_group epmd TERM && names=epmd
    stop_wait TERM "$names"
  fi
  rm -f "$S"/pids/*.pid
}
# stop_wait SIG NAMES: wait up to 8 s for the groups to exit, then SIGKILL what is left
stop_wait() {
  local names=$2 i left name pid
  for i in $(seq 1 32); do
    left=0; for name in $names; do pid=$(pidof_ "$name") && group_running "$pid" && left=1; done
    [ $left = 0 ] && break; sleep 0.25
  done
  for name in $names; do
    pid=$(pidof_ "$name") || continue
    if group_running "$pid"; then kill -KILL -- "-$pid" 2>/dev/null || true; echo "killed $name ($pid)" >&2
    else echo "stopped $name ($pid)" >&2; fi
  done
}

cmd_status() {
  local name rc=0
  for name in $SERVICES; do
    if alive "$name"; then printf 'nova-lab %-22s running (pid %s)\n' "$name" "$(pidof_ "$name")"
    else printf 'nova-lab %-22s stopped\n' "$name"; rc=1; fi
  done
  if [ $rc = 0 ]; then echo "nova-lab: up; clouds.yaml: $S/clouds.yaml"; else echo "nova-lab: not (fully) running; state dir $S"; fi
  return $rc
}

cmd_wipe() { cmd_stop; rm -rf "$S"; echo "wiped $S" >&2; }

cmd_env() {
  local cloud=${1:-nova-lab-vmlocks}
  [ -f "$S/clouds.yaml" ] || die "no $S/clouds.yaml: run scripts/nova-lab.sh start"
  printf 'export OS_CLIENT_CONFIG_FILE=%q\nexport OS_CLOUD=%q\n' "$S/clouds.yaml" "$cloud"
}

check_host() { case " $COMPUTE_HOSTS " in *" $1 "*) ;; *) die "unknown compute host '$1' (one of: $COMPUTE_HOSTS)";; esac; }
cmd_stop_compute() {
  check_host "${1:-}"
  local name="nova-compute-$1" pid
  pid=$(pidof_ "$name") || { echo "$name is not running" >&2; return 0; }
  # SIGKILL: the compute vanishes as in a power loss (no graceful shutdown); Nova notices the missing
  # heartbeats after service_down_time (20 s here).
  signal_group "$name" KILL || true
  stop_wait KILL "$name"
  rm -f "$S/pids/$name.pid"
}
cmd_start_compute() {
  check_host "${1:-}"
  alive rabbitmq && alive nova-conductor && alive nova-api || die "the lab is not running: run scripts/nova-lab.sh start"
  if alive "nova-compute-$1"; then
    waitfor "$1 up in Nova" 60 services_fresh 0 "$1"
  else
    local since=$(( $(date +%s) - 1 ))
    start_compute_process "$1"
    waitfor "a fresh heartbeat from $1" 90 services_fresh "$since" "$1"
  fi
  log "$1 is up"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  wipe) cmd_wipe ;;
  env) cmd_env "${2:-}" ;;
  stop-compute) cmd_stop_compute "${2:-}" ;;
  start-compute) cmd_start_compute "${2:-}" ;;
  *) echo "usage: $0 start|stop|status|wipe|env [CLOUD]|stop-compute HOST|start-compute HOST" >&2; exit 2 ;;
esac
