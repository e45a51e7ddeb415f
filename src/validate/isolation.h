// The isolation proof: what a pod's process sees of its kernel (the workload's /info) compared
// with what the host sees. Pure functions, so the rules are unit-tested exactly:
//  - runc and crun share the host kernel: kernel_release and boot_id must equal the host's
//    (otherwise the "runc" handler is not what it claims — e.g. a symlink to another runtime);
//  - gvisor and kata must NOT: a pod that shows the host's boot_id, or the host's kernel release
//    *and* version, "is not sandboxed" — the well-known failure where a "kata" handler silently
//    ran runc;
//  - kata pods run in a VM, so they must also see the hypervisor CPU flag.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/error.h"

namespace mkata::validate {

/// What one side (a pod or the host) sees of its kernel.
struct KernelView {
  std::string kernel_release;
  std::string kernel_version;
  std::optional<std::string> boot_id;  ///< nullopt when unreadable
  std::string hostname;
  bool hypervisor_cpu_flag = false;
  long cpus = 0;
  long long memory_total_bytes = 0;
};

/// Parses a workload's /info JSON. Error (names the field): "parse /info: field 'boot_id' must
/// be a string or null".
Result<KernelView> parse_info(const std::string& json);

/// The host's view: uname(2), /proc/sys/kernel/random/boot_id, /proc/cpuinfo, /proc/meminfo.
Result<KernelView> host_kernel_view();

/// How a runtime must isolate a pod.
enum class Isolation {
  kSharedKernel,   ///< runc, crun
  kSandbox,        ///< gvisor: a user-space kernel
  kVirtualMachine  ///< kata
};

/// The isolation a runtime promises; error for an unknown runtime name.
Result<Isolation> expected_isolation(const std::string& runtime);

/// One compared value.
struct Comparison {
  std::string field;  ///< "kernel_release", "boot_id", "kernel_version", "hypervisor_cpu_flag"
  std::string pod;    ///< the pod's value as text ("null" when absent)
  std::string host;   ///< the host's value ("" when not compared with the host)
  std::string rule;   ///< "must equal the host", "must differ from the host", "must be true"
  bool ok = false;
};

/// The verdict with every comparison made.
struct IsolationVerdict {
  bool ok = false;
  std::string reason;  ///< "" when ok; e.g. "pod is not sandboxed: boot_id equals the host's (…)"
  std::vector<Comparison> comparisons;
};

/// Applies the rules of `isolation` to a pod's and the host's views.
IsolationVerdict judge_isolation(Isolation isolation, const KernelView& pod,
                                 const KernelView& host);

}  // namespace mkata::validate
