// The facts of one `mkata validate` run, as plain data: what ran where, with which versions, what
// each runtime proved and how long every phase took. The validate scenario fills it; the report
// renderers (Markdown, JSON; later HTML, JUnit) only format it, so every format tells the same
// story. Schema of the JSON form: docs/validate-json.md.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace mkata::report {

/// A version of one component ("containerd" → "1.6.20").
struct ComponentVersion {
  std::string component;
  std::string version;
};

/// One runtime's line of `mkata check`.
struct CheckLine {
  std::string runtime;
  bool usable = false;
  std::vector<std::string> reasons;  ///< why not usable (or notes when usable)
};

/// One value of the isolation proof.
struct EvidenceRow {
  std::string field;  ///< e.g. "boot_id"
  std::string pod;    ///< the pod's value
  std::string host;   ///< the host's value ("" when not compared with the host)
  std::string rule;   ///< e.g. "must differ from the host"
  bool ok = false;
};

/// One named duration in milliseconds.
struct PhaseTiming {
  std::string phase;  ///< e.g. "deploy", "ready", "helloworld_ready"
  long long ms = 0;
};

/// What one runtime did.
struct RuntimeOutcome {
  std::string name;          ///< runc | crun | gvisor | kata
  std::string display_name;  ///< "gVisor Containers"
  std::string handler;       ///< the CRI runtime handler used
  std::string status;        ///< passed | failed | skipped
  std::string reason;        ///< why failed or skipped ("" when passed)
  std::string pod_info;      ///< the pod's /info as JSON text ("" when never reached)
  std::vector<EvidenceRow> evidence;
  std::vector<std::pair<std::string, std::string>> answers;  ///< workload → its answer
  std::vector<PhaseTiming> timings;
  std::string node;  ///< the cluster node it was pinned to (`--all-nodes`); "" = not pinned
  /// gvisor: the platform its sandbox really ran on ("systrap", "ptrace"), read from the running
  /// sandbox (validate/sandbox_platform.h), and that evidence; "" = not gvisor, or not proven.
  std::string platform{};
  std::string platform_evidence{};
};

/// A whole run.
struct ValidationRecord {
  std::string started_utc;  ///< ISO 8601, e.g. "2026-11-27T23:50:01Z"
  std::string target = "embedded";
  std::string target_description;  ///< e.g. "Docker Engine 20.10.24+dfsg1 at /var/run/docker.sock"
  std::vector<std::string> target_notes;  ///< how the target ran the workloads (e.g. --ulimit)
  std::string host_name;
  std::string host_info;  ///< the host's view as JSON text (same fields as /info)
  std::vector<ComponentVersion> versions;
  std::vector<CheckLine> check;
  std::vector<RuntimeOutcome> runtimes;
  std::vector<PhaseTiming> timings;  ///< node_up, node_down, total
  bool passed = false;
  std::string error;  ///< a failure outside any runtime (e.g. node up failed), "" otherwise
};

}  // namespace mkata::report
