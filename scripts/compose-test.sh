#!/usr/bin/env bash
# Team mode end to end, on a real Docker engine: the images of docker/, the stack that
# `fracta init --scaffold docker-compose` writes, and the fracta CLI as its thin client.
#
#  1. a Docker engine: installed from Debian (docker.io, docker-compose) and started (dockerd in
#     the background, log in .tools/compose-test/) when there is none; stopped again at the end
#  2. base images: node:24-bookworm-slim and postgres:17-bookworm when a registry gives them,
#     else the local ones of docker/local-base/build.sh (debootstrap, cached by content hash)
#  3. the controlplane and gateway images, built from this checkout
#  4. a temp project scaffolded with `fracta init --scaffold docker-compose`, its stack up and
#     healthy (docker-compose up -d)
#  5. a command agent spawned through the thin client on 127.0.0.1:19090 writes a file and lists
#     its tools through the gateway (agent → gateway → control plane), and is Completed; its
#     mission went through pg-boss in Postgres
#  6. the control plane container: agent CLIs and git on PATH, uid 1000, tini as PID 1
#  7. `docker-compose restart controlplane`: the agent's record is still there (Postgres), and a
#     new agent completes through the gateway again
#  8. `down -v`: no container, volume or network of the stack is left
#
# Each numbered step is one test in reports/jest-compose.json (Jest's JSON shape), which
# scripts/test-totals.mjs counts; a step after a failed one counts as failed too. Exits non-zero
# on any failure, with the reason and the stack's logs. Docker that cannot run here (not root,
# no kernel support) is a failure, never a skip. FRACTA_COMPOSE_BASE=local skips the registry.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=toolchain.sh
source scripts/toolchain.sh

WORK="$ROOT/.tools/compose-test"
REPORT="$ROOT/reports/jest-compose.json"
PROJECT="fracta-compose-test-$$"
PORT=19090
TAG=compose-test
mkdir -p "$WORK" "$(dirname "$REPORT")"
rm -f "$REPORT"

STEPS=(
  'a Docker engine runs (installed and started when missing)'
  'base images: from a registry, else built locally and cached by content hash'
  'the controlplane and gateway images build from this checkout'
  'fracta init --scaffold docker-compose, then the stack is up and healthy'
  'a command agent spawned through the thin client completes via the Postgres queue, its gateway answering'
  'the control plane container has the agent CLIs and git, runs as uid 1000 under tini'
  'after docker-compose restart controlplane the record is still there and a new agent completes'
  'docker-compose down -v leaves no container, volume or network'
)
RESULTS="$WORK/results.tsv"
: >"$RESULTS"
STEP=''
STEP_START=0
FAILURE=''
STARTED_DOCKERD=''
PROJECT_DIR=''
T0="$(date +%s.%N)"

log() { printf '[compose-test] %s\n' "$*" >&2; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
die() {
  FAILURE="$*"
  log "FAILED: $*"
  exit 1
}
begin() {
  STEP="$1"
  STEP_START="$(now)"
  log "==> $STEP"
}
passed() {
  printf 'passed\t%s\t%s\t\n' "$(secs "$STEP_START")" "$STEP" >>"$RESULTS"
  log "    ok ($(secs "$STEP_START")s)"
  STEP=''
}
trap 'FAILURE="${FAILURE:-line $LINENO: \`$BASH_COMMAND\` exited with $?}"' ERR

compose() { "${COMPOSE[@]}" -f "$PROJECT_DIR/deployment/docker-compose.yml" "$@"; }

write_report() {
  node - "$RESULTS" "$REPORT" "$T0" "${STEPS[@]}" <<'EOF'
const { readFileSync, writeFileSync } = require('node:fs');
const [results, report, t0, ...planned] = process.argv.slice(2);
const done = readFileSync(results, 'utf8').split('\n').filter(Boolean).map((line) => {
  const [status, seconds, title, message] = line.split('\t');
  return { status, seconds: Number(seconds), title, message };
});
const assertionResults = planned.map((title) => {
  const result = done.find((entry) => entry.title === title) ?? {
    status: 'failed', seconds: 0, message: 'not run: an earlier step failed',
  };
  return {
    ancestorTitles: ['team mode (docker compose)'],
    title,
    fullName: `team mode (docker compose) ${title}`,
    status: result.status,
    duration: Math.round(result.seconds * 1000),
    failureMessages: result.status === 'passed' ? [] : [result.message],
  };
});
const passed = assertionResults.filter((test) => test.status === 'passed').length;
const failed = assertionResults.length - passed;
const startTime = Math.round(Number(t0) * 1000);
writeFileSync(report, JSON.stringify({
  numTotalTestSuites: 1,
  numPassedTestSuites: failed === 0 ? 1 : 0,
  numFailedTestSuites: failed === 0 ? 0 : 1,
  numRuntimeErrorTestSuites: 0,
  numTotalTests: assertionResults.length,
  numPassedTests: passed,
  numFailedTests: failed,
  numPendingTests: 0,
  startTime,
  success: failed === 0,
  testResults: [{
    name: 'scripts/compose-test.sh',
    status: failed === 0 ? 'passed' : 'failed',
    startTime,
    endTime: Date.now(),
    message: '',
    assertionResults,
  }],
}, null, 2) + '\n');
console.error(`[compose-test] ${passed} passed, ${failed} failed in ${((Date.now() - startTime) / 1000).toFixed(0)} s (report: ${report})`);
EOF
}

finish() {
  local code=$?
  trap - ERR
  set +e
  if [ -n "$STEP" ]; then
    printf 'failed\t%s\t%s\t%s\n' "$(secs "$STEP_START")" "$STEP" "${FAILURE:-exited with $code}" >>"$RESULTS"
    code=1
  fi
  if [ -n "$PROJECT_DIR" ] && [ -f "$PROJECT_DIR/deployment/docker-compose.yml" ]; then
    if [ "$code" -ne 0 ]; then
      log "the stack, as it was when the test failed:"
      compose ps >&2
      compose logs --no-color --tail=60 >&2
    fi
    compose down -v --remove-orphans --timeout 5 >/dev/null 2>&1
  fi
  if [ -n "$PROJECT_DIR" ]; then rm -rf "$PROJECT_DIR"; fi
  if [ -n "$STARTED_DOCKERD" ]; then
    log "stopping the dockerd this test started (pid $STARTED_DOCKERD)"
    kill -TERM "$STARTED_DOCKERD" 2>/dev/null
    for _ in $(seq 1 40); do kill -0 "$STARTED_DOCKERD" 2>/dev/null || break; sleep 0.5; done
  fi
  write_report || code=1
  exit "$code"
}
trap finish EXIT

# --- 1. Docker engine -------------------------------------------------------------------------
begin "${STEPS[0]}"
apt_install() {
  [ "$(id -u)" -eq 0 ] || die "$* missing and this is not root: install $* (Debian: apt-get install -y $*), or run as root"
  log "    installing $* from Debian"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"; } >"$WORK/apt.log" 2>&1 ||
    { tail -n 20 "$WORK/apt.log" >&2; die "apt-get install $* failed (log above, and $WORK/apt.log)"; }
}
if ! docker info >/dev/null 2>&1; then
  [ "$(id -u)" -eq 0 ] || die "no Docker engine answers ($(docker info 2>&1 | tail -n 1)), and starting one needs root"
  command -v dockerd >/dev/null || apt_install docker.io docker-compose debootstrap
  log "    starting dockerd (log: $WORK/dockerd.log)"
  dockerd >"$WORK/dockerd.log" 2>&1 &
  STARTED_DOCKERD=$!
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && break
    kill -0 "$STARTED_DOCKERD" 2>/dev/null || { STARTED_DOCKERD=''; break; }
    sleep 0.5
  done
  if ! docker info >/dev/null 2>&1; then
    tail -n 25 "$WORK/dockerd.log" >&2
    die "dockerd did not come up within 30 s (no kernel support for containers here?): log above, and $WORK/dockerd.log"
  fi
fi
if command -v docker-compose >/dev/null; then
  COMPOSE=(docker-compose)
elif docker compose version >/dev/null 2>&1; then
  COMPOSE=(docker compose)
else
  apt_install docker-compose
  COMPOSE=(docker-compose)
fi
log "    $(docker version --format 'engine {{.Server.Version}}') · $("${COMPOSE[@]}" version --short 2>/dev/null || echo compose)"
passed

# --- 2. base images ---------------------------------------------------------------------------
begin "${STEPS[1]}"
NODE_BASE=node:24-bookworm-slim
POSTGRES_IMAGE=postgres:17-bookworm
registry_has() { docker image inspect "$1" >/dev/null 2>&1 || timeout 300 docker pull -q "$1" >/dev/null 2>&1; }
if [ "${FRACTA_COMPOSE_BASE:-auto}" != local ] && registry_has "$NODE_BASE" && registry_has "$POSTGRES_IMAGE"; then
  log "    $NODE_BASE and $POSTGRES_IMAGE from the registry"
else
  [ "${FRACTA_COMPOSE_BASE:-auto}" = local ] || log "    no registry gives $NODE_BASE: local base images (docker/local-base)"
  command -v debootstrap >/dev/null || apt_install debootstrap
  bases="$(bash docker/local-base/build.sh)" || die "docker/local-base/build.sh failed (output above)"
  NODE_BASE="$(sed -n 's/^FRACTA_NODE_BASE=//p' <<<"$bases")"
  POSTGRES_IMAGE="$(sed -n 's/^FRACTA_POSTGRES_IMAGE=//p' <<<"$bases")"
  log "    $NODE_BASE, $POSTGRES_IMAGE"
fi
passed

# --- 3. app images ----------------------------------------------------------------------------
begin "${STEPS[2]}"
# Each build replaces its tags; the images they pointed at (and the builder stage, tagged too so
# that it can be found) are removed afterwards, so repeated runs do not pile up layers.
build_image() {
  local app="$1" started old=() tag
  started="$(now)"
  for tag in "fracta-$app:$TAG" "fracta-$app:$TAG-builder"; do
    old+=("$(docker image inspect -f '{{.Id}}' "$tag" 2>/dev/null || true)")
  done
  if ! docker build --force-rm --build-arg BASE_IMAGE="$NODE_BASE" -f "docker/$app.Dockerfile" \
    --target builder -t "fracta-$app:$TAG-builder" . >"$WORK/build-$app.log" 2>&1 ||
    ! docker build --force-rm --build-arg BASE_IMAGE="$NODE_BASE" -f "docker/$app.Dockerfile" \
      -t "fracta-$app:$TAG" . >>"$WORK/build-$app.log" 2>&1; then
    tail -n 40 "$WORK/build-$app.log" >&2
    die "docker build of $app failed (output above, and $WORK/build-$app.log)"
  fi
  local keep
  keep="$(docker image inspect -f '{{.Id}}' "fracta-$app:$TAG" "fracta-$app:$TAG-builder")"
  for id in "${old[@]}"; do
    if [ -n "$id" ] && ! grep -qxF "$id" <<<"$keep"; then docker image rm "$id" >/dev/null 2>&1 || true; fi
  done
  log "    fracta-$app:$TAG in $(secs "$started")s, $(docker image inspect -f '{{.Size}}' "fracta-$app:$TAG" | awk '{ printf "%.0f MB", $1 / 1e6 }')"
}
build_image controlplane
build_image gateway
passed

# --- 4. scaffold and start the stack ----------------------------------------------------------
begin "${STEPS[3]}"
if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
  die "127.0.0.1:$PORT is taken (another fracta stack?): the scaffolded fracta.yaml points there; stop it first"
fi
pnpm exec turbo run build --filter=cli... --output-logs=errors-only >"$WORK/cli-build.log" 2>&1 ||
  { tail -n 30 "$WORK/cli-build.log" >&2; die "building the fracta CLI failed"; }
PROJECT_DIR="$(mktemp -d "${TMPDIR:-/tmp}/fracta-compose-project.XXXXXX")"
fracta() { (cd "$PROJECT_DIR" && "$ROOT/bin/fracta" "$@"); }
fracta init --scaffold docker-compose >"$WORK/init.log" 2>&1 || { cat "$WORK/init.log" >&2; die "fracta init --scaffold docker-compose failed"; }
FRACTA_TOKEN="$(node -e "process.stdout.write(require('node:crypto').randomBytes(32).toString('hex'))")"
export FRACTA_TOKEN
password="$(node -e "process.stdout.write(require('node:crypto').randomBytes(24).toString('hex'))")"
sed -e "s/^COMPOSE_PROJECT_NAME=.*/COMPOSE_PROJECT_NAME=$PROJECT/" -e "s/^FRACTA_TOKEN=$/FRACTA_TOKEN=$FRACTA_TOKEN/" \
  -e "s/^POSTGRES_PASSWORD=$/POSTGRES_PASSWORD=$password/" \
  "$PROJECT_DIR/deployment/.env.example" >"$PROJECT_DIR/deployment/.env"
cat >>"$PROJECT_DIR/deployment/.env" <<EOF
FRACTA_CONTROLPLANE_IMAGE=fracta-controlplane:$TAG
FRACTA_GATEWAY_IMAGE=fracta-gateway:$TAG
FRACTA_POSTGRES_IMAGE=$POSTGRES_IMAGE
EOF
grep -q "^FRACTA_TOKEN=$FRACTA_TOKEN$" "$PROJECT_DIR/deployment/.env" || die ".env.example has no empty FRACTA_TOKEN= line to fill in"
compose up -d >"$WORK/up.log" 2>&1 || { cat "$WORK/up.log" >&2; die "docker-compose up -d failed (a service unhealthy?)"; }
declare -A CID=() # service → container id
wait_healthy() {
  local service id health
  for service in postgres controlplane gateway; do
    id="$(compose ps -q "$service")"
    [ -n "$id" ] || die "no $service container"
    CID[$service]="$id"
    for _ in $(seq 1 120); do
      health="$(docker inspect -f '{{.State.Health.Status}}' "$id")"
      [ "$health" = healthy ] && break
      [ "$health" = unhealthy ] && die "$service is unhealthy"
      sleep 0.5
    done
    [ "$health" = healthy ] || die "$service not healthy within 60 s ($health)"
  done
}
wait_healthy
passed

# --- 5. an agent through the thin client ------------------------------------------------------
begin "${STEPS[4]}"
# The agent (a command agent: node, in the controlplane container) writes a file in its
# directory and lists its MCP tools at the gateway with its own token.
# shellcheck disable=SC2016 # JavaScript, not shell
AGENT_JS='
require("node:fs").writeFileSync("hello.txt", `hello from ${process.env.FRACTA_AGENT}\n`);
fetch(process.env.FRACTA_GATEWAY_URL, {
  method: "POST",
  headers: {
    authorization: `Bearer ${process.env.FRACTA_GATEWAY_TOKEN}`,
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
  },
  body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list", params: {} }),
}).then(async (response) => {
  const tools = (await response.json()).result?.tools ?? [];
  console.log(`gateway tools/list: HTTP ${response.status}, ${tools.length} tools`);
  process.exit(response.ok && tools.some((tool) => tool.name === "fracta_list") ? 0 : 1);
}, (error) => {
  console.error(`gateway unreachable: ${error.message}`);
  process.exit(1);
});'
# agent NAME FIELD: one field of the agent in `fracta list --json`.
agent() {
  fracta list --json | node -e '
    const [name, field] = process.argv.slice(1);
    const agent = JSON.parse(require("node:fs").readFileSync(0, "utf8")).find((a) => a.name === name);
    process.stdout.write(agent === undefined ? "" : String(agent[field]));' "$1" "$2"
}
spawn_and_wait() {
  local name="$1" status='' output
  fracta spawn --task "$name" --runtime command -- node -e "$AGENT_JS" >"$WORK/spawn-$name.log" 2>&1 ||
    { cat "$WORK/spawn-$name.log" >&2; die "fracta spawn $name failed"; }
  for _ in $(seq 1 120); do
    status="$(agent "$name" status)"
    case "$status" in completed | failed | stopped) break ;; esac
    sleep 0.5
  done
  [ "$status" = completed ] || {
    fracta peek "$name" >&2 || true
    die "agent $name is ${status:-missing}, not completed"
  }
  output="$(agent "$name" last_output)"
  [[ "$output" == 'gateway tools/list: HTTP 200, '*' tools' ]] || die "agent $name's last output: $output"
  log "    $name completed: $output"
}
spawn_and_wait compose-hello
# docker exec, not compose exec: the same, without a Python start-up per call.
in_container() { docker exec "${CID[$1]}" "${@:2}"; }
[ "$(in_container controlplane cat /workspace/agents/compose-hello/hello.txt)" = 'hello from compose-hello' ] ||
  die "the agent's file is not in /workspace/agents/compose-hello"
first_run="$(agent compose-hello current_run)"
# Its mission went through pg-boss in the state database (runtime.queue.backend: postgres).
queues="$(in_container postgres psql -U fracta -d fracta -tAc 'SELECT count(*) FROM pgboss.queue' 2>&1)" ||
  die "no pg-boss queue in Postgres (is configs/controlplane.yaml on the postgres queue?): $queues"
[ "$queues" -ge 1 ] || die "pg-boss has no queue in Postgres"
passed

# --- 6. the control plane container -----------------------------------------------------------
begin "${STEPS[5]}"
versions="$(in_container controlplane sh -c 'claude --version && codex --version && opencode --version && git --version')" ||
  die "an agent CLI or git is missing from the controlplane image: $versions"
log "    $(tr '\n' ';' <<<"$versions")"
[ "$(in_container controlplane id -u)" = 1000 ] || die "the control plane does not run as uid 1000"
[ "$(in_container controlplane cat /proc/1/comm)" = tini ] || die "PID 1 of the controlplane container is not tini"
[ "$(in_container gateway id -u)" = 1000 ] || die "the gateway does not run as uid 1000"
passed

# --- 7. restart -------------------------------------------------------------------------------
begin "${STEPS[6]}"
compose restart controlplane >"$WORK/restart.log" 2>&1 || { cat "$WORK/restart.log" >&2; die "docker-compose restart controlplane failed"; }
wait_healthy
[ "$(agent compose-hello status)" = completed ] || die "after the restart compose-hello is '$(agent compose-hello status)'"
[ "$(agent compose-hello current_run)" = "$first_run" ] || die "after the restart compose-hello has another run"
spawn_and_wait compose-after-restart
passed

# --- 8. teardown ------------------------------------------------------------------------------
begin "${STEPS[7]}"
compose down -v --remove-orphans --timeout 5 >"$WORK/down.log" 2>&1 || { cat "$WORK/down.log" >&2; die "docker-compose down -v failed"; }
label="label=com.docker.compose.project=$PROJECT"
left="$(docker ps -aq --filter "$label") $(docker volume ls -q --filter "$label") $(docker network ls -q --filter "$label")"
[ -z "${left// /}" ] || die "left behind by down -v: $left"
passed

log "team mode works end to end ($(secs "$T0")s)"
