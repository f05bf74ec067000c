#!/usr/bin/env bash
# The test command (README, .ci/run): sets up Node 24 and pnpm if needed, installs from the
# lockfile, builds, then runs format check, lint, typecheck, knip, unit and integration tests,
# then the compose stack on a real Docker engine (scripts/compose-test.sh).
# Postgres: PG_URL when set, otherwise each integration suite starts an embedded Postgres.
# Ends with one line "N passed, N failed" totalled over every Jest suite and the compose test;
# exits non-zero on any failure anywhere.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=toolchain.sh
source scripts/toolchain.sh

step() { printf '\n==> %s\n' "$*"; }
status=0

step "install (Node $(node --version), pnpm $(pnpm --version))"
pnpm install --frozen-lockfile --reporter=append-only 2>&1 | grep -vE 'gyp info|^\s*$' | tail -n 25

step "build"
pnpm exec turbo run build --output-logs=errors-only

step "format, lint, typecheck, knip"
pnpm exec prettier --check . --log-level warn || status=1
pnpm exec turbo run lint typecheck --continue --output-logs=errors-only || status=1
pnpm exec knip --no-progress --no-config-hints || status=1

step "tests (Postgres: $([ -n "${PG_URL:-}" ] && echo "PG_URL" || echo "embedded, started by the test harness"))"
rm -rf apps/*/reports packages/*/reports reports
pnpm exec turbo run test test:integration --continue --concurrency=2 || status=1

step "team mode on Docker (scripts/compose-test.sh)"
bash scripts/compose-test.sh || status=1

node scripts/test-totals.mjs || status=1
exit "$status"
