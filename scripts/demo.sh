#!/usr/bin/env bash
# README's first command: sets up Node 24 and pnpm, installs, builds, and runs the foundation
# walkthrough on the embedded default (local mode, SQLite in .fracta/state.db of the nearest
# project with a fracta.yaml, else of the current directory).
set -euo pipefail
here="$(pwd)"
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=toolchain.sh
source scripts/toolchain.sh
pnpm install --frozen-lockfile --reporter=silent
pnpm exec turbo run build --output-logs=errors-only --log-prefix=none >/dev/null
INIT_CWD="$here" exec node scripts/demo.mjs
