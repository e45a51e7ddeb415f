#!/usr/bin/env bash
# The main job on a built tree. Until `mkata validate` lands on the embedded node, this builds
# the workload images and runs the workloads locally against loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=build/src/cli/mkata
"$bin" check || true
"$bin" images build --out build/images
