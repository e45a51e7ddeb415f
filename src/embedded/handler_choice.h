// Which runtime handlers the embedded node registers: one per runtime that `mkata check` judges
// usable, wired the way the lab notes found to work here:
//  - runc: the runc shim with runc, a private Root, cgroupfs (SystemdCgroup = false);
//  - crun: the same with crun — or, on a hybrid cgroup host whose cgroup2 mount lists
//    controllers (crun refuses that layout), the crun adapter as BinaryName;
//  - gvisor: containerd-shim-runsc-v1 when installed, else the runc shim with the runsc adapter,
//    configured for this node alone (a link under the state dir with its .conf beside it) to
//    run the chosen runsc (facts.tools "runsc", `--runsc PATH`) on the platform check
//    recommends (systrap when that runsc has it, else ptrace), set explicitly;
//  - kata: io.containerd.kata.v2.
// The adapters (adapters/, see docs/adapters.md) are found next to the mkata build
// (<exe>/../../adapters), in $MKATA_ADAPTER_DIR, or where `mkata install` puts them.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/error.h"
#include "embedded/embedded_node.h"
#include "host/host_facts.h"
#include "host/runtime_verdicts.h"

namespace mkata::embedded {

/// Where to look for an adapter program (name e.g. "mkata-runsc-adapter"); nullopt if absent.
std::optional<std::string> find_adapter(const std::string& name);

/// The handler for one runtime on a host with these facts. Error when a needed adapter is
/// missing: "gvisor needs the runsc adapter 'mkata-runsc-adapter': not found in <dirs>".
Result<NodeHandler> handler_for_runtime(const std::string& runtime, const host::HostFacts& facts,
                                        const NodeLayout& layout);

/// The handlers for every usable runtime (in kRuntimeNames order). A runtime whose handler
/// cannot be built is left out and its error put into `unavailable` (runtime → reason).
std::vector<NodeHandler> choose_handlers(
    const host::HostFacts& facts, const std::map<std::string, host::RuntimeVerdict>& verdicts,
    const NodeLayout& layout, std::map<std::string, std::string>* unavailable);

}  // namespace mkata::embedded
