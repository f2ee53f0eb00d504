#!/usr/bin/env bash
# Builds the Python package `drawdown` (crates/python: PyO3, one abi3 wheel
# for CPython 3.10 and later) with maturin and installs it into a virtual
# environment, with what it needs (pandas, pyarrow) and Dask distributed for
# sweeps on a cluster:
#
#   scripts/python.sh                 # into .venv (or $DRAWDOWN_VENV), created if missing
#   .venv/bin/python -c 'import drawdown; print(drawdown.simulate(runs=1000))'
#   scripts/python.sh --test          # also pytest, for crates/python/tests
#
# Only python3 (with venv and pip) is needed beyond the Rust toolchain: the
# wheel is built with the workspace's target directory, so the crates the
# command line already compiled (HiGHS among them) are not compiled again.
# The packages are installed once per virtual environment and requirement
# list (a stamp file records it); the wheel is rebuilt only when the code
# changed (cargo decides) and always reinstalled.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${DRAWDOWN_VENV:-.venv}"
requirements=("maturin>=1.9,<2" "pandas>=2" "pyarrow>=14" "dask[distributed]>=2024.1")
if [ "${1:-}" = "--test" ]; then
  requirements+=("pytest>=8")
fi
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv" || {
    echo "python.sh: cannot create a virtual environment in $venv (on Debian: apt-get install python3-venv)" >&2
    exit 1
  }
fi
stamp="$venv/.drawdown-requirements"
if [ "$(cat "$stamp" 2>/dev/null)" != "${requirements[*]}" ]; then
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${requirements[@]}"
  echo "${requirements[*]}" >"$stamp"
fi
# Older wheels of earlier builds would be installed instead of this one.
rm -rf target/wheels/drawdown-*.whl
"$venv/bin/maturin" build --release --quiet --manifest-path crates/python/Cargo.toml --out target/wheels \
  --interpreter "$venv/bin/python"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps \
  target/wheels/drawdown-*.whl
