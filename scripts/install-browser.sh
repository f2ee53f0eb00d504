#!/usr/bin/env bash
# Installs what the report tests need: Debian's Chromium (headless DOM dump
# and screenshots of the HTML report) and the DejaVu fonts (chart text in
# the PNGs). Idempotent and quiet; CI runs it before the tests.
set -euo pipefail

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
[ ${#need[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-browser.sh: need root (or sudo) to install ${need[*]}" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
# Quiet on success; the whole apt log on failure.
if ! { $sudo apt-get update -qq && $sudo apt-get install -y -qq "${need[@]}"; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "install-browser.sh: could not install ${need[*]}" >&2
  exit 1
fi
