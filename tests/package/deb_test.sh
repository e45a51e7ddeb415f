#!/usr/bin/env bash
# The Debian package end to end, as a user gets it: CPack builds mkata_<version>_amd64.deb from
# this build tree, `dpkg -i` installs it (the dependencies are what scripts/deps.sh installed, so
# `apt-get -f install` is not needed here), `mkata --version`, `mkata check` and `mkata validate`
# run from /usr/bin with nothing of the build tree, and `dpkg -r` leaves nothing behind.
# Skips (exit 77, reason printed) unless root, or when a mkata package is already installed:
# it never replaces or removes a package it did not install.
set -euo pipefail
build=${1:?usage: deb_test.sh BUILD_DIR}
skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" -eq 0 ] || skip "needs root (dpkg -i)"
command -v dpkg-shlibdeps >/dev/null || skip "dpkg-shlibdeps (dpkg-dev) is not installed"
if dpkg-query -W -f='${Status}' mkata 2>/dev/null | grep -q "install ok installed"; then
  skip "a mkata package is already installed on this host; not replacing it"
fi

work=$(mktemp -d /tmp/mkata-deb-XXXXXX)
installed=0
cleanup() {
  if [ $installed -eq 1 ]; then dpkg -r mkata >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "== cpack"
(cd "$build" && cpack -G DEB -B "$work/out" >/dev/null)
deb=$(ls "$work"/out/mkata_*_amd64.deb)
echo "built $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB)"
version=$(dpkg-deb -f "$deb" Version)
[ "$(basename "$deb")" = "mkata_${version}_amd64.deb" ] || { echo "FAIL: file name $deb"; exit 1; }
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
for d in containerd runc containernetworking-plugins libgrpc; do
  case "$depends" in *"$d"*) ;; *) echo "FAIL: Depends lacks $d"; exit 1 ;; esac
done
contents=$(dpkg-deb -c "$deb" | awk '{print $6}')
for f in ./usr/bin/mkata ./usr/lib/mkata/mkata-runsc-adapter ./usr/lib/mkata/mkata-crun-adapter \
         ./usr/lib/mkata/workloads/helloworld ./usr/lib/mkata/workloads/autoscale \
         ./usr/lib/mkata/workloads/pause ./usr/share/doc/mkata/README.md; do
  grep -qxF "$f" <<<"$contents" || { echo "FAIL: $f is not in the package"; exit 1; }
done

echo "== dpkg -i"
before=$(mktemp "$work/before.XXXXXX")
find /usr/bin /usr/lib /usr/share/doc /usr/local/lib -xdev 2>/dev/null | sort > "$before"
dpkg -i "$deb" >/dev/null
installed=1
[ "$(dpkg-query -W -f='${Status}' mkata)" = "install ok installed" ] || { echo "FAIL: not installed"; exit 1; }

echo "== mkata from the package"
# Nothing of the build tree: another working directory, no MKATA_* variables.
cd /
env -u MKATA_ADAPTER_DIR -u MKATA_WORKLOAD_DIR /usr/bin/mkata --version
/usr/bin/mkata --version | grep -q "^mkata ${version} (git " || { echo "FAIL: --version"; exit 1; }
/usr/bin/mkata check >/dev/null
state=$(mktemp -d /tmp/mkata-deb-node-XXXXXX)
status=0
env -u MKATA_ADAPTER_DIR -u MKATA_WORKLOAD_DIR /usr/bin/mkata validate --runtime runc,gvisor \
  --state-dir "$state" --network mkdeb --bridge mk-deb0 --subnet 100.64.33.0/24 \
  --json "$work/report.json" > "$work/validate.out" 2>&1 || status=$?
rm -rf "$state"
if [ $status -ne 0 ]; then
  cat "$work/validate.out"; echo "FAIL: mkata validate from the package exited $status"; exit 1
fi
python3 - "$work/report.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
ran = {x["name"]: x["status"] for x in r["runtimes"]}
assert ran.get("runc") == "passed" and ran.get("gvisor") == "passed", ran
print("validate from the package:", ran)
PY
# The package's adapters and workloads come first in mkata's lookup (before the build tree's).

echo "== dpkg -r"
dpkg -r mkata >/dev/null
installed=0
after=$(mktemp "$work/after.XXXXXX")
find /usr/bin /usr/lib /usr/share/doc /usr/local/lib -xdev 2>/dev/null | sort > "$after"
if ! diff "$before" "$after" >/dev/null; then
  echo "FAIL: dpkg -r left files behind:"; diff "$before" "$after" | grep '^>' ; exit 1
fi
dpkg-query -W mkata >/dev/null 2>&1 && [ "$(dpkg-query -W -f='${Status}' mkata)" != "deinstall ok config-files" ] &&
  [ "$(dpkg-query -W -f='${Status}' mkata)" != "not-installed" ] && { echo "FAIL: still registered"; exit 1; }
echo "PASS: the package installs, runs check and validate, and is removed without a trace"
