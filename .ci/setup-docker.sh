#!/usr/bin/env bash
# CI, on a fresh Debian 12 machine as root: what the Docker tests need, each step only when missing.
#  1. Debian packages docker.io, php-cli, php-pgsql, busybox-static, openssl (TLS test certificates).
#  2. A Docker engine: dockerd in the background when none answers (vfs storage, no iptables, no bridge:
#     it works inside unprivileged CI containers and VMs alike).
#  3. The tests' base image, dbpool-test-base:latest: a busybox-static root file system, imported
#     (no registry is reachable). The PHP app runs in it with the host's PHP bind-mounted read-only.
# Idempotent: a second run only checks. The same image is built by test/helpers/php-app-containers.ts.
set -euo pipefail

BASE_IMAGE="${DBPOOL_TEST_IMAGE:-dbpool-test-base:latest}"
DOCKERD_LOG="${DBPOOL_DOCKERD_LOG:-/tmp/dbpool-dockerd.log}"
ENGINE_WAIT_SECONDS="${DBPOOL_DOCKERD_WAIT:-60}"
started=$(date +%s)

say() { echo "== setup-docker: $*"; }

# ---------------------------------------------------------------- 1. packages
bash "$(dirname "${BASH_SOURCE[0]}")/apt-install-missing.sh" setup-docker docker.io php-cli php-pgsql busybox-static openssl

# ---------------------------------------------------------------- 2. engine
if docker info >/dev/null 2>&1; then
  say "engine answers ($(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?'))"
else
  say "starting dockerd (log: $DOCKERD_LOG)"
  nohup dockerd --iptables=false --bridge=none --storage-driver=vfs >"$DOCKERD_LOG" 2>&1 &
  deadline=$(( $(date +%s) + ENGINE_WAIT_SECONDS ))
  until docker info >/dev/null 2>&1; do
    if (( $(date +%s) >= deadline )); then
      say "dockerd did not answer within ${ENGINE_WAIT_SECONDS}s; its log ends with:"
      tail -n 40 "$DOCKERD_LOG" >&2 || true
      exit 1
    fi
    sleep 0.5
  done
  say "engine up ($(docker version --format '{{.Server.Version}}'))"
fi

# ---------------------------------------------------------------- 3. base image
if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
  say "image $BASE_IMAGE present"
else
  say "building $BASE_IMAGE from busybox-static"
  busybox_bin=$(command -v busybox)
  rootfs=$(mktemp -d)
  trap 'rm -rf "$rootfs"' EXIT
  mkdir -p "$rootfs"/{bin,etc,tmp,proc,sys,dev,usr,lib,lib64,app,run}
  cp "$busybox_bin" "$rootfs/bin/busybox"
  for applet in $("$rootfs/bin/busybox" --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$rootfs/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$rootfs/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$rootfs/etc/group"
  chmod 1777 "$rootfs/tmp"
  chmod 755 "$rootfs" # mktemp -d made it 0700: no other user could traverse /
  tar -C "$rootfs" -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["/bin/sh"]' \
    - "$BASE_IMAGE" >/dev/null
  say "image $BASE_IMAGE built"
fi

say "done in $(( $(date +%s) - started )) s"
