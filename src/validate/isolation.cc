// See isolation.h. nlohmann::json is used (and its exceptions caught) only in parse_info().
#include "validate/isolation.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <nlohmann/json.hpp>

#include "core/files.h"
#include "core/strings.h"

namespace mkata::validate {
namespace {

std::string show(const std::optional<std::string>& v) { return v ? *v : "null"; }

Result<void> read_string(const nlohmann::json& j, const char* field, std::string* out,
                         bool required) {
  if (!j.contains(field)) {
    if (required) return fail(std::string("parse /info: field '") + field + "' is missing");
    return {};
  }
  if (!j[field].is_string()) {
    return fail(std::string("parse /info: field '") + field + "' must be a string");
  }
  *out = j[field].get<std::string>();
  return {};
}

}  // namespace

Result<KernelView> parse_info(const std::string& text) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception&) {
    return fail("parse /info: not JSON: '" + text.substr(0, 80) + "'");
  }
  if (!j.is_object()) return fail("parse /info: not a JSON object");
  KernelView v;
  if (auto r = read_string(j, "kernel_release", &v.kernel_release, true); !r)
    return fail(r.error());
  if (auto r = read_string(j, "kernel_version", &v.kernel_version, true); !r)
    return fail(r.error());
  if (auto r = read_string(j, "hostname", &v.hostname, false); !r) return fail(r.error());
  if (!j.contains("boot_id")) return fail("parse /info: field 'boot_id' is missing");
  if (j["boot_id"].is_string()) {
    v.boot_id = j["boot_id"].get<std::string>();
  } else if (!j["boot_id"].is_null()) {
    return fail("parse /info: field 'boot_id' must be a string or null");
  }
  if (!j.contains("hypervisor_cpu_flag") || !j["hypervisor_cpu_flag"].is_boolean()) {
    return fail("parse /info: field 'hypervisor_cpu_flag' must be true or false");
  }
  v.hypervisor_cpu_flag = j["hypervisor_cpu_flag"].get<bool>();
  if (j.contains("cpus") && j["cpus"].is_number_integer()) v.cpus = j["cpus"].get<long>();
  if (j.contains("memory_total_bytes") && j["memory_total_bytes"].is_number_integer()) {
    v.memory_total_bytes = j["memory_total_bytes"].get<long long>();
  }
  return v;
}

Result<KernelView> host_kernel_view() {
  utsname u{};
  if (uname(&u) != 0) return fail(Error::from_errno("uname", errno));
  KernelView v;
  v.kernel_release = u.release;
  v.kernel_version = u.version;
  v.hostname = u.nodename;
  if (auto id = read_file("/proc/sys/kernel/random/boot_id")) v.boot_id = trim(*id);
  if (auto cpuinfo = read_file("/proc/cpuinfo")) {
    for (const auto& line : split(*cpuinfo, '\n')) {
      if (!starts_with(line, "flags")) continue;
      for (const auto& flag : split(line, ' ')) v.hypervisor_cpu_flag |= flag == "hypervisor";
      break;
    }
  }
  v.cpus = sysconf(_SC_NPROCESSORS_ONLN);
  if (auto meminfo = read_file("/proc/meminfo")) {
    for (const auto& line : split(*meminfo, '\n')) {
      if (starts_with(line, "MemTotal:")) {
        v.memory_total_bytes = std::stoll(trim(line.substr(9))) * 1024;
      }
    }
  }
  return v;
}

Result<Isolation> expected_isolation(const std::string& runtime) {
  if (runtime == "runc" || runtime == "crun") return Isolation::kSharedKernel;
  if (runtime == "gvisor") return Isolation::kSandbox;
  if (runtime == "kata") return Isolation::kVirtualMachine;
  return fail(
      Error::usage("unknown runtime '" + runtime + "' (accepted: runc, crun, gvisor, kata)"));
}

IsolationVerdict judge_isolation(Isolation isolation, const KernelView& pod,
                                 const KernelView& host) {
  IsolationVerdict verdict;
  auto& cmp = verdict.comparisons;
  bool same_release = pod.kernel_release == host.kernel_release;
  bool same_version = pod.kernel_version == host.kernel_version;
  bool same_boot = pod.boot_id && host.boot_id && *pod.boot_id == *host.boot_id;
  if (isolation == Isolation::kSharedKernel) {
    cmp.push_back({"kernel_release", pod.kernel_release, host.kernel_release, "must equal the host",
                   same_release});
    cmp.push_back(
        {"boot_id", show(pod.boot_id), show(host.boot_id), "must equal the host", same_boot});
    verdict.ok = same_release && same_boot;
    if (!verdict.ok) {
      verdict.reason =
          "pod does not share the host kernel: " +
          std::string(!same_release ? "kernel_release '" + pod.kernel_release +
                                          "' differs from the host's '" + host.kernel_release + "'"
                                    : "boot_id " + show(pod.boot_id) + " differs from the host's " +
                                          show(host.boot_id));
    }
    return verdict;
  }
  bool shows_host_kernel = same_boot || (same_release && same_version);
  cmp.push_back({"kernel_release", pod.kernel_release, host.kernel_release,
                 "must differ from the host (or kernel_version must)",
                 !(same_release && same_version)});
  cmp.push_back({"kernel_version", pod.kernel_version, host.kernel_version,
                 "must differ from the host (or kernel_release must)",
                 !(same_release && same_version)});
  cmp.push_back(
      {"boot_id", show(pod.boot_id), show(host.boot_id), "must differ from the host", !same_boot});
  if (shows_host_kernel) {
    verdict.reason = "pod is not sandboxed: it shows the host's kernel (" +
                     (same_boot ? "boot_id " + show(pod.boot_id)
                                : "kernel " + pod.kernel_release + " " + pod.kernel_version) +
                     ")";
  }
  if (isolation == Isolation::kVirtualMachine) {
    cmp.push_back({"hypervisor_cpu_flag", pod.hypervisor_cpu_flag ? "true" : "false", "",
                   "must be true", pod.hypervisor_cpu_flag});
    if (!shows_host_kernel && !pod.hypervisor_cpu_flag) {
      verdict.reason = "pod does not run in a virtual machine: no hypervisor CPU flag";
    }
  }
  verdict.ok = verdict.reason.empty();
  return verdict;
}

}  // namespace mkata::validate
