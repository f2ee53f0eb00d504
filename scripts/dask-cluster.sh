#!/usr/bin/env bash
# A throwaway local Dask cluster for the Python package's tests: a scheduler
# on loopback and WORKERS worker processes (one thread each), all from the
# virtual environment VENV (made by scripts/python.sh).
#
#   eval "$(scripts/dask-cluster.sh start .venv 3)"   # prints the exports
#   .venv/bin/python -m pytest crates/python/tests      # the sweep tests use $DRAWDOWN_DASK_ADDRESS
#   scripts/dask-cluster.sh stop "$DRAWDOWN_DASK_DIR"
#
# `start` prints `export DRAWDOWN_DASK_ADDRESS=tcp://127.0.0.1:PORT` and
# `export DRAWDOWN_DASK_DIR=DIR` (logs and process ids, removed by `stop`).
set -euo pipefail
cd "$(dirname "$0")/.."

start() {
  local venv="${1:?usage: dask-cluster.sh start VENV WORKERS}" workers="${2:-3}" dir port
  dir="$(mktemp -d /tmp/drawdown-dask.XXXXXX)"
  for port in $(seq 18786 18885); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
  done
  # No dashboard: nothing looks at it, and it would need another port.
  "$venv/bin/dask" scheduler --host 127.0.0.1 --port "$port" --no-dashboard --no-show \
    >"$dir/scheduler.log" 2>&1 &
  echo $! >"$dir/scheduler.pid"
  "$venv/bin/dask" worker "tcp://127.0.0.1:$port" --nworkers "$workers" --nthreads 1 --no-dashboard \
    --host 127.0.0.1 --local-directory "$dir" --memory-limit 0 >"$dir/workers.log" 2>&1 &
  echo $! >"$dir/workers.pid"
  # Ready when the scheduler counts every worker (at most a minute).
  if ! "$venv/bin/python" - "$port" "$workers" <<'PY' >"$dir/wait.log" 2>&1; then
import sys
from dask.distributed import Client
with Client(f"tcp://127.0.0.1:{sys.argv[1]}", timeout=60) as c:
    c.wait_for_workers(int(sys.argv[2]), timeout=60)
PY
    cat "$dir/wait.log" "$dir/scheduler.log" "$dir/workers.log" >&2
    stop "$dir"
    echo "dask-cluster: the cluster did not start" >&2
    exit 1
  fi
  echo "export DRAWDOWN_DASK_ADDRESS=tcp://127.0.0.1:$port"
  echo "export DRAWDOWN_DASK_WORKERS=$workers"
  echo "export DRAWDOWN_DASK_DIR=$dir"
}

stop() {
  local dir="${1:?usage: dask-cluster.sh stop DIR}" f
  case "$dir" in /tmp/drawdown-dask.*) ;; *) echo "dask-cluster: refusing to remove $dir" >&2; exit 1 ;; esac
  # The processes this script started, by their recorded ids (workers first).
  for f in "$dir/workers.pid" "$dir/scheduler.pid"; do
    [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true
  done
  for f in "$dir/workers.pid" "$dir/scheduler.pid"; do
    [ -f "$f" ] || continue
    for _ in $(seq 50); do kill -0 "$(cat "$f")" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$(cat "$f")" 2>/dev/null || true
  done
  rm -rf "$dir"
}

case "${1:-}" in
  start) start "${2:-}" "${3:-3}" ;;
  stop) stop "${2:-}" ;;
  *) echo "usage: dask-cluster.sh start VENV [WORKERS] | stop DIR" >&2; exit 2 ;;
esac
