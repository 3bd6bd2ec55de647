#!/usr/bin/env bash
# CI, on a fresh Debian machine as root: promtool (Debian's prometheus package) for the test that runs
# `promtool check metrics` on the bot's /metrics. Only the tool is used: the package's Prometheus
# server must not run, so it is kept from starting (Debian's policy-rc.d convention) and disabled.
set -euo pipefail
bash "$(dirname "${BASH_SOURCE[0]}")/apt-install-missing.sh" --no-start setup-promtool prometheus
if command -v systemctl >/dev/null && systemctl is-system-running >/dev/null 2>&1; then
  systemctl disable --now prometheus prometheus-node-exporter >/dev/null 2>&1 || true
fi
echo "== setup-promtool: $(promtool --version 2>&1 | head -n 1)"
