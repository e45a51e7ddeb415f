#!/usr/bin/env bash
# Configures and builds mkata into ./build (Release-with-debug-info, warnings as errors).
# Extra CMake arguments pass through, e.g. scripts/build.sh -DMKATA_SANITIZE=ON.
# Where ccache is installed it caches compilations, keyed on paths relative to this checkout, so
# that a second checkout (a git worktree) reuses them.
set -euo pipefail
cd "$(dirname "$0")/.."
launcher=()
if command -v ccache >/dev/null; then
  export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
  launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
cmake -S . -B build -G Ninja -DMKATA_WERROR=ON "${launcher[@]}" "$@" >/dev/null
cmake --build build --parallel "$(nproc)"
