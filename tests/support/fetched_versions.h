// The other versions of containerd, runsc and Docker that scripts/fetch-versions.sh unpacked from
// Debian's archive (Debian 13, unstable) into a private cache, for the version-matrix tests. The
// cache's `index` says, per package and suite, where the unpacked tree is — or why it is not there
// (offline, suite gone), which is the reason a test skips with.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "core/files.h"
#include "core/strings.h"

namespace mkata::test {

/// One package of the cache.
struct FetchedPackage {
  std::string package;  ///< "containerd"
  std::string suite;    ///< "trixie", "sid"
  std::string version;  ///< Debian version, "" when unavailable
  std::string dir;      ///< the unpacked tree ("" when unavailable)
  std::string why;      ///< why it is unavailable ("" when fetched)

  bool available() const { return !dir.empty(); }
  /// A file of the unpacked package ("/usr/bin/containerd").
  std::string file(const std::string& path) const { return dir + path; }
};

/// The cache directory: $MKATA_VERSIONS_DIR, else /var/cache/mkata/versions.
inline std::string fetched_versions_dir() {
  const char* env = std::getenv("MKATA_VERSIONS_DIR");
  return env && *env ? env : "/var/cache/mkata/versions";
}

/// The package of `suite` in the cache; never fails: an absent cache or line is an unavailable
/// package whose `why` says how to get it.
inline FetchedPackage fetched_package(const std::string& package, const std::string& suite) {
  FetchedPackage p{package, suite, "", "", ""};
  std::string index = fetched_versions_dir() + "/index";
  auto text = read_file(index);
  if (!text) {
    p.why = index + " is missing (run scripts/deps.sh, which runs scripts/fetch-versions.sh)";
    return p;
  }
  for (const auto& line : split(*text, '\n')) {
    auto f = split(line, '\t');
    if (f.size() != 4 || f[0] != package || f[1] != suite) continue;
    if (f[2] == "-") {
      p.why = package + " from Debian " + suite + " is " + f[3];
    } else if (!path_exists(f[3])) {
      p.why = f[3] + " is listed in " + index + " but missing (run scripts/fetch-versions.sh)";
    } else {
      p.version = f[2];
      p.dir = f[3];
    }
    return p;
  }
  p.why = package + " from Debian " + suite + " is not listed in " + index +
          " (run scripts/fetch-versions.sh)";
  return p;
}

/// Skips the current test unless the package was fetched; evaluates to the package.
#define MKATA_REQUIRE_FETCHED(var, package, suite)                   \
  auto var = ::mkata::test::fetched_package(package, suite);         \
  if (!var.available()) GTEST_SKIP() << var.why

}  // namespace mkata::test
