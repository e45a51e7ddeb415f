// Where `mkata validate` runs the workloads: one interface for every place users run containers
// (PRODUCT.md, Targets) — the embedded node (embedded_target.h), Docker and Podman
// (engine_target.h); a Kubernetes cluster next. The scenario (scenario.cc) drives a Target and
// knows nothing else of it: which runtimes the target can run, making the images available,
// starting one workload under one runtime and reaching it by address, whether it exited, removing
// it, the versions of the target's components, and undoing what preparing started. Readiness, the
// answers, the isolation rules and the report are the scenario's and are the same on every target.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/progress.h"
#include "host/host_facts.h"
#include "host/runtime_verdicts.h"
#include "report/validation_record.h"
#include "validate/isolation.h"
#include "validate/workload_spec.h"

namespace mkata::validate {

/// How a target runs one runtime, or why it cannot.
struct RuntimeChoice {
  bool usable = false;
  std::string handler;  ///< the target's name for it: CRI handler, engine runtime name
  std::string reason;   ///< why not, when !usable
};

/// One workload started under one runtime: what the scenario reaches and the target removes.
struct Deployment {
  WorkloadSpec workload;
  std::string runtime;  ///< runc | crun | gvisor | kata
  std::string handler;  ///< RuntimeChoice::handler
  std::string node;     ///< the node to run on (placements()); "" = where the target likes
  std::string id;       ///< the target's handle (pod sandbox, container); "" until one exists
  std::string address;  ///< the IP the workload's ports are reached at
  /// Container port → the port it is reached at on `address`, where they differ (a kubectl
  /// port-forward); a port not listed is reached as itself.
  std::map<int, int> ports;
  std::vector<report::PhaseTiming> timings;  ///< the target's own phases, named "<workload>_…"
};

class Target {
 public:
  virtual ~Target() = default;

  /// "embedded", "docker", "podman", … (the report's `target`).
  virtual std::string name() const = 0;

  /// The target in a few words for the report, e.g. "Docker Engine 20.10.24+dfsg1 at
  /// /var/run/docker.sock" (after prepare()).
  virtual std::string description() const { return name(); }

  /// What the report should say about how this target ran the workloads (e.g. the --ulimit
  /// values Podman needed here), after prepare().
  virtual std::vector<std::string> notes() const { return {}; }

  /// How this target would run `runtime`, given the host's verdict on it.
  virtual RuntimeChoice choose(const std::string& runtime, const host::HostFacts& facts,
                               const host::RuntimeVerdict& verdict) = 0;

  /// Gets ready to run the chosen runtimes (runtime → choice, all usable): starts or attaches
  /// to what runs them and makes the images available. Returns the final choice per runtime (a
  /// target already running may lack one). Phases it times go to `timings` (e.g. node_up).
  virtual Result<std::map<std::string, RuntimeChoice>> prepare(
      const std::map<std::string, RuntimeChoice>& chosen, Progress& progress,
      std::vector<report::PhaseTiming>& timings) = 0;

  /// Where a runtime's workloads run, one validation each: {""} (the default) = wherever the
  /// target puts them; a cluster with --all-nodes gives every Ready node that has the handler.
  virtual std::vector<std::string> placements(const std::string&) { return {""}; }

  /// Each workload's image reference on this target (after prepare).
  virtual std::map<std::string, std::string> images() const = 0;

  /// Creates and starts d.workload under d.handler and sets d.address. Sets d.id as soon as
  /// anything exists, so that remove() cleans up after a failure. Does not wait for readiness.
  virtual Result<void> start(Deployment& d) = 0;

  /// The workload's exit code once it has exited; nullopt while it runs (or when unknown).
  virtual std::optional<int> exit_code(const Deployment& d) = 0;

  /// The last lines the workload wrote (stdout and stderr), for a failure's reason; "" when
  /// there are none or they cannot be read.
  virtual std::string logs(const Deployment& d) = 0;

  /// Stops and removes everything of d; nothing to do when d.id is empty.
  virtual Result<void> remove(const Deployment& d) = 0;

  /// What the isolation rules compare d's /info with: the kernel of the machine it ran on.
  /// nullopt (the default) = this host, which is where the embedded node, Docker and Podman run
  /// their containers; a cluster target returns the node's (status.nodeInfo).
  virtual std::optional<KernelView> host_view_of(const Deployment&) { return std::nullopt; }

  /// gvisor: the platform d's sandbox really runs on and the evidence, read while it runs;
  /// nullopt (the default) = this target cannot tell.
  virtual std::optional<std::pair<std::string, std::string>> sandbox_platform(const Deployment&) {
    return std::nullopt;
  }

  /// The target's components for the report (e.g. containerd 1.6.20, Docker Engine 20.10.24).
  virtual std::vector<report::ComponentVersion> versions() = 0;

  /// Undoes what prepare() started (unless kept); also called after prepare() failed. Phases it
  /// times go to `timings`; an error is recorded as the run's error.
  virtual Result<void> finish(Progress& progress, std::vector<report::PhaseTiming>& timings) = 0;
};

}  // namespace mkata::validate
