#!/usr/bin/env bash
# Installs the Debian packages given as arguments that are not installed yet. apt-get update runs
# only when something is missing and the package lists are not from the last hour (a fresh machine
# has none). Usage: apt-install-missing.sh [--no-start] <label> <package>...
# --no-start: the packages' services do not start while they install (Debian's policy-rc.d
# convention), for packages whose tool the tests use and whose service must not run.
set -euo pipefail
no_start=false
if [ "${1:-}" = --no-start ]; then
  no_start=true
  shift
fi
label=$1
shift
missing=()
for pkg in "$@"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then missing+=("$pkg"); fi
done
if ((${#missing[@]} > 0)); then
  echo "== $label: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' -mmin -60 2>/dev/null | head -n 1)" ]; then
    apt-get update -qq
  fi
  policy=/usr/sbin/policy-rc.d
  if $no_start && [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod +x "$policy"
    trap 'rm -f "$policy"' EXIT
  fi
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "== $label: packages present: $*"
fi
