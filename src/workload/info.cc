// /info. Hand-written JSON (no library: the workloads stay small and dependency-free).
#include "workload/info.h"

#include <fcntl.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>

namespace mkata::workload {

std::optional<std::string> read_small_file(const char* path) {
  int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string text;
  char buf[4096];
  ssize_t n;
  // /proc/cpuinfo can be large on big hosts; 4 MiB is far more than any real one.
  while ((n = ::read(fd, buf, sizeof buf)) > 0 && text.size() < (4u << 20))
    text.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  if (n < 0) return std::nullopt;
  return text;
}

std::uint64_t meminfo_bytes(std::string_view meminfo, std::string_view key) {
  std::size_t pos = 0;
  while (pos < meminfo.size()) {
    std::size_t end = meminfo.find('\n', pos);
    if (end == std::string_view::npos) end = meminfo.size();
    std::string_view line = meminfo.substr(pos, end - pos);
    pos = end + 1;
    if (line.size() <= key.size() || line.substr(0, key.size()) != key || line[key.size()] != ':')
      continue;
    std::uint64_t value = 0;
    for (char c : line.substr(key.size() + 1)) {
      if (c >= '0' && c <= '9')
        value = value * 10 + static_cast<std::uint64_t>(c - '0');
      else if (c != ' ' && c != '\t')
        break;
    }
    return value * 1024;  // the kernel prints kB meaning KiB
  }
  return 0;
}

bool cpuinfo_has_hypervisor_flag(std::string_view cpuinfo) {
  std::size_t pos = 0;
  while (pos < cpuinfo.size()) {
    std::size_t end = cpuinfo.find('\n', pos);
    if (end == std::string_view::npos) end = cpuinfo.size();
    std::string_view line = cpuinfo.substr(pos, end - pos);
    pos = end + 1;
    if (line.substr(0, 5) != "flags") continue;
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view flags = line.substr(colon + 1);
    std::size_t start = 0;
    while (start < flags.size()) {
      std::size_t space = flags.find(' ', start);
      if (space == std::string_view::npos) space = flags.size();
      if (flags.substr(start, space - start) == "hypervisor") return true;
      start = space + 1;
    }
    return false;  // every CPU has the same flags: the first line decides
  }
  return false;
}

KernelView observe_kernel() {
  KernelView view;
  utsname names{};
  if (uname(&names) == 0) {
    view.kernel_release = names.release;
    view.kernel_version = names.version;
    view.hostname = names.nodename;
  }
  if (auto id = read_small_file("/proc/sys/kernel/random/boot_id")) {
    while (!id->empty() && (id->back() == '\n' || id->back() == ' ')) id->pop_back();
    if (!id->empty()) view.boot_id = *id;
  }
  view.cpus = sysconf(_SC_NPROCESSORS_ONLN);
  if (auto meminfo = read_small_file("/proc/meminfo"))
    view.memory_total_bytes = meminfo_bytes(*meminfo, "MemTotal");
  if (auto cpuinfo = read_small_file("/proc/cpuinfo"))
    view.hypervisor_cpu_flag = cpuinfo_has_hypervisor_flag(*cpuinfo);
  view.uid = getuid();
  view.pid = getpid();
  return view;
}

std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char hex[8];
          std::snprintf(hex, sizeof hex, "\\u%04x", c);
          out += hex;
        } else {
          out += ch;
        }
    }
  }
  out += '"';
  return out;
}

std::string info_json(const KernelView& view, std::string_view workload) {
  std::string json = "{";
  json += "\"workload\":" + json_string(workload);
  json += ",\"kernel_release\":" + json_string(view.kernel_release);
  json += ",\"kernel_version\":" + json_string(view.kernel_version);
  json += ",\"boot_id\":" + (view.boot_id ? json_string(*view.boot_id) : std::string("null"));
  json += ",\"hostname\":" + json_string(view.hostname);
  json += ",\"cpus\":" + std::to_string(view.cpus);
  json += ",\"memory_total_bytes\":" + std::to_string(view.memory_total_bytes);
  json += ",\"hypervisor_cpu_flag\":" + std::string(view.hypervisor_cpu_flag ? "true" : "false");
  json += ",\"uid\":" + std::to_string(view.uid);
  json += ",\"pid\":" + std::to_string(view.pid);
  json += "}\n";
  return json;
}

}  // namespace mkata::workload
