#!/usr/bin/env bash
# Installs the named Debian packages, quietly and only if asked for some:
# `scripts/apt-install.sh NAME PKG...` (NAME labels error messages). Shared by
# the scripts that install what the tests need.
set -euo pipefail
name="$1"
shift
[ $# -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "$name: need root (or sudo) to install $*" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
# Quiet on success; the whole apt log on failure.
if ! { $sudo apt-get update -qq && $sudo apt-get install -y -qq "$@"; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "$name: could not install $*" >&2
  exit 1
fi
