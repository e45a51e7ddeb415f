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
  # fuzzing (libFuzzer ships with clang's runtime)
  clang libclang-rt-14-dev
  # what mkata drives: containerd, the OCI runtimes, CNI, networking tools
  containerd runc crun runsc containernetworking-plugins iptables iproute2 procps kmod util-linux xz-utils
  # the engines validate and install target (private daemons in tests; never the system's)
  docker.io podman
  # benchmarks
  wrk nginx-light curl
)

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
