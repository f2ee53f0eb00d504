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
exec "$(dirname "$0")/apt-install.sh" install-planner-deps.sh ${need[@]+"${need[@]}"}
