#!/usr/bin/env bash
# Instructions per event of the engine's replication loop, counted by
# valgrind's callgrind: a figure that does not depend on the machine's load.
#
#   scripts/bench-callgrind.sh [BINARY ...]
#
# For each binary (default: target/release/drawdown) and each scenario (the
# embedded MINUSMA scenario and generated missions of 10, 100, 300 and 1,000
# sites), runs `simulate --inputs point --threads 1` under callgrind and
# prints the events simulated, the instructions spent inside `Sim::run`
# (inclusive: the event loop and its handlers, not compiling the scenario or
# summarising the results) and their ratio. With two binaries it also says
# whether their JSON outputs are byte-identical, so a change can be shown to
# be faster and to give the same results. Needs valgrind and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
bins=("$@")
[ ${#bins[@]} -eq 0 ] && bins=(target/release/drawdown)
command -v valgrind > /dev/null || { echo "error: valgrind is not installed" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"${bins[0]}" generate --sites 10 --personnel 5000 --out "$work/g10.toml" > /dev/null
"${bins[0]}" generate --sites 100 --personnel 20000 --out "$work/g100.toml" > /dev/null
"${bins[0]}" generate --sites 300 --personnel 30000 --out "$work/g300.toml" > /dev/null
"${bins[0]}" generate --sites 1000 --personnel 100000 --out "$work/g1000.toml" > /dev/null
printf '%-10s %5s %10s %14s %10s  %s\n' scenario runs events "Sim::run Ir" "Ir/event" binary
for sc in minusma g10 g100 g300 g1000; do
  case $sc in
    minusma) file=(); runs=8 ;;
    g10) file=("$work/$sc.toml"); runs=16 ;;
    g1000) file=("$work/$sc.toml"); runs=1 ;;
    *) file=("$work/$sc.toml"); runs=4 ;;
  esac
  i=0
  for b in "${bins[@]}"; do
    out="$work/$sc-$i"
    valgrind --tool=callgrind --callgrind-out-file="$out.cg" "$b" simulate "${file[@]}" --runs "$runs" \
      --threads 1 --inputs point --format json > "$out.json" 2> /dev/null
    callgrind_annotate --inclusive=yes "$out.cg" > "$out.txt"
    ir="$(awk '/Sim::run /{gsub(",", "", $1); print $1; exit}' "$out.txt")"
    events="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["engine"]["events"])' "$out.json")"
    printf '%-10s %5s %10s %14s %10s  %s\n' "$sc" "$runs" "$events" "$ir" "$((ir / events))" "$b"
    i=$((i + 1))
  done
  if [ ${#bins[@]} -eq 2 ]; then
    if cmp -s "$work/$sc-0.json" "$work/$sc-1.json"; then echo "           outputs identical"; else echo "           OUTPUTS DIFFER"; fi
  fi
done
