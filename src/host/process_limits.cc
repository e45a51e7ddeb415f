// See process_limits.h.
#include "host/process_limits.h"

#include <charconv>

#include "core/strings.h"

namespace mkata::host {
namespace {

// The hard limit of the /proc/self/limits row that starts with `name` ("Max open files"):
// nullopt for "unlimited" or an unparsable row.
std::optional<uint64_t> hard_limit(const std::string& limits, const std::string& name,
                                   std::vector<Evidence>& evidence) {
  for (const auto& line : split(limits, '\n')) {
    if (!starts_with(line, name)) continue;
    // Columns: name (padded to 26), soft, hard, units.
    std::vector<std::string> words;
    for (const auto& w : split(line.substr(name.size()), ' ')) {
      if (!w.empty()) words.push_back(w);
    }
    evidence.push_back({"/proc/self/limits", trim(line)});
    if (words.size() < 2 || words[1] == "unlimited") return std::nullopt;
    uint64_t value = 0;
    auto [end, ec] = std::from_chars(words[1].data(), words[1].data() + words[1].size(), value);
    if (ec != std::errc() || end != words[1].data() + words[1].size()) return std::nullopt;
    return value;
  }
  evidence.push_back({"/proc/self/limits", "no '" + name + "' row"});
  return std::nullopt;
}

std::optional<bool> has_capability(const std::string& status, int bit,
                                   std::vector<Evidence>& evidence) {
  for (const auto& line : split(status, '\n')) {
    if (!starts_with(line, "CapEff:")) continue;
    evidence.push_back({"/proc/self/status", trim(line)});
    std::string hex = trim(line.substr(7));
    uint64_t caps = 0;
    auto [end, ec] = std::from_chars(hex.data(), hex.data() + hex.size(), caps, 16);
    if (ec != std::errc() || end != hex.data() + hex.size()) return std::nullopt;
    return (caps >> bit) & 1;
  }
  evidence.push_back({"/proc/self/status", "no CapEff line"});
  return std::nullopt;
}

// The limits Podman's default would exceed: {name, hard} pairs.
std::vector<std::pair<std::string, uint64_t>> exceeded(const ProcessLimits& l) {
  std::vector<std::pair<std::string, uint64_t>> out;
  if (l.cap_sys_resource.value_or(true)) return out;
  if (l.nofile_hard && *l.nofile_hard < kPodmanDefaultNofile) {
    out.push_back({"nofile", *l.nofile_hard});
  }
  if (l.nproc_hard && *l.nproc_hard < kPodmanDefaultNproc) out.push_back({"nproc", *l.nproc_hard});
  return out;
}

uint64_t at_most(const std::optional<uint64_t>& hard, uint64_t ceiling) {
  return hard && *hard < ceiling ? *hard : ceiling;
}

}  // namespace

ProcessLimits probe_process_limits(const HostRoot& root) {
  ProcessLimits l;
  if (auto limits = root.read_file("/proc/self/limits")) {
    l.nofile_hard = hard_limit(*limits, "Max open files", l.evidence);
    l.nproc_hard = hard_limit(*limits, "Max processes", l.evidence);
  } else {
    l.evidence.push_back({"/proc/self/limits", "unreadable"});
  }
  if (auto status = root.read_file("/proc/self/status")) {
    l.cap_sys_resource = has_capability(*status, kCapSysResource, l.evidence);
  } else {
    l.evidence.push_back({"/proc/self/status", "unreadable"});
  }
  return l;
}

std::vector<std::pair<std::string, uint64_t>> podman_ulimits(const ProcessLimits& limits) {
  if (exceeded(limits).empty()) return {};
  // Both, always: once any --ulimit is given Podman 4.3 no longer applies its nproc default of
  // 32768 but writes 1048576, and podman itself runs (so conmon and runc run) with nproc lowered
  // to 32768 — measured: nproc=32769 fails where 32768 starts.
  return {{"nofile", at_most(limits.nofile_hard, kPodmanDefaultNofile)},
          {"nproc", at_most(limits.nproc_hard, kPodmanDefaultNproc)}};
}

std::vector<std::string> podman_ulimit_args(const ProcessLimits& limits) {
  std::vector<std::string> args;
  for (const auto& [name, value] : podman_ulimits(limits)) {
    args.push_back("--ulimit");
    args.push_back(name + "=" + std::to_string(value) + ":" + std::to_string(value));
  }
  return args;
}

std::optional<std::string> podman_limits_note(const ProcessLimits& limits) {
  auto over = exceeded(limits);
  if (over.empty()) return std::nullopt;
  std::vector<std::string> said, flags;
  for (const auto& [name, hard] : over) {
    uint64_t wanted = name == "nofile" ? kPodmanDefaultNofile : kPodmanDefaultNproc;
    said.push_back(name + " " + std::to_string(wanted) + " > hard limit " + std::to_string(hard));
  }
  auto args = podman_ulimit_args(limits);
  for (size_t i = 0; i + 1 < args.size(); i += 2) flags.push_back(args[i] + " " + args[i + 1]);
  return "Podman's default container limits exceed this host's hard limits (" + join(said, ", ") +
         ") and CAP_SYS_RESOURCE is missing, so its runc/crun containers fail setrlimit; run them "
         "with " +
         join(flags, " ");
}

}  // namespace mkata::host
