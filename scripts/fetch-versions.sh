#!/usr/bin/env bash
# Fetches the other versions of what mkata drives — containerd 1.7 (Debian 13) and 2.x (Debian
# unstable), runsc with systrap (Debian 13), Docker Engine 28 (unstable) — from Debian's archive into
# a private cache, for the version-matrix tests (tests/integration/versions_test.cc). Nothing is
# installed: the packages are downloaded with a temporary sources list and private apt state, then
# unpacked with dpkg-deb -x. The system's packages and apt configuration are never touched.
#
# The cache (default /var/cache/mkata/versions, or $MKATA_VERSIONS_DIR) ends with an `index` file,
# one line per wanted package, tab-separated:
#   <package> <suite> <version> <directory>        fetched and unpacked
#   <package> <suite> -         unavailable: <why>  not fetched (offline, suite gone, ...)
# Tests read it and skip with the reason. Done again only when the index is older than a week or
# the wanted list changes, so a second run is fast and offline-safe.
#
# Only Go programs are fetched: runc and crun from Debian 13 and unstable need glibc 2.38 and do not
# run on Debian 12 (bookworm has 2.36), so the system's runc and crun stay the ones tested.
set -euo pipefail

cache=${MKATA_VERSIONS_DIR:-/var/cache/mkata/versions}
# package/suite: what the matrix needs.
wanted=(containerd/trixie containerd/sid runsc/trixie docker.io/sid)
max_age_days=7

signature=$(printf '%s\n' "${wanted[@]}" | sha256sum | cut -d' ' -f1)
if [ -f "$cache/index" ] && [ "$(cat "$cache/.wanted" 2>/dev/null)" = "$signature" ] &&
   [ -z "$(find "$cache/index" -mtime +"$max_age_days")" ] && ! grep -q $'\t-\t' "$cache/index"; then
  echo "deps: versions present ($cache/index)"
  exit 0
fi

mkdir -p "$cache"
work=$(mktemp -d "$cache/.fetch.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/debs"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
{
  for suite in $(printf '%s\n' "${wanted[@]}" | cut -d/ -f2 | sort -u); do
    echo "deb [signed-by=$keyring] http://deb.debian.org/debian $suite main"
  done
} > "$work/sources.list"
apt_opts=(-o "Dir::Etc::sourcelist=$work/sources.list" -o Dir::Etc::sourceparts=-
          -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache"
          -o Debug::NoLocking=1 -o APT::Sandbox::User=root -o Acquire::http::Timeout=20
          -o Acquire::Retries=1 -q)

index="$work/index"
: > "$index"
update_error=""
if ! out=$(apt-get "${apt_opts[@]}" update 2>&1); then
  update_error=$(echo "$out" | grep -E '^(E|W):' | head -1)
  update_error=${update_error:-apt-get update failed}
fi

for item in "${wanted[@]}"; do
  pkg=${item%/*}
  suite=${item#*/}
  if [ -n "$update_error" ]; then
    printf '%s\t%s\t-\tunavailable: %s\n' "$pkg" "$suite" "$update_error" >> "$index"
    continue
  fi
  version=$(apt-cache "${apt_opts[@]}" madison "$pkg" 2>/dev/null |
            awk -F'|' -v s="$suite/main" '$3 ~ s {gsub(/ /, "", $2); print $2; exit}')
  if [ -z "$version" ]; then
    printf '%s\t%s\t-\tunavailable: %s has no package %s\n' "$pkg" "$suite" "$suite" "$pkg" >> "$index"
    continue
  fi
  dir="$cache/$suite/$pkg-$version"
  if [ ! -f "$dir/.unpacked" ]; then
    rm -rf "$work/debs"/*
    if ! out=$(cd "$work/debs" && apt-get "${apt_opts[@]}" download "$pkg=$version" 2>&1); then
      why=$(echo "$out" | grep -E '^E:' | head -1)
      printf '%s\t%s\t-\tunavailable: %s\n' "$pkg" "$suite" "${why:-download failed}" >> "$index"
      continue
    fi
    rm -rf "$dir"
    mkdir -p "$dir"
    dpkg-deb -x "$work/debs"/*.deb "$dir"
    touch "$dir/.unpacked"
  fi
  printf '%s\t%s\t%s\t%s\n' "$pkg" "$suite" "$version" "$dir" >> "$index"
  echo "deps: $pkg $version ($suite) in $dir"
done

# Versions no longer listed (superseded in unstable) are removed; the index is replaced atomically.
for old in "$cache"/*/*/; do
  [ -d "$old" ] || continue
  grep -qxF "${old%/}" <(cut -f4 "$index") || rm -rf "$old"
done
echo "$signature" > "$cache/.wanted"
mv "$index" "$cache/index"
if grep -q $'\t-\t' "$cache/index"; then
  echo "deps: some versions are unavailable (their tests will skip):"
  grep $'\t-\t' "$cache/index" | sed 's/^/  /'
fi
