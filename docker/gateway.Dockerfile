# The fracta agent MCP gateway (apps/gateway). It reaches state only through the control plane
# (CONTROL_PLANE_URL, CONTROL_PLANE_TOKEN) and reads its config from FRACTA_CONFIG.
#
#   docker build -f docker/gateway.Dockerfile -t fracta-gateway .
#   docker build --build-arg BASE_IMAGE=fracta-local/node:24-<hash> ...   # no registry: docker/local-base
#
# The same stages as controlplane.Dockerfile up to the deploy step (one shared builder in the
# layer cache; see there), then a runner without agent CLIs or git.
ARG BASE_IMAGE=node:24-bookworm-slim

# The versions the image pins, read from the repo (packageManager, the pnpm catalog).
FROM ${BASE_IMAGE} AS versions
WORKDIR /src
COPY package.json pnpm-workspace.yaml docker/pinned-versions.mjs ./
RUN node pinned-versions.mjs /versions

FROM ${BASE_IMAGE} AS tools
ENV npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false \
  TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
COPY --from=versions /versions/build-tools.txt /tmp/build-tools.txt
RUN npm install -g $(cat /tmp/build-tools.txt) && pnpm --version && turbo --version

FROM tools AS pruner
WORKDIR /src
COPY . .
RUN turbo prune controlplane gateway --docker --out-dir /out

# Build tools live in this stage only. better-sqlite3 ships prebuilt binaries for linux x64 and
# arm64 (glibc and musl) in its package; a native addon without one for this platform compiles
# here against the base image's Node headers (npm_config_nodedir: nothing is downloaded).
FROM tools AS builder
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
ENV CI=true npm_config_nodedir=/usr/local
WORKDIR /app
COPY --from=pruner /out/pnpm-lock.yaml /out/pnpm-workspace.yaml ./
RUN pnpm fetch
COPY --from=pruner /out/json/ ./
RUN pnpm install --offline --frozen-lockfile
COPY --from=pruner /out/full/ ./
# tsc -b builds each app and the workspace packages it references (not its test-only ones).
RUN pnpm --filter controlplane --filter gateway run build
# pnpm 10 deploys from the lockfile only with injected workspace packages (else --legacy, which
# re-resolves from the registry); the option applies to this command alone, so the lockfile and
# the install above are unchanged. Typings, source maps and docs are never loaded at run time
# and are half the files (licences stay).
RUN pnpm deploy --prod --offline --config.inject-workspace-packages=true --reporter=append-only \
    --filter gateway /prod/gateway \
  && cd /prod/gateway \
  && rm -rf src test dist/tsconfig.tsbuildinfo *.config.js tsconfig*.json \
  && find node_modules/.pnpm -type f ! -iname 'licen[cs]e*' \
    \( -name '*.d.ts' -o -name '*.d.[cm]ts' -o -name '*.map' -o -name '*.md' \) -delete

FROM ${BASE_IMAGE} AS runner
# tini as PID 1: stdio MCP backends are the gateway's children; tini reaps what they leave
# behind and forwards SIGTERM to node.
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini ca-certificates \
  && rm -rf /var/lib/apt/lists/*
COPY --from=builder /prod/gateway /app
ENV NODE_ENV=production \
  PATH=/opt/fracta/auth-helpers:$PATH \
  FRACTA_CONFIG=/etc/fracta/gateway.yaml
WORKDIR /app
USER node
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/main.js"]
