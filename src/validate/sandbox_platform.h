// Which gVisor platform a pod's sandbox really runs on — proven from the running sandbox, not
// assumed from the configuration. The most direct evidence the host offers: containerd's verbose
// PodSandboxStatus names the pod's sandbox task pid (info "info" → "pid"); for gVisor that is the
// runsc sandbox process ("runsc-sandbox ... boot"), and its command line, read from
// /proc/<pid>/cmdline, carries the `--platform=<name>` runsc was started with. (runsc passes
// the flags that differ from its defaults to the sandbox.) Older runsc (20221219) leaves out its
// default, ptrace; that platform shows in the kernel instead: the sandbox ptrace-attaches its
// stub processes, so a child whose /proc/<pid>/status TracerPid is a thread of the sandbox proves
// ptrace. Anything else is reported as not proven.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "core/error.h"
#include "cri/cri_client.h"

namespace mkata::validate {

/// The platform and how it was read.
struct PlatformProof {
  std::string platform;  ///< "systrap", "ptrace", "kvm"
  std::string evidence;  ///< e.g. "/proc/4242/cmdline of the pod's sandbox task: --platform=..."
};

/// The sandbox task pid in containerd's verbose PodSandboxStatus info (key "info", a JSON object
/// with "pid"; the same in containerd 1.6, 1.7 and 2.x). Error: "PodSandboxStatus info has no
/// sandbox pid".
Result<pid_t> sandbox_pid_of(const cri::StringMap& info);

/// The value of `--platform=X` (or `--platform X`) in a runsc command line, before the
/// subcommand; "" when absent.
std::string platform_flag(const std::vector<std::string>& argv);

/// Reads the platform of the gVisor pod `pod_id` from its sandbox process (or, when the sandbox
/// task is a wrapper, its children). Error names the pod and what was missing.
Result<PlatformProof> gvisor_platform_of_pod(const cri::CriClient& client,
                                             const std::string& pod_id);

}  // namespace mkata::validate
