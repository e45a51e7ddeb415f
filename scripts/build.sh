#!/usr/bin/env bash
# Configures and builds mkata into ./build (Release-with-debug-info, warnings as errors).
# Extra CMake arguments pass through, e.g. scripts/build.sh -DMKATA_SANITIZE=ON.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DMKATA_WERROR=ON "$@" >/dev/null
cmake --build build --parallel "$(nproc)"
