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
COMPUTE_IP=${NOVA_LAB_COMPUTE_IP:-127.0.0.1}
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
pidof_() { cat "$S/pids/$1.pid" 2>/dev/null; }
# running = exists and is not a zombie (orphans are reaped by PID 1, which may be slow in containers)
running() { local st; st=$(ps -o stat= -p "$1" 2>/dev/null) || return 1; [ -n "$st" ] && [ "${st#Z}" = "$st" ]; }
alive() { local p; p=$(pidof_ "$1") && [ -n "$p" ] && running "$p"; }
group_running() { local p; for p in $(ps -o pid= -s "$1" 2>/dev/null); do running "$p" && return 0; done; return 1; }
STARTED_ANY=0
launch() { # launch NAME CMD...: setsid (its pid is its process group), output to log/NAME.log
  local name=$1; shift
  if alive "$name"; then return 0; fi
  setsid "$@" >>"$S/log/$name.log" 2>&1 </dev/null &
  echo $! >"$S/pids/$name.pid"
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

# ---------------------------------------------------------------- commands
cmd_start() {
  mkdir -p "$S"/{etc/keystone,etc/placement,etc/glance,etc/nova,log,pids,run,keystone,glance/images,nova,rabbit,mysql}
  install_packages
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

install_packages() {
  [ "${NOVA_LAB_INSTALL:-1}" = 1 ] || return 0
  # The library packages only: the daemon packages' postinst scripts need debconf/dbconfig and
  # nova-compute pulls in qemu and libvirt (~820 packages).
  local p missing="" made_policy=0 i
  for p in python3-nova python3-keystone python3-placement python3-glance python3-keystoneclient rabbitmq-server \
           uwsgi-core uwsgi-plugin-python3 mariadb-server python3-pymysql curl; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
  done
  [ -z "$missing" ] && return 0
  log "installing:$missing"
  # without systemd, keep postinst scripts from starting a system rabbitmq/mariadb on our ports
  [ -e /usr/sbin/policy-rc.d ] || { printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; made_policy=1; }
  for i in 1 2 3 4 5 6 7 8 9 10; do
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      -o Dpkg::Options::=--force-confold $missing >&2 && break
    [ "$i" = 10 ] && { [ $made_policy = 0 ] || rm -f /usr/sbin/policy-rc.d; die "apt-get install failed"; }
    # first failure on a fresh machine: no (or stale) package lists; later ones: another apt holds the lock
    if [ "$i" = 1 ]; then apt-get update -q >&2 || true; else log "apt busy or failed, retrying in 20 s"; sleep 20; fi
  done
  [ $made_policy = 0 ] || rm -f /usr/sbin/policy-rc.d
}

rabbit_env() {
  export RABBITMQ_NODENAME=novalab@localhost RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT=5672 \
    RABBITMQ_DIST_PORT=25672 RABBITMQ_MNESIA_BASE=$S/rabbit/mnesia RABBITMQ_LOG_BASE=$S/rabbit/log \
    RABBITMQ_ENABLED_PLUGINS_FILE=$S/rabbit/enabled_plugins RABBITMQ_PID_FILE=$S/rabbit/rabbit.pid \
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}" \
    RABBITMQ_CTL_DIST_PORT_MIN=25673 RABBITMQ_CTL_DIST_PORT_MAX=25680 \
    ERL_EPMD_ADDRESS=127.0.0.1 ERL_EPMD_PORT=4369 HOME=$S/rabbit
}
start_rabbitmq() {
  rabbit_env
  [ -f "$S/rabbit/enabled_plugins" ] || echo '[].' >"$S/rabbit/enabled_plugins"
  launch epmd /usr/bin/epmd -address 127.0.0.1
  STARTED_ANY=0
  launch rabbitmq /usr/lib/rabbitmq/bin/rabbitmq-server
  # rabbitmqctl boots an Erlang VM (~2 s): when rabbit was already running, its open port is enough
  [ $STARTED_ANY = 0 ] && port_open 5672 && return 0
  waitfor rabbitmq 120 /usr/lib/rabbitmq/bin/rabbitmqctl -q await_startup --timeout 2
}

start_mariadb() {
  if [ ! -d "$S/mysql/data/mysql" ]; then
    log "mariadb-install-db"
    mariadb-install-db --no-defaults --datadir="$S/mysql/data" --user=root --skip-test-db >"$S/log/mariadb-install.log" 2>&1
  fi
  launch mariadb /usr/sbin/mariadbd --no-defaults --datadir="$S/mysql/data" --socket="$SOCK" --skip-networking \
    --user=root --pid-file="$S/mysql/mariadbd.pid" --log-error="$S/log/mariadb-server.log" \
    --innodb-buffer-pool-size=64M --performance-schema=OFF --skip-log-bin --max-connections=500 \
    --innodb-flush-log-at-trx-commit=0 --innodb-doublewrite=0 --character-set-server=utf8mb3
  waitfor mariadb 60 mariadb-admin --no-defaults -S "$SOCK" -u root ping
  once mariadb-users && return 0
  mariadb --no-defaults -S "$SOCK" -u root <<SQL
CREATE DATABASE IF NOT EXISTS keystone; CREATE DATABASE IF NOT EXISTS placement; CREATE DATABASE IF NOT EXISTS glance;
CREATE DATABASE IF NOT EXISTS nova_api; CREATE DATABASE IF NOT EXISTS nova_cell0; CREATE DATABASE IF NOT EXISTS nova_cell1;
CREATE USER IF NOT EXISTS 'lab'@'localhost' IDENTIFIED BY '$DB_PASS';
GRANT ALL PRIVILEGES ON *.* TO 'lab'@'localhost';
SQL
  done_ mariadb-users
}

uwsgi_app() { # uwsgi_app NAME PORT WSGI_FILE ENV
  launch "$1" uwsgi --plugin python3 --http-socket "127.0.0.1:$2" --wsgi-file "$3" --master --processes 1 --threads 4 \
    --die-on-term --lazy-apps --need-app --buffer-size 65535 --add-header 'Connection: close' --env "$4"
}

start_keystone() {
  local ksm="keystone-manage --config-file $S/etc/keystone/keystone.conf"
  if ! once keystone-db; then
    log "keystone db_sync/bootstrap"
    quietly $ksm db_sync
    quietly $ksm fernet_setup --keystone-user root --keystone-group root
    quietly $ksm credential_setup --keystone-user root --keystone-group root
    quietly $ksm bootstrap --bootstrap-password "$ADMIN_PASS" --bootstrap-admin-url $KS/v3/ --bootstrap-internal-url $KS/v3/ \
      --bootstrap-public-url $KS/v3/ --bootstrap-region-id RegionOne
    done_ keystone-db
  fi
  uwsgi_app keystone 5000 /usr/bin/keystone-wsgi-public "OS_KEYSTONE_CONFIG_FILES=$S/etc/keystone/keystone.conf"
  waitfor keystone 60 http_up $KS/v3
  once catalog && return 0
  log "registering services and endpoints"
  quietly "$PY" "$LIB/register-catalog.py" "$ADMIN_PASS"
  done_ catalog
}

start_placement_glance_neutron() {
  if ! once placement-db; then quietly placement-manage --config-file "$S/etc/placement/placement.conf" db sync; done_ placement-db; fi
  uwsgi_app placement 8778 /usr/bin/placement-api "OS_PLACEMENT_CONFIG_DIR=$S/etc/placement"
  if ! once glance-db; then quietly pymain glance.cmd.manage glance-manage --config-file "$S/etc/glance/glance-api.conf" db_sync; done_ glance-db; fi
  launch glance-api "$PY" "$LIB/pyrun.py" glance.cmd.api glance-api --config-file "$S/etc/glance/glance-api.conf"
  launch neutron-stub "$PY" "$LIB/neutron-stub.py"
}

start_nova() {
  if ! once nova-db; then
    log "nova api_db sync, cells v2, db sync"
    quietly pymain nova.cmd.manage nova-manage $(NC) api_db sync
    quietly pymain nova.cmd.manage nova-manage $(NC) cell_v2 map_cell0 --database_connection "$(dburl nova_cell0)"
    quietly pymain nova.cmd.manage nova-manage $(NC) cell_v2 create_cell --name cell1 --verbose
    quietly pymain nova.cmd.manage nova-manage $(NC) db sync
    done_ nova-db
  fi
  local since=$(( $(date +%s) - 1 )) h
  STARTED_ANY=0
  launch nova-conductor "$PY" "$LIB/pyrun.py" nova.cmd.conductor nova-conductor $(NC)
  launch nova-scheduler "$PY" "$LIB/pyrun.py" nova.cmd.scheduler nova-scheduler $(NC)
  launch nova-api "$PY" "$LIB/pyrun.py" nova.cmd.api nova-api $(NC)
  for h in $COMPUTE_HOSTS; do start_compute_process "$h"; done
  waitfor placement 60 http_up http://127.0.0.1:8778/
  waitfor glance 60 http_up http://127.0.0.1:9292/
  waitfor nova-api 90 http_up http://127.0.0.1:8774/
  waitfor "both hypervisors registered and mapped" 180 hypervisors_mapped
  if [ $STARTED_ANY = 1 ]; then
    # restarted services: wait for heartbeats from this start, not the records of the previous one
    waitfor "fresh heartbeats from every nova service" 120 services_fresh "$since" controller $COMPUTE_HOSTS
  else
    waitfor "every nova service up" 60 services_fresh 0 controller $COMPUTE_HOSTS
  fi
}
start_compute_process() {
  launch "nova-compute-$1" "$PY" "$LIB/pyrun.py" nova.cmd.compute nova-compute $(NC) --config-file "$S/etc/nova/$1.conf"
}

ensure_flavor_image() {
  once image && return 0
  admin_token
  nova_get /flavors/1 >/dev/null 2>&1 || curl -sf -H "X-Auth-Token: $TOKEN" -H 'Content-Type: application/json' \
    -d '{"flavor":{"name":"m1.tiny","id":"1","ram":512,"vcpus":1,"disk":1}}' "$NOVA/flavors" >/dev/null
  local g=http://127.0.0.1:9292/v2 img
  img=$(curl -sf -H "X-Auth-Token: $TOKEN" "$g/images?name=fake-image" | "$PY" -c 'import json,sys; i=json.load(sys.stdin)["images"]; print(i[0]["id"] if i else "")')
  if [ -z "$img" ]; then
    img=$(curl -sf -H "X-Auth-Token: $TOKEN" -H 'Content-Type: application/json' \
      -d '{"name":"fake-image","disk_format":"raw","container_format":"bare","visibility":"public"}' "$g/images" |
      "$PY" -c 'import json,sys; print(json.load(sys.stdin)["id"])')
    head -c 1048576 /dev/zero >"$S/glance/fake.img"
    curl -sf -X PUT -H "X-Auth-Token: $TOKEN" -H 'Content-Type: application/octet-stream' \
      --data-binary @"$S/glance/fake.img" "$g/images/$img/file" >/dev/null
  fi
  echo "$img" >"$S/run/image_id"
  done_ image
}

ensure_bot_identity() {
  once bot-identity && [ -s "$S/run/appcred.json" ] && return 0
  log "creating the vmlocks user, its role and its application credential"
  quietly "$PY" "$LIB/bot-identity.py" "$ADMIN_PASS" "$BOT_PASS" "$BOT_ROLE" "$S/run/appcred.json"
  done_ bot-identity
}

cmd_stop() {
  local f name pid names=""
  for f in "$S"/pids/*.pid; do
    [ -f "$f" ] || continue; name=$(basename "$f" .pid)
    if signal_group "$name" TERM; then names="$names $name"; fi
  done
  stop_wait TERM "$names"
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
