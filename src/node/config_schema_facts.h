// Which containerd config `mkata install` would edit on this host and which schema it would write
// there, judged exactly as install judges it (node/containerd_config.h choose_config_schema), for
// `mkata check`. Read-only: the file is read, not locked; the distribution's containerd is asked
// for its version (`containerd --version`), the running one is not contacted.
#pragma once

#include <string>

#include "host/host_facts.h"
#include "node/containerd_config.h"
#include "node/distribution.h"

namespace mkata::node {

/// The distribution's containerd binary asked for its version: {"2.1.9+unknown",
/// "(/usr/bin/containerd --version)"}; empty when it is absent or says nothing readable.
ConfigReader containerd_binary_reader(const DistroLayout& layout);

/// The facts for `mkata check` under `root` ("/" on a real host).
host::ContainerdConfigFacts judge_containerd_config(const std::string& root);

}  // namespace mkata::node
