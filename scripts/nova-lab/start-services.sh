# The start-up steps of scripts/nova-lab.sh (sourced; uses its variables and helpers). Each step is idempotent:
# one-time set-up is marked done in run/*.done, and launch starts only what is not running.

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
    ERL_EPMD_ADDRESS=127.0.0.1 ERL_EPMD_PORT=4369 HOME=$S/rabbit ERL_CRASH_DUMP=$S/log/erl_crash.dump
}
# An Erlang VM whose epmd stops before it starts `epmd -daemon` again by itself: a stop in the wrong order, or a
# rabbitmq killed late, leaves one listening on 4369, and an epmd of ours would then die at once. Adopt it.
start_epmd() {
  alive epmd && return 0
  local stray
  if port_open 4369 && stray=$(pgrep -x -o epmd); then
    write_pid epmd "$stray"
    log "adopted the epmd already listening on 127.0.0.1:4369 (pid $stray)"
    return 0
  fi
  launch epmd /usr/bin/epmd -address 127.0.0.1
}
start_rabbitmq() {
  rabbit_env
  [ -f "$S/rabbit/enabled_plugins" ] || echo '[].' >"$S/rabbit/enabled_plugins"
  start_epmd
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
