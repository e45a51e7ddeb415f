#include "host/cpu_info.h"

#include <sstream>

#include "core/strings.h"

namespace mkata::host {
namespace {

std::string yes_no(bool value, const char* flag) {
  return std::string(value ? "" : "no ") + flag;
}

}  // namespace

Result<CpuInfo> parse_cpuinfo(const std::string& text) {
  CpuInfo cpu;
  std::set<std::string> flags;
  bool have_flags = false;
  for (const auto& line : split(text, '\n')) {
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string key = trim(line.substr(0, colon));
    std::string value = trim(line.substr(colon + 1));
    if (key == "processor") ++cpu.processors;
    // The first processor's values stand for all of them.
    if (key == "vendor_id" && cpu.vendor.empty()) cpu.vendor = value;
    if (key == "model name" && cpu.model_name.empty()) cpu.model_name = value;
    if (key == "flags" && !have_flags) {
      have_flags = true;
      std::istringstream words(value);
      for (std::string w; words >> w;) flags.insert(w);
    }
  }
  if (!have_flags) return fail("/proc/cpuinfo: no flags line");
  cpu.vmx = flags.contains("vmx");
  cpu.svm = flags.contains("svm");
  cpu.lm = flags.contains("lm");
  cpu.sse4_1 = flags.contains("sse4_1");
  cpu.hypervisor = flags.contains("hypervisor");
  cpu.evidence.push_back(
      {"/proc/cpuinfo", "vendor_id " + (cpu.vendor.empty() ? "unknown" : cpu.vendor) +
                            ", model name " + (cpu.model_name.empty() ? "unknown" : cpu.model_name) +
                            ", " + std::to_string(cpu.processors) + " processors"});
  cpu.evidence.push_back(
      {"/proc/cpuinfo", "flags: " + yes_no(cpu.vmx, "vmx") + ", " + yes_no(cpu.svm, "svm") + ", " +
                            yes_no(cpu.lm, "lm") + ", " + yes_no(cpu.sse4_1, "sse4_1") + ", " +
                            yes_no(cpu.hypervisor, "hypervisor")});
  return cpu;
}

Result<CpuInfo> probe_cpu(const HostRoot& root) {
  auto text = root.read_file("/proc/cpuinfo");
  if (!text) return fail(text.error());
  return parse_cpuinfo(*text);
}

}  // namespace mkata::host
