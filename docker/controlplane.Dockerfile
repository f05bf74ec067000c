# The fracta control plane (apps/controlplane), with git and the agent CLIs it runs (claude,
# codex and opencode at the pnpm catalog's versions, on PATH). Agents are its subprocesses in
# this container, working in directories under /workspace.
#
#   docker build -f docker/controlplane.Dockerfile -t fracta-controlplane .
#   docker build --build-arg BASE_IMAGE=fracta-local/node:24-<hash> ...   # no registry: docker/local-base
#
# versions → tools → pruner → builder → (agent-clis) → runner. Up to the deploy step the stages
# are the same, instruction for instruction, as in gateway.Dockerfile, so the two images share
# one builder in the layer cache (the pruned workspace is both apps'). The legacy builder has no
# cache mounts; the layers are ordered for its cache instead: pnpm fetch depends only on the
# pruned lockfile, the offline install only on the package.json files, the runner's apt and
# agent-CLI layers only on their versions, so a source change rebuilds from the build step on.
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
    --filter controlplane /prod/controlplane \
  && cd /prod/controlplane \
  && rm -rf src test dist/tsconfig.tsbuildinfo *.config.js tsconfig*.json \
  && find node_modules/.pnpm -type f ! -iname 'licen[cs]e*' \
    \( -name '*.d.ts' -o -name '*.d.[cm]ts' -o -name '*.map' -o -name '*.md' \) -delete

# npm, not pnpm: a flat node_modules whose .bin links stay valid when copied. The CLIs'
# postinstall scripts link the native binary for this CPU into place; opencode's other variant
# (baseline, for CPUs without AVX2) is then unused, and 180 MB.
FROM ${BASE_IMAGE} AS agent-clis
ENV npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
WORKDIR /opt/agent-clis
COPY --from=versions /versions/agent-clis/package.json ./
RUN npm install --omit=dev --no-package-lock \
  && for variant in node_modules/opencode-linux-*; do \
       [ "$variant/bin/opencode" -ef node_modules/opencode-ai/bin/opencode.exe ] || rm -rf "$variant"; \
     done \
  && ./node_modules/.bin/claude --version && ./node_modules/.bin/codex --version \
  && ./node_modules/.bin/opencode --version

FROM ${BASE_IMAGE} AS runner
# tini as PID 1: agents run in their own process groups, and what they leave behind is
# re-parented to PID 1, which must reap it (node does not); tini also forwards SIGTERM to node.
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini git ca-certificates openssh-client \
  && rm -rf /var/lib/apt/lists/* \
  && install -d -o node -g node /workspace /workspace/.fracta
COPY --from=agent-clis /opt/agent-clis /opt/agent-clis
COPY --from=builder /prod/controlplane /app
# The config is read from /workspace so that the project root (.fracta/, run records) is the
# writable workspace volume; compose mounts configs/controlplane.yaml there. .fracta/ is made
# above because the control plane writes its pid file there without creating the folder (a
# new named volume starts as a copy of the image's /workspace).
ENV NODE_ENV=production \
  PATH=/opt/agent-clis/node_modules/.bin:/opt/fracta/auth-helpers:$PATH \
  FRACTA_CONFIG=/workspace/fracta.yaml
WORKDIR /app
USER node
VOLUME ["/workspace"]
EXPOSE 9090
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:9090/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/main.js"]
