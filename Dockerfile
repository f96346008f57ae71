# vmlocks: the Slack bot, with the Ceph CLIs it drives (rbd, ceph) and the Python bindings of its read helper
# (python3-rados, python3-rbd: one long-lived librados connection) from Debian bookworm (Ceph 16.2 Pacific).
# Build: docker build -t vmlocks .
# Run:   docker run --env-file vmlocks.env -v /etc/ceph:/etc/ceph:ro -v vmlocks-data:/data vmlocks
# Match ceph-common to your cluster's major version if it is much newer than Pacific (the CLI talks the
# cluster's protocol; Pacific clients work with Pacific..Reef clusters).

FROM node:22-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
# better-sqlite3 builds from source (python3, make, g++ are in this image)
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:22-bookworm-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ceph-common python3-rados python3-rbd ca-certificates tini \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json manifest.yml ./
RUN mkdir -p /data && chown node:node /data
USER node
ENV NODE_ENV=production \
    VMLOCKS_DB=/data/vmlocks.db \
    PORT=3000
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["/usr/bin/tini", "--", "node", "dist/cli.js"]
CMD ["serve"]
