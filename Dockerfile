# vmlocks: the Slack bot, with the Ceph CLIs it drives (rbd, ceph) and the Python bindings of librados/librbd from
# Debian bookworm (Ceph 16.2 Pacific). Build and run: see the README's Docker section.
# Match ceph-common to your cluster's major version if it is much newer than Pacific (the CLI talks the
# cluster's protocol; Pacific clients work with Pacific..Reef clusters).
# Built and run in CI by scripts/container-smoke.sh (podman).

# --- build: compile TypeScript, then keep only the production dependencies ---
FROM node:22-bookworm AS build
# better-sqlite3 compiles from source when its prebuilt binary cannot be downloaded: use the image's Node headers
# (/usr/local/include/node) instead of downloading them; python3, make and g++ are in this image.
ENV npm_config_nodedir=/usr/local
WORKDIR /app
COPY package.json package-lock.json ./
# Behind a TLS-intercepting proxy only: its CA certificates as the build secret `extra-ca`
# (`--secret id=extra-ca,src=ca.pem`), mounted for this step alone and never stored in a layer.
RUN --mount=type=secret,id=extra-ca \
    if [ -s /run/secrets/extra-ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/extra-ca; fi \
 && npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# --- runtime ---
FROM node:22-bookworm-slim
LABEL org.opencontainers.image.title="vmlocks" \
      org.opencontainers.image.description="Slack ChatOps bot that diagnoses and safely clears stale Ceph RBD exclusive locks left by dead OpenStack compute nodes" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.base.name="node:22-bookworm-slim"
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      ceph-common python3-rados python3-rbd ca-certificates tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json manifest.yml ./
RUN mkdir -p /data && chown node:node /data
USER node
# /healthz, /readyz and /metrics on METRICS_PORT (9464), on every interface of the container so that probes and
# Prometheus reach them; /slack/events (http mode only) on PORT (3000). Outside a container METRICS_HOST defaults to
# 127.0.0.1.
ENV NODE_ENV=production \
    VMLOCKS_DB=/data/vmlocks.db \
    METRICS_HOST=0.0.0.0
VOLUME ["/data"]
EXPOSE 3000 9464
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
  CMD ["node", "-e", "const h=process.env.METRICS_HOST||'0.0.0.0';const a=h==='0.0.0.0'||h==='::'?'127.0.0.1':h.includes(':')?'['+h+']':h;fetch('http://'+a+':'+(process.env.METRICS_PORT||9464)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--", "node", "dist/cli.js"]
CMD ["serve"]
