#!/usr/bin/env bash
# Local base images for builders that reach no image registry, each tagged by a hash of its
# inputs and built only when that tag is missing (a second run only checks):
#   fracta-local/bookworm:<hash>     Debian bookworm minbase (rootfs.sh)
#   fracta-local/node:24-<hash>      in place of node:24-bookworm-slim (node.Dockerfile)
#   fracta-local/postgres:15-<hash>  in place of the official postgres image (postgres.Dockerfile)
# Node is the version in .node-version, from the npm registry (the copy scripts/toolchain.sh
# put in .tools/ when there is one); npm is NPM_VERSION below. Older fracta-local tags are
# removed. When the machine reaches the registry through a TLS-intercepting proxy, the CA bundle
# in FRACTA_BASE_CA_CERTS (default: NODE_EXTRA_CA_CERTS, as Node here trusts it) is added to the
# node image as its NODE_EXTRA_CA_CERTS, as a company's own base image would. Prints the two tags to use as shell assignments on stdout, progress on stderr:
#   eval "$(bash docker/local-base/build.sh)"
#   docker build --build-arg BASE_IMAGE="$FRACTA_NODE_BASE" -f docker/controlplane.Dockerfile .
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
NPM_VERSION=11.21.2
node_version="$(tr -d '[:space:]' <"$root/.node-version")"
case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "build.sh: unsupported CPU $(uname -m)" >&2; exit 1 ;;
esac
cache="$root/.tools/local-base"
log() { printf '[local-base] %s\n' "$*" >&2; }
have_image() { docker image inspect "$1" >/dev/null 2>&1; }
# docker build, its output shown only when it fails.
build() {
  local out
  out="$(mktemp)"
  if ! docker build --force-rm "$@" >"$out" 2>&1; then
    tail -n 40 "$out" >&2
    rm -f "$out"
    log "docker build $* failed (output above)"
    exit 1
  fi
  rm -f "$out"
}
hash_of() { cat "$@" | sha256sum | cut -c1-12; }

rootfs_hash="$( { echo "bookworm minbase $arch ${DEBIAN_MIRROR:-} ${DEBIAN_SECURITY_MIRROR:-}"; cat "$here/rootfs.sh"; } | sha256sum | cut -c1-12)"
rootfs_tag="fracta-local/bookworm:$rootfs_hash"

# Node: the toolchain's copy, else the same package fetched into .tools/local-base/.
node_dir="$root/.tools/node-$node_version/node_modules/node-linux-$arch"
if [ ! -x "$node_dir/bin/node" ]; then
  node_dir="$cache/node-$node_version/node_modules/node-linux-$arch"
  if [ ! -x "$node_dir/bin/node" ]; then
    log "fetching node-linux-$arch@$node_version from the npm registry"
    mkdir -p "$cache/node-$node_version"
    npm install --silent --no-audit --no-fund --no-save --ignore-scripts \
      --prefix "$cache/node-$node_version" "node-linux-$arch@$node_version" >&2
  fi
fi
[ "$("$node_dir/bin/node" --version)" = "v$node_version" ] || { log "no Node $node_version at $node_dir"; exit 1; }
npm_tgz="$cache/npm-$NPM_VERSION.tgz"
if [ ! -s "$npm_tgz" ]; then
  log "fetching npm@$NPM_VERSION from the npm registry"
  mkdir -p "$cache"
  (cd "$cache" && npm pack --silent "npm@$NPM_VERSION" >/dev/null)
fi
ca_certs="${FRACTA_BASE_CA_CERTS-${NODE_EXTRA_CA_CERTS:-}}"
if [ -n "$ca_certs" ] && [ ! -s "$ca_certs" ]; then log "no CA bundle at $ca_certs (FRACTA_BASE_CA_CERTS)"; exit 1; fi
node_hash="$( {
  echo "$rootfs_tag $node_version $NPM_VERSION"
  sha256sum "$node_dir/bin/node" "$npm_tgz" ${ca_certs:+"$ca_certs"} | cut -d' ' -f1
  cat "$here/node.Dockerfile"
} | sha256sum | cut -c1-12)"
node_tag="fracta-local/node:24-$node_hash"
postgres_hash="$(hash_of <(echo "$rootfs_tag") "$here/postgres.Dockerfile" "$here/postgres-entrypoint.sh")"
postgres_tag="fracta-local/postgres:15-$postgres_hash"

ensure_rootfs() {
  have_image "$rootfs_tag" && return 0
  command -v debootstrap >/dev/null || { log "debootstrap is not installed (apt-get install debootstrap)"; exit 1; }
  log "building $rootfs_tag (debootstrap bookworm, about a minute)"
  bash "$here/rootfs.sh" "$rootfs_tag" >/dev/null
}

if ! have_image "$node_tag"; then
  ensure_rootfs
  log "building $node_tag (Node $node_version, npm $NPM_VERSION)"
  context="$(mktemp -d "${TMPDIR:-/tmp}/fracta-node-base.XXXXXX")"
  mkdir -p "$context/node" "$context/npm"
  cp -a "$node_dir/bin" "$node_dir/include" "$context/node/"
  tar -xzf "$npm_tgz" -C "$context/npm" --strip-components=1
  cp "$here/node.Dockerfile" "$context/Dockerfile"
  if [ -n "$ca_certs" ]; then
    cp "$ca_certs" "$context/extra-ca-certs.pem"
    printf '%s\n' 'COPY extra-ca-certs.pem /etc/ssl/fracta-extra-ca-certs.pem' \
      'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/fracta-extra-ca-certs.pem' >>"$context/Dockerfile"
  fi
  build --build-arg ROOTFS_IMAGE="$rootfs_tag" -t "$node_tag" "$context"
  rm -rf "$context"
fi
if ! have_image "$postgres_tag"; then
  ensure_rootfs
  log "building $postgres_tag (PostgreSQL 15 from Debian)"
  build --build-arg ROOTFS_IMAGE="$rootfs_tag" -t "$postgres_tag" -f "$here/postgres.Dockerfile" "$here"
fi

# Older builds of these images (their inputs changed) only take space.
for repo in fracta-local/bookworm fracta-local/node fracta-local/postgres; do
  docker image ls "$repo" --format '{{.Repository}}:{{.Tag}}' |
    grep -vxF -e "$rootfs_tag" -e "$node_tag" -e "$postgres_tag" |
    xargs -r docker image rm >/dev/null 2>&1 || true
done
printf 'FRACTA_NODE_BASE=%s\nFRACTA_POSTGRES_IMAGE=%s\n' "$node_tag" "$postgres_tag"
