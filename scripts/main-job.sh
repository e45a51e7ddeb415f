#!/usr/bin/env bash
# The main job on a built tree: `mkata validate` on the embedded node — a private containerd with
# CNI comes up, helloworld and autoscale run as pods through CRI under every usable runtime (runc,
# crun, gVisor; Kata where KVM and Kata exist, otherwise skipped with check's reason), the
# isolation is proven from each pod's /info, the node goes down leaving the host as it was, and
# the reports land in build/validate-report.{md,json}. Exit 0 only when every runtime that ran
# passed (1 = a validation failed, 2 = environment, 130 = interrupted).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=build/src/cli/mkata
"$bin" check || true
echo
status=0
"$bin" validate --report build/validate-report.md --json build/validate-report.json || status=$?
echo "reports: build/validate-report.md build/validate-report.json"
exit "$status"
