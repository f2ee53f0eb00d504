#!/usr/bin/env bash
# Installs what the report tests need: Debian's Chromium (headless DOM dump
# and screenshots of the HTML report) and the DejaVu fonts (chart text in
# the PNGs). Idempotent and quiet; CI runs it before the tests.
set -euo pipefail

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
exec "$(dirname "$0")/apt-install.sh" install-browser.sh ${need[@]+"${need[@]}"}
