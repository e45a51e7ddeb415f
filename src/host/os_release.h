// Which distribution the host runs, from os-release(5): reports print it next to the kernel and
// the runtimes' versions, and validate records it. Absent or unreadable is a fact, not an error.
#pragma once

#include <string>
#include <vector>

#include "host/evidence.h"
#include "host/host_root.h"

namespace mkata::host {

/// The fields of os-release that reports use; empty when unknown.
struct OsRelease {
  std::string id;           ///< ID, e.g. "debian"
  std::string version_id;   ///< VERSION_ID, e.g. "12"
  std::string pretty_name;  ///< PRETTY_NAME, e.g. "Debian GNU/Linux 12 (bookworm)"
  std::vector<Evidence> evidence;
};

/// Parses os-release text (KEY=value lines, values optionally quoted).
OsRelease parse_os_release(const std::string& text);

/// Reads /etc/os-release, else /usr/lib/os-release, through root.
OsRelease probe_os_release(const HostRoot& root);

}  // namespace mkata::host
