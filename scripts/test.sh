#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what the tests need
# (headless Chromium and fonts for the report tests), then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-browser.sh
cargo test --workspace --release
