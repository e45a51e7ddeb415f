// The one seam through which every host probe looks at the machine. All probes name host paths
// as absolute paths ("/proc/cpuinfo", "/dev/kvm") and ask a HostRoot for them, so the same code
// reads the live host ("/") or a fixture tree checked into src/host/testdata/. Three things cannot
// be files in a fixture — device nodes, the KVM ioctls and the output of `tool --version` — so the
// seam has a method for each: the live host asks the kernel / runs the tool, a fixture tree reads
// a small description file instead (format in docs/check.md, "Fixture trees").
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/error.h"
#include "host/kvm_ioctl.h"

namespace mkata::host {

/// What the host says about a device node such as /dev/kvm.
struct DeviceNode {
  bool exists = false;      ///< a character device is at the path
  bool accessible = false;  ///< this user may open it read-write
  std::string detail;       ///< evidence, e.g. "character device 10:232, mode 0600, owner 0:0"
};

/// The host as the probes see it. Methods are const and thread-safe (versions are queried in
/// parallel). Paths are absolute host paths; the implementation adds its prefix.
class HostRoot {
 public:
  virtual ~HostRoot() = default;

  /// "/" for the live host, the directory for a fixture tree (shown in reports).
  virtual std::string describe() const = 0;
  /// The whole file. Error: "read <host path>: <strerror>" (the host path, not the prefixed one).
  virtual Result<std::string> read_file(const std::string& path) const = 0;
  /// True when anything exists at path (links not followed).
  virtual bool exists(const std::string& path) const = 0;
  /// True when path is a regular file this user may execute (in a fixture: any regular file).
  virtual bool is_executable(const std::string& path) const = 0;
  /// The device node at path (a fixture represents it as a regular file, see docs/check.md).
  virtual DeviceNode device(const std::string& path) const = 0;
  /// Opens /dev/kvm and runs KVM_GET_API_VERSION and KVM_CREATE_VM (fixture: reads
  /// fixture/kvm-ioctls). Never fails: what went wrong is in the result.
  virtual KvmIoctlResult kvm_ioctls() const = 0;
  /// The output of `<path> --version` (stdout, or stderr when stdout is empty). Error when the
  /// tool cannot run, exits non-zero or takes longer than a second.
  virtual Result<std::string> tool_version(const std::string& path) const = 0;
  /// The effective uid the probes run as (fixture: fixture/uid, default 0).
  virtual unsigned uid() const = 0;
};

/// The live host, read through "/". Reading never changes anything (no modprobe, no writes).
std::unique_ptr<HostRoot> live_host();

/// A fixture tree rooted at dir. Error when dir is not a directory:
/// "host root <dir>: not a directory".
Result<std::unique_ptr<HostRoot>> fixture_host(const std::string& dir);

}  // namespace mkata::host
