#!/usr/bin/env bash
# README's first command: sets up Node 24 and pnpm, installs, builds, then runs the main job on
# the embedded default (local mode: SQLite, in-process queue, agents in git worktrees): it
# scaffolds a demo repository, starts its local control plane, runs one agent that commits a
# change, merges it, and leaves the control plane running with the next commands to try.
# FRACTA_DEMO_DIR picks the demo repository (default: .tools/demo-project in this checkout).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root="$(pwd)"
# shellcheck source=toolchain.sh
source scripts/toolchain.sh
echo "==> install and build (Node $(node --version), pnpm $(pnpm --version))"
pnpm install --frozen-lockfile --reporter=silent
pnpm exec turbo run build --output-logs=errors-only --log-prefix=none >/dev/null
exec node scripts/demo.mjs "${FRACTA_DEMO_DIR:-$root/.tools/demo-project}"
