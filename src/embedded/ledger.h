// The ledger: an append-only journal of every change the embedded node makes outside its own
// bookkeeping (a sysctl, a bridge, a containerd process, a CNI network, a cgroup parent, an OCI
// runtime root, a pod sandbox). Each change is appended and fsync'ed *before* it is made, so that
// after any crash — even a kill -9 of mkata halfway through `node up` or `validate` — `node down`
// can replay the ledger and undo everything. Undo steps are idempotent: undoing a change that was
// recorded but never happened is harmless.
//
// Format: JSON lines (one object per line) in <state>/ledger.jsonl; a torn last line (a crash in
// the middle of a write) is ignored.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "core/error.h"

namespace mkata::embedded {

/// One recorded host change. Which fields matter depends on the kind (see the constants).
struct HostChange {
  std::string kind;    ///< one of the kChange* constants
  std::string name;    ///< what was changed (sysctl key, bridge, handler, sandbox id, ...)
  std::string before;  ///< the value before the change, when there was one to restore
  std::string detail;  ///< a path or address that undoing needs
  pid_t pid = 0;       ///< for processes
  unsigned long long start = 0;  ///< a process's start time in clock ticks after boot
  std::string program{};         ///< for processes: the program that ran ("" = not recorded)
  bool operator==(const HostChange&) const = default;
};

/// name = sysctl key ("net.ipv4.ip_forward"), before = its value before the node touched it.
inline constexpr const char* kChangeSysctl = "sysctl";
/// name = bridge, before = "present" or "absent" (only an absent one is deleted at down).
inline constexpr const char* kChangeBridge = "bridge";
/// name = CNI network name (CNI cache entries, iptables comments carry it).
inline constexpr const char* kChangeCniNetwork = "cni_network";
/// name = a cgroup this node created ("/mkata/<network>", or the shared "/mkata" when it was
/// missing), detail = its hierarchy ("/sys/fs/cgroup/pids"); recorded right after the mkdir
/// (node_cgroup.h). Only these are ever killed in or removed at down.
inline constexpr const char* kChangeCgroup = "cgroup";
/// pid = containerd, start = its start time (/proc/<pid>/stat field 22, against pid reuse),
/// name = its gRPC address, detail = its config file, program = the containerd that ran (a
/// crashed node's containerd is started again with the same one: containerd_program.h).
inline constexpr const char* kChangeContainerd = "containerd";
/// name = handler, detail = the runtime's --root, before = the runtime binary.
inline constexpr const char* kChangeRuntimeRoot = "runtime_root";
/// name = pod sandbox id (its shim socket lives in /run/containerd/s).
inline constexpr const char* kChangePod = "pod";
/// name = a directory the node created above its state dir (removed at down when empty).
inline constexpr const char* kChangeDirectory = "directory";

/// Encodes one change as a JSON line (no trailing newline).
std::string encode_change(const HostChange& change);

/// Parses a ledger's text. Lines that are not complete JSON objects with a "kind" (a torn write)
/// are skipped; the result keeps the order of the file.
std::vector<HostChange> parse_ledger(const std::string& text);

/// The ledger file of one node.
class Ledger {
 public:
  explicit Ledger(std::string path) : path_(std::move(path)) {}
  const std::string& path() const { return path_; }

  /// Appends one change and fsyncs the file (created 0600 if missing). Error:
  /// "record <kind> <name> in ledger <path>: <strerror>".
  Result<void> record(const HostChange& change) const;
  /// Every recorded change, oldest first; empty when the file does not exist.
  Result<std::vector<HostChange>> read() const;
  /// True when the file exists (a node is up, or was and crashed).
  bool exists() const;
  /// Deletes the file (after a complete teardown). Missing is fine.
  Result<void> remove() const;

 private:
  std::string path_;
};

}  // namespace mkata::embedded
