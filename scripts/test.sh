#!/usr/bin/env bash
# The README's second command: install what is missing, build, and run every test through CTest
# (unit tests, then the integration tests that drive real containerd and runtimes as root, then a
# bounded fuzzing run). Ends with CTest's summary line.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/build.sh -DMKATA_FUZZ=ON
cd build
ctest --output-on-failure --timeout 900
