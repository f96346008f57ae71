#!/usr/bin/env bash
# Installs the Debian packages of both labs in ONE apt-get run (two concurrent apt-get runs would fight over the
# dpkg lock). No-op when everything is installed. Debian bookworm, root. The lab scripts check again on their own.
set -euo pipefail
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
CEPH_PKGS="ceph-mon ceph-osd ceph-common python3-rbd python3-rados"
NOVA_PKGS="python3-nova python3-keystone python3-placement python3-glance python3-openstackclient rabbitmq-server uwsgi-core uwsgi-plugin-python3 sqlite3 curl mariadb-server python3-pymysql"
PG_PKGS="postgresql"
missing=""
for p in $CEPH_PKGS $NOVA_PKGS $PG_PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
[ "$(id -u)" = 0 ] || { echo "install-lab-packages: missing packages:$missing (run as root, or install them)" >&2; exit 1; }
echo "install-lab-packages: installing:$missing" >&2
t0=$(date +%s)
# No systemd here: keep postinst scripts from starting daemons (the labs start their own, on 127.0.0.1).
made_policy=0
[ -e /usr/sbin/policy-rc.d ] || { printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d; made_policy=1; }
ok=0
for i in 1 2 3 4 5 6; do
  if DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends -o Dpkg::Options::=--force-confold $missing >&2; then ok=1; break; fi
  # first failure on a fresh machine: no package lists yet; later ones: the dpkg lock is held by someone else
  if [ "$i" = 1 ]; then apt-get update -q >&2 || true; else sleep 10; fi
done
[ $made_policy = 1 ] && rm -f /usr/sbin/policy-rc.d
[ $ok = 1 ] || { echo "install-lab-packages: apt-get install$missing failed" >&2; exit 1; }
echo "install-lab-packages: done in $(( $(date +%s) - t0 )) s" >&2
