// GET /info: what this process sees of its kernel, so that mkata can prove isolation from outside
// the sandbox (PRODUCT.md, /info). Under runc the values equal the host's; under gVisor or Kata
// they come from the sandbox's own kernel (different release, boot_id, often cpus and memory).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mkata::workload {

/// The observed facts. Unreadable sources give empty strings / 0 / false, boot_id nullopt.
struct KernelView {
  std::string kernel_release;          ///< uname -r
  std::string kernel_version;          ///< uname -v
  std::optional<std::string> boot_id;  ///< /proc/sys/kernel/random/boot_id, trimmed
  std::string hostname;
  long cpus = 0;                         ///< online CPUs (sysconf _SC_NPROCESSORS_ONLN)
  std::uint64_t memory_total_bytes = 0;  ///< MemTotal of /proc/meminfo
  bool hypervisor_cpu_flag = false;      ///< "hypervisor" among /proc/cpuinfo flags
  uid_t uid = 0;
  pid_t pid = 0;
};

/// Reads the facts now.
KernelView observe_kernel();

/// The JSON object served by /info, with a "workload" member naming the server, ending in "\n".
std::string info_json(const KernelView& view, std::string_view workload);

/// A JSON string literal (with quotes) for text: '"', '\' and control bytes escaped.
std::string json_string(std::string_view text);

/// MemTotal (or another "<Key>: <n> kB" line) of a /proc/meminfo text in bytes; 0 if absent.
std::uint64_t meminfo_bytes(std::string_view meminfo, std::string_view key);

/// True when a /proc/cpuinfo text has a "flags" line containing the word "hypervisor".
bool cpuinfo_has_hypervisor_flag(std::string_view cpuinfo);

/// The whole content of a small file, or nullopt if unreadable.
std::optional<std::string> read_small_file(const char* path);

}  // namespace mkata::workload
