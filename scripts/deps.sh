#!/usr/bin/env bash
# Installs the Debian packages mkata needs to build, test and run — only the missing ones, so a
# second run is fast and changes nothing. Everything comes from Debian's archive; nothing is
# downloaded from anywhere else.
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build pkg-config git
  libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc
  nlohmann-json3-dev libtomlplusplus-dev libarchive-dev libcurl4-openssl-dev zlib1g-dev libssl-dev
  libgtest-dev libgmock-dev
  # the report tests: JUnit XML checked against its schema, the HTML report in a headless browser
  libxml2-utils chromium
  # ... and read by what consumes them elsewhere: junitparser (JUnit XML), cmark-gfm (the step summary)
  python3-junitparser cmark-gfm
  # fuzzing (libFuzzer ships with clang's runtime)
  clang libclang-rt-14-dev
  # what mkata drives: containerd, the OCI runtimes, CNI, networking tools
  containerd runc crun runsc containernetworking-plugins iptables iproute2 procps kmod util-linux xz-utils
  # the engines validate and install target (private daemons in tests; never the system's)
  docker.io podman
  # pushing the images to a registry (validate --target kube --registry); a loopback registry in tests
  skopeo docker-registry
  # benchmarks
  wrk nginx-light curl
  # the firewall leak checks of the engine tests (nft list ruleset before and after)
  nftables
  # the YAML round trip of the manifests test
  python3-yaml
)
# Node.js runs the offline Kubernetes schema check of the manifests (tests/kube-schema); any
# Node.js >= 14 with npm does, so Debian's is installed only when none is there.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then packages+=(nodejs npm); fi

# The schema package pinned in tests/kube-schema/package-lock.json, installed with `npm ci` into
# a cache outside the repo; done again only when the lock file changes.
kube_schema() {
  local src dir stamp
  src="$(cd "$(dirname "$0")/.." && pwd)/tests/kube-schema"
  dir=/var/cache/mkata/kube-schema
  stamp=$(sha256sum "$src/package-lock.json" | cut -d' ' -f1)
  if [ -d "$dir/node_modules/kubernetes-models" ] && [ "$(cat "$dir/.lock-sha256" 2>/dev/null)" = "$stamp" ]; then
    echo "deps: kube-schema present ($dir)"
    return
  fi
  echo "deps: kube-schema: npm ci into $dir"
  mkdir -p "$dir"
  rm -f "$dir/.lock-sha256"
  cp "$src/package.json" "$src/package-lock.json" "$dir/"
  (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
  echo "$stamp" > "$dir/.lock-sha256"
}

# The other containerd/runsc/Docker versions of the matrix tests, unpacked into a private cache
# (never installed); offline, their tests skip with the reason.
versions() {
  "$(cd "$(dirname "$0")" && pwd)/fetch-versions.sh" || echo "deps: fetch-versions failed; the version tests will skip"
}

if [ "$(id -u)" -ne 0 ]; then
  echo "deps.sh: run as root (it installs Debian packages and mkata drives containerd as root)" >&2
  exit 2
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "deps: all ${#packages[@]} packages present"
  kube_schema
  versions
  exit 0
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# policy-rc.d keeps Debian's maintainer scripts from starting containerd and nginx as system
# services: mkata starts its own private instances and must leave the host as it found it.
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod 755 "$policy" && created_policy=1
fi
trap '[ $created_policy -eq 1 ] && rm -f "$policy"' EXIT
apt-get install -y -qq --no-install-recommends "${missing[@]}"
kube_schema
versions
