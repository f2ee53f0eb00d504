#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what the tests need
# (headless Chromium and fonts for the report and dashboard tests; PostgreSQL
# for the store), starts a throwaway PostgreSQL server, checks formatting and
# lints, then runs every test (the engine's and the model's also in a debug
# build). The planner's solver needs no installing: crates/highs-sys builds it
# with the C++ compiler.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-browser.sh
# A throwaway PostgreSQL server: the store's suite runs on it as well as on
# SQLite, and fails rather than skips if it is missing.
pg_env="$(scripts/install-postgres.sh start)"
eval "$pg_env"
trap 'scripts/install-postgres.sh stop "$DRAWDOWN_PG_DIR"' EXIT
export DRAWDOWN_REQUIRE_POSTGRES=1
# Gates: formatting and lints fail the run before anything is tested.
cargo fmt --all --check
cargo clippy --workspace --all-targets --release -- -D warnings
# The engine and the model also in a debug build, so that debug_assert!s and
# integer overflow checks fire; then everything with optimisations.
cargo test -p drawdown-engine -p drawdown-model
cargo test --workspace --release
