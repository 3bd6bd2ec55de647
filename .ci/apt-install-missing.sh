#!/usr/bin/env bash
# Installs the Debian packages given as arguments that are not installed yet. apt-get update runs
# only when something is missing and the package lists are not from the last hour (a fresh machine
# has none). Usage: apt-install-missing.sh <label> <package>...
set -euo pipefail
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
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "== $label: packages present: $*"
fi
