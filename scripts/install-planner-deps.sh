#!/usr/bin/env bash
# Installs what the planner crate (crates/planner) needs to build: the `highs`
# crate's highs-sys builds the HiGHS solver from source with CMake and a C++
# compiler, and generates its Rust bindings with bindgen, which loads libclang.
# Idempotent and quiet; CI runs it before building the planner.
set -euo pipefail

need=()
command -v cmake >/dev/null || need+=(cmake)
command -v c++ >/dev/null || need+=(g++)
command -v make >/dev/null || need+=(make)
# bindgen looks for libclang.so (the -dev package provides the unversioned link).
ls /usr/lib/llvm-*/lib/libclang.so >/dev/null 2>&1 || ls /usr/lib/x86_64-linux-gnu/libclang*.so >/dev/null 2>&1 || need+=(libclang-dev)
[ ${#need[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-planner-deps.sh: need root (or sudo) to install ${need[*]}" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
# Quiet on success; the whole apt log on failure.
if ! { $sudo apt-get update -qq && $sudo apt-get install -y -qq "${need[@]}"; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "install-planner-deps.sh: could not install ${need[*]}" >&2
  exit 1
fi
