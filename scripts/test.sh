#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what the tests need
# (headless Chromium and fonts for the report and dashboard tests; PostgreSQL
# for the store), starts a throwaway PostgreSQL server, checks formatting and
# lints, then runs every test (the engine's and the model's also in a debug
# build), then the Python package's tests on a throwaway local Dask cluster.
# The planner's solver needs no installing: crates/highs-sys builds it with
# the C++ compiler.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-browser.sh
# A throwaway PostgreSQL server: the store's suite runs on it as well as on
# SQLite, and fails rather than skips if it is missing.
pg_env="$(scripts/install-postgres.sh start)"
eval "$pg_env"
cleanup() {
  if [ -n "${DRAWDOWN_DASK_DIR:-}" ]; then scripts/dask-cluster.sh stop "$DRAWDOWN_DASK_DIR"; fi
  scripts/install-postgres.sh stop "$DRAWDOWN_PG_DIR"
}
trap cleanup EXIT
export DRAWDOWN_REQUIRE_POSTGRES=1
# Gates: formatting and lints fail the run before anything is tested.
cargo fmt --all --check
cargo clippy --workspace --all-targets --release -- -D warnings
# The engine and the model also in a debug build, so that debug_assert!s and
# integer overflow checks fire; then everything with optimisations.
cargo test -p drawdown-engine -p drawdown-model
cargo test --workspace --release
# The Python package, built into a virtual environment kept between runs
# (outside the checkout, so that a fresh clone on the same machine reuses its
# pip installs; the wheel is rebuilt from this checkout every time), then its
# tests: against the command line built above, and on a local Dask cluster of
# three worker processes started here.
export DRAWDOWN_VENV="${DRAWDOWN_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/drawdown/test-venv}"
# (`cargo test` above built the command line, target/release/drawdown.)
scripts/python.sh --test
dask_env="$(scripts/dask-cluster.sh start "$DRAWDOWN_VENV" 3)"
eval "$dask_env"
export DRAWDOWN_REQUIRE_CLUSTER=1
"$DRAWDOWN_VENV/bin/python" -m pytest -q crates/python/tests
