#!/usr/bin/env bash
# A throwaway PostgreSQL server for the store's tests.
#
#   eval "$(scripts/install-postgres.sh start)"   # installs PostgreSQL if missing, starts a
#                                                # cluster on 127.0.0.1, prints the exports
#   cargo test --release -p drawdown-ops          # the store suite then runs on PostgreSQL too
#   scripts/install-postgres.sh stop "$DRAWDOWN_PG_DIR"
#
# `start` prints `export DRAWDOWN_TEST_POSTGRES=postgres://postgres@127.0.0.1:PORT/drawdown_test`
# and `export DRAWDOWN_PG_DIR=DIR` (the cluster's directory, removed by `stop`).
# The cluster trusts local connections: it is for tests only and listens on loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."

pg_bin() {
  local d
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  [ -n "$d" ] && [ -x "$d/initdb" ] && echo "$d"
}

# Runs a command as the `postgres` user (the server refuses to run as root).
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

start() {
  local bin dir port
  bin="$(pg_bin || true)"
  if [ -z "$bin" ]; then
    scripts/apt-install.sh install-postgres postgresql >&2
    bin="$(pg_bin)" || { echo "install-postgres: no initdb after installing postgresql" >&2; exit 1; }
  fi
  # Under /tmp so that the `postgres` user can reach it wherever the checkout is.
  dir="$(mktemp -d /tmp/drawdown-pg.XXXXXX)"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$dir"
  fi
  chmod 700 "$dir"
  # A free loopback port (nothing answers on it).
  for port in $(seq 54330 54429); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
  done
  as_postgres "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; echo "install-postgres: initdb failed" >&2; exit 1; }
  as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=200" start >/dev/null ||
    { cat "$dir/server.log" >&2; echo "install-postgres: the server did not start" >&2; exit 1; }
  as_postgres "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres drawdown_test
  echo "export DRAWDOWN_TEST_POSTGRES=postgres://postgres@127.0.0.1:$port/drawdown_test"
  echo "export DRAWDOWN_PG_DIR=$dir"
}

stop() {
  local dir="${1:?usage: install-postgres.sh stop DIR}" bin
  case "$dir" in /tmp/drawdown-pg.*) ;; *) echo "install-postgres: refusing to remove $dir" >&2; exit 1 ;; esac
  bin="$(pg_bin)"
  [ -d "$dir/data" ] && as_postgres "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:-}" ;;
  *) echo "usage: install-postgres.sh start | stop DIR" >&2; exit 2 ;;
esac
