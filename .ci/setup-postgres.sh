#!/usr/bin/env bash
# CI, on a fresh Debian 12 machine as root: an older PostgreSQL than embedded-postgres's, for
# test/probes/postgres/older-server.test.ts. Debian's postgresql-15 binaries only: no cluster is
# created or started (the test makes its own throwaway one, as the "postgres" user the package adds).
set -euo pipefail
conf=/etc/postgresql-common/createcluster.conf
if [ ! -e "$conf" ]; then
  mkdir -p "$(dirname "$conf")"
  echo 'create_main_cluster = false' >"$conf"
fi
bash "$(dirname "${BASH_SOURCE[0]}")/apt-install-missing.sh" setup-postgres postgresql-15
