# syntax=docker/dockerfile:1
# RouteIQ Gateway image.
#
# glibc on purpose: uWebSockets.js and onnxruntime-node ship native
# binaries built against glibc only, so Alpine (musl) cannot load them.
#
#   docker build -t routeiq-gateway .
#   docker run -p 4000:4000 -e ROUTEIQ_MASTER_KEY=sk-... routeiq-gateway
#
# Off loopback the gateway refuses to start without a master key.

ARG NODE_IMAGE=node:20-bookworm-slim

# --- base: toolchain for native addons ------------------------------------
# better-sqlite3 compiles with node-gyp when no prebuilt binary matches;
# `.npmrc` sets onnxruntime-node-install=skip (CPU binaries are bundled).
FROM ${NODE_IMAGE} AS base
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json .npmrc ./

# --- deps: production node_modules only -----------------------------------
FROM base AS deps
RUN npm ci --omit=dev && npm cache clean --force

# --- build: full install (tsc is a dev dependency), compile to dist/ -------
FROM base AS build
RUN npm ci
COPY . .
# models/ and config/ may be empty in a checkout; create them so the
# runtime stage's COPY never depends on what git happens to track.
RUN npm run build && mkdir -p dist/workers models config

# --- runtime ----------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
# The gateway binds 127.0.0.1 unless told otherwise; in a container it
# must listen on all interfaces (and then requires a master key).
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000
WORKDIR /app

# A fixed numeric uid lets Kubernetes verify runAsNonRoot; the chart's
# securityContext uses the same ids.
RUN groupadd --system --gid 10001 routeiq \
 && useradd --system --uid 10001 --gid routeiq --home-dir /app \
      --shell /usr/sbin/nologin routeiq \
 && mkdir -p /app/data \
 && chown routeiq:routeiq /app/data

# Code stays root-owned and read-only to the gateway; only data/ is its.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist/src ./dist/src
COPY --from=build /app/dist/workers ./dist/workers
COPY --from=build /app/models ./models
COPY --from=build /app/config ./config
COPY package.json ./

USER 10001:10001
EXPOSE 4000

# No curl in the slim image: Node's own fetch probes liveness.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/health/liveliness',{signal:AbortSignal.timeout(2000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

# The gateway handles SIGTERM itself: readiness fails, streams drain up
# to routeiq_settings.drain_timeout_ms, then it exits 0.
STOPSIGNAL SIGTERM
CMD ["node", "dist/src/main.js", "--config", "/app/config/gateway.yaml"]
