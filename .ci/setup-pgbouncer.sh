#!/usr/bin/env bash
# CI, on a fresh Debian machine as root: Debian's PgBouncer for the PgBouncer tests. The tests run
# their own PgBouncer from a temp config on a free port (test/helpers/pgbouncer-server.ts), so the
# package's service must not run: it would hold port 6432, and nothing may rely on it.
set -euo pipefail
say() { echo "== setup-pgbouncer: $*"; }

# The package's service does not start while it installs.
bash "$(dirname "${BASH_SOURCE[0]}")/apt-install-missing.sh" --no-start setup-pgbouncer pgbouncer

# A service started anyway (an earlier install, a booted systemd) is stopped and kept from starting.
if command -v systemctl >/dev/null && systemctl is-system-running >/dev/null 2>&1; then
  systemctl disable --now pgbouncer >/dev/null 2>&1 || true
fi
command -v update-rc.d >/dev/null && update-rc.d pgbouncer disable >/dev/null 2>&1 || true
pidfile=/var/run/postgresql/pgbouncer.pid
if [ -s "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
  say "stopping the package's PgBouncer (pid $(cat "$pidfile"))"
  kill "$(cat "$pidfile")"
fi
say "$(/usr/sbin/pgbouncer --version | head -n 1)"
