// See node_teardown.h.
#include "embedded/node_teardown.h"

#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <future>
#include <set>
#include <thread>

#include "core/files.h"
#include "core/strings.h"
#include "cri/cri_client.h"
#include "embedded/containerd_program.h"
#include "embedded/host_state.h"

namespace mkata::embedded {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

/// Collects errors of steps that must all run.
struct Failures {
  std::vector<std::string> messages;
  void add(const Result<void>& r) {
    if (!r) messages.push_back(r.error().message());
  }
};

// Step 1: pods through CRI, all at once (StopPodSandbox costs ~0.4-0.7 s each).
Result<int> remove_pods_through_cri(const NodeLayout& layout) {
  auto client = cri::CriClient::connect(layout.containerd.address, milliseconds(3000));
  if (!client) return fail(client.error());
  auto pods = client->list_pods();
  // containerd 2.x serves its socket before the CRI plugin has recovered its state, and answers
  // "server is not initialized yet" meanwhile (seen after starting a crashed node's containerd
  // again): wait for it, briefly.
  for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
       !pods && pods.error().message().find("not initialized") != std::string::npos &&
       std::chrono::steady_clock::now() < deadline;) {
    std::this_thread::sleep_for(milliseconds(100));
    pods = client->list_pods();
  }
  if (!pods) return fail(pods.error());
  auto slow = client->with_deadline(milliseconds(60000));
  std::vector<std::future<Result<void>>> jobs;
  for (const auto& pod : *pods) {
    jobs.push_back(std::async(std::launch::async, [slow, id = pod.id]() -> Result<void> {
      if (auto r = slow.stop_pod(id); !r) return r;
      return slow.remove_pod(id);
    }));
  }
  std::vector<std::string> errors;
  for (auto& j : jobs) {
    if (auto r = j.get(); !r) errors.push_back(r.error().message());
  }
  if (!errors.empty()) return fail(join(errors, "; "));
  return static_cast<int>(pods->size());
}

void stop_containerd_pid(pid_t pid, unsigned long long start, const NodeLayout& layout) {
  if (!is_node_containerd(pid, start, layout)) return;
  if (!kill_and_wait({pid}, SIGTERM, milliseconds(10000)).empty()) {
    kill_and_wait({pid}, SIGKILL, milliseconds(3000));
  }
}

// Step 3: leftovers, by force. Returns what it found.
std::vector<std::string> force_cleanup(const NodeLayout& layout, const TeardownPlan& plan,
                                       const std::vector<std::string>& pod_ids,
                                       Failures& failures) {
  std::vector<std::string> found;
  const auto& s = layout.options.state_dir;
  for (int round = 0; round < 3; ++round) {
    // containerd ran in the node's cgroup, so its shims, runsc sandboxes and the adapters are
    // there too, and the pods are below it: nothing else is ever killed.
    auto pids = pids_in_node_cgroups(plan.cgroups);
    std::erase_if(pids, [](pid_t p) { return p == getpid() || process_gone(p); });
    if (pids.empty()) break;
    found.push_back(std::to_string(pids.size()) + " processes killed");
    kill_and_wait(pids, SIGKILL, milliseconds(3000));
  }
  if (auto m = mounts_under(s); !m.empty()) {
    found.push_back(std::to_string(m.size()) + " mounts detached");
    failures.add(unmount_under(s));
  }
  for (const char* tool : {"iptables", "ip6tables"}) {
    if (auto left = nat_leftovers(tool, layout.options.network_name, pod_ids); !left.empty()) {
      found.push_back(std::string(tool) + " nat: " + std::to_string(left.size()) +
                      " rules/chains removed");
      failures.add(clean_nat_table(tool, layout.options.network_name, pod_ids));
    }
  }
  if (auto c = node_cni_cache_entries(layout.options.network_name, pod_ids); !c.empty()) {
    found.push_back(std::to_string(c.size()) + " CNI cache entries removed");
    failures.add(remove_node_cni_cache(layout.options.network_name, pod_ids));
  }
  for (const auto& veth : links_of_bridge(layout.options.bridge)) {
    found.push_back("link " + veth + " deleted");
    failures.add(delete_link(veth));
  }
  if (plan.delete_bridge && link_exists(layout.options.bridge)) {
    failures.add(delete_link(layout.options.bridge));
  }
  for (const auto& id : pod_ids) {
    std::string socket = shim_socket_path(layout.containerd.address, "k8s.io", id);
    if (path_exists(socket)) {
      found.push_back("shim socket " + socket + " removed");
      std::error_code ec;
      fs::remove(socket, ec);
    }
  }
  failures.add(remove_node_cgroups(plan.cgroups));
  for (const auto& [key, before] : plan.sysctls) {
    auto now = read_sysctl(key);
    if (now && *now != before) {
      found.push_back(key + " restored to " + before);
      failures.add(write_sysctl(key, before));
    }
  }
  return found;
}

}  // namespace

TeardownPlan plan_teardown(const std::vector<HostChange>& changes) {
  TeardownPlan plan;
  std::set<std::string> seen_sysctls, seen_pods, seen_roots;
  bool seen_bridge = false;
  for (const auto& c : changes) {
    if (c.kind == kChangeSysctl && seen_sysctls.insert(c.name).second) {
      plan.sysctls.emplace_back(c.name, c.before);
    } else if (c.kind == kChangeBridge && !seen_bridge) {
      seen_bridge = true;
      plan.delete_bridge = c.before == "absent";
    } else if (c.kind == kChangeContainerd) {
      plan.containerd_pid = c.pid;  // the latest start wins
      plan.containerd_start = c.start;
      plan.containerd_program = c.program;
    } else if (c.kind == kChangePod && seen_pods.insert(c.name).second) {
      plan.pod_ids.push_back(c.name);
    } else if (c.kind == kChangeRuntimeRoot && seen_roots.insert(c.detail).second) {
      plan.runtime_roots.push_back(c.detail);
    } else if (c.kind == kChangeDirectory) {
      plan.directories.push_back(c.name);  // recorded deepest first
    }
  }
  plan.cgroups = recorded_cgroups(changes);
  return plan;
}

namespace {
bool argv_has_pair(const std::vector<std::string>& argv, const std::string& flag,
                   const std::string& value) {
  for (size_t i = 0; i + 1 < argv.size(); ++i) {
    if (argv[i] == flag && argv[i + 1] == value) return true;
  }
  return false;
}
}  // namespace

bool is_node_containerd(pid_t pid, unsigned long long start_time, const NodeLayout& layout) {
  if (pid <= 0 || process_gone(pid)) return false;
  if (start_time != 0 && process_start_time(pid) != start_time) return false;
  auto argv = process_argv(pid);
  return !argv.empty() && fs::path(argv[0]).filename() == "containerd" &&
         argv_has_pair(argv, "--address", layout.containerd.address);
}

std::vector<pid_t> pids_serving_address(const std::string& address) {
  std::vector<pid_t> found;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/proc", ec)) {
    char* end = nullptr;
    long pid = std::strtol(e.path().filename().c_str(), &end, 10);
    if (pid <= 0 || *end != '\0' || pid == getpid() || process_gone(pid)) continue;
    auto argv = process_argv(static_cast<pid_t>(pid));
    if (argv_has_pair(argv, "--address", address) || argv_has_pair(argv, "-address", address)) {
      found.push_back(static_cast<pid_t>(pid));
    }
  }
  return found;
}

std::vector<std::string> pod_ids_on_disk(const NodeLayout& layout) {
  std::set<std::string> ids;
  std::error_code ec;
  for (const auto& dir : {layout.cri_state + "/sandboxes",
                          layout.containerd.state + "/io.containerd.runtime.v2.task/k8s.io"}) {
    for (const auto& e : fs::directory_iterator(dir, ec)) ids.insert(e.path().filename());
  }
  return {ids.begin(), ids.end()};
}

std::vector<std::string> host_leftovers(const NodeLayout& layout,
                                        const std::vector<std::string>& pod_ids) {
  std::vector<std::string> left;
  for (pid_t p : pids_serving_address(layout.containerd.address)) {
    left.push_back("process " + std::to_string(p) + " of " + layout.containerd.address);
  }
  for (pid_t p : pids_in_cgroup(layout.cgroup_parent)) {
    left.push_back("process " + std::to_string(p) + " in cgroup " + layout.cgroup_parent);
  }
  for (const auto& m : mounts_under(layout.options.state_dir)) left.push_back("mount " + m);
  for (const char* tool : {"iptables", "ip6tables"}) {
    for (const auto& l : nat_leftovers(tool, layout.options.network_name, pod_ids)) {
      left.push_back(std::string(tool) + " nat " + l);
    }
  }
  for (const auto& c : node_cni_cache_entries(layout.options.network_name, pod_ids)) {
    left.push_back("CNI cache " + c);
  }
  if (link_exists(layout.options.bridge)) left.push_back("link " + layout.options.bridge);
  for (const auto& id : pod_ids) {
    auto socket = shim_socket_path(layout.containerd.address, "k8s.io", id);
    if (path_exists(socket)) left.push_back("shim socket " + socket);
  }
  for (const auto& d : cgroup_dirs(layout.cgroup_parent)) left.push_back("cgroup " + d);
  return left;
}

Result<TeardownSummary> teardown_node(const NodeLayout& given, ContainerdDaemon* daemon,
                                      TeardownScope scope) {
  TeardownSummary summary;
  Ledger ledger(given.ledger);
  // The ledger marks a directory as a node's: without it nothing is touched (a mistyped
  // --state-dir must never be emptied).
  if (!ledger.exists()) return summary;
  auto changes = ledger.read();
  if (!changes) return fail(changes.error().wrap("node down " + given.options.state_dir));
  // The names the node really used are in its ledger (`node down` needs only the state dir).
  NodeOptions options = given.options;
  for (const auto& c : *changes) {
    if (c.kind == kChangeCniNetwork) options.network_name = c.name;
    if (c.kind == kChangeBridge) options.bridge = c.name;
  }
  // A damaged ledger must not steer teardown to a name the CLI would refuse ('.', '-x', ...).
  if (auto valid = options.validate(); !valid) {
    return fail(valid.error().wrap("node down " + given.options.state_dir + ": the ledger " +
                                   given.ledger + " names"));
  }
  NodeLayout layout = NodeLayout::of(options);
  TeardownPlan plan = plan_teardown(*changes);
  std::vector<std::string> pod_ids = plan.pod_ids;
  for (auto& id : pod_ids_on_disk(layout)) {
    if (std::find(pod_ids.begin(), pod_ids.end(), id) == pod_ids.end()) pod_ids.push_back(id);
  }
  bool alive = daemon ? daemon->running()
                      : is_node_containerd(plan.containerd_pid, plan.containerd_start, layout);
  summary.was_running = true;
  Failures failures;

  std::optional<ContainerdDaemon> revived;
  if (!alive && !pod_ids.empty() && path_exists(layout.containerd.config)) {
    // containerd died with pods: start it again so that CRI runs CNI DEL and stops the shims.
    if (auto config = read_file(layout.containerd.config)) {
      ContainerdOptions revive{layout.options.state_dir, *config};
      // The same containerd (and its package's shims) that ran the pods: a schema v3 config
      // means nothing to containerd 1.x.
      if (!plan.containerd_program.empty()) {
        revive.binary = plan.containerd_program;
        revive.env = containerd_env(plan.containerd_program);
      }
      // Into the node's own cgroup, so that whatever it starts is found and killed below.
      if (auto procs = containerd_cgroup_procs(layout); path_exists(procs)) {
        revive.cgroup_procs = procs;
      }
      auto started = ContainerdDaemon::start(revive);
      if (started) {
        revived.emplace(std::move(*started));
        alive = true;
      }
    }
  }
  if (alive) {
    auto removed = remove_pods_through_cri(layout);
    if (removed) {
      summary.pods_removed = *removed;
    } else {
      summary.forced.push_back("CRI teardown failed (" + removed.error().message() + ")");
    }
  }
  if (revived) revived->stop();
  if (daemon) daemon->stop();
  stop_containerd_pid(plan.containerd_pid, plan.containerd_start, layout);

  for (auto& f : force_cleanup(layout, plan, pod_ids, failures)) summary.forced.push_back(f);
  if (mounts_under(layout.options.state_dir).empty()) {
    std::error_code ec;
    if (scope == TeardownScope::kEverything) {
      fs::remove_all(layout.options.state_dir, ec);
    } else {
      std::vector<fs::path> entries;
      for (const auto& e : fs::directory_iterator(layout.options.state_dir, ec)) {
        if (e.path() != layout.lock_file) entries.push_back(e.path());
      }
      for (const auto& e : entries) {
        if (!ec) fs::remove_all(e, ec);
      }
    }
    if (ec) failures.messages.push_back("remove " + layout.options.state_dir + ": " + ec.message());
    if (scope == TeardownScope::kEverything) {
      for (const auto& dir : plan.directories) rmdir(dir.c_str());  // only when empty
    }
  } else {
    failures.messages.push_back("state dir " + layout.options.state_dir +
                                " kept: something is still mounted below it");
  }
  if (!failures.messages.empty()) {
    return fail("node down " + layout.options.state_dir + ": " + join(failures.messages, "; "));
  }
  return summary;
}

}  // namespace mkata::embedded
