// `--target NAME` → the Target that runs the workloads (target.h): the embedded node, the user's
// Docker Engine (found the Docker way: --docker-host, else $DOCKER_HOST, else
// /var/run/docker.sock) or the user's rootful Podman. An engine must answer before anything runs;
// for Podman the --ulimit values this host needs (host/process_limits.h) are worked out here and
// named in the report.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/error.h"
#include "validate/scenario.h"
#include "validate/target.h"

namespace mkata::validate {

/// `--target auto`: "microk8s" when this host is a MicroK8s node (the microk8s command and the
/// snap's containerd socket are there), else "embedded".
std::string detect_target();

/// The target of options.target, connected. Errors: usage for an unknown target or invalid node
/// options ("unknown target 'k8s' (accepted: embedded, docker, podman)"); environment when the
/// engine does not answer.
Result<std::unique_ptr<Target>> make_target(const ValidateOptions& options);

/// `validate --target kube|microk8s --cleanup`: connects as a run would and deletes what killed
/// runs left (KubeTarget::cleanup_left_behind); returns "kind/name" of each deleted object.
Result<std::vector<std::string>> cleanup_cluster(const ValidateOptions& options);

}  // namespace mkata::validate
