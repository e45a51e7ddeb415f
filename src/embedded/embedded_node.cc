// See embedded_node.h.
#include "embedded/embedded_node.h"

#include <ctime>
#include <filesystem>
#include <future>
#include <nlohmann/json.hpp>

#include "core/files.h"
#include "core/strings.h"
#include "core/timestamp.h"
#include "embedded/cni_config.h"
#include "embedded/host_state.h"
#include "embedded/ledger.h"
#include "embedded/node_config.h"
#include "embedded/node_teardown.h"
#include "image/image_import.h"
#include "image/image_set.h"

namespace mkata::embedded {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

json handler_json(const NodeHandler& h) {
  return {{"runtime", h.runtime},
          {"handler", h.handler.name},
          {"runtime_type", h.handler.runtime_type},
          {"binary", h.handler.option("BinaryName").value_or("")},
          {"root", h.handler.option("Root").value_or("")},
          {"platform", h.platform},
          {"runsc", h.runsc}};
}

// The per-node adapter of a handler: a symlink to the installed adapter, with its config beside
// it (adapters/adapter_config.h reads "<argv0>.conf"), all under the state dir.
Result<void> place_adapter(const NodeHandler& h) {
  if (h.adapter_link.empty()) return {};
  auto context = [&](const Error& e) { return e.wrap("configure the " + h.runtime + " adapter"); };
  auto dir = std::filesystem::path(h.adapter_link).parent_path().string();
  if (auto r = make_directories(dir); !r) return fail(context(r.error()));
  std::error_code ec;
  std::filesystem::remove(h.adapter_link, ec);
  std::filesystem::create_symlink(h.adapter, h.adapter_link, ec);
  if (ec) {
    return fail(
        context(Error("link " + h.adapter_link + " to " + h.adapter + ": " + ec.message())));
  }
  if (auto r = write_file_atomic(h.adapter_link + ".conf", h.adapter_config, 0644); !r) {
    return fail(context(r.error()));
  }
  return {};
}

// The ledger entries made before anything touches the host.
Result<void> record_intent(const Ledger& ledger, const NodeLayout& layout,
                           const std::vector<NodeHandler>& handlers) {
  auto forward = read_sysctl("net.ipv4.ip_forward");
  if (!forward) return fail(forward.error());
  const auto& o = layout.options;
  std::vector<HostChange> changes = {
      {kChangeCniNetwork, o.network_name, "", layout.cni_conf_dir, 0},
      // The bridge plugin silently sets ip_forward to 1 (LAB-NOTES.md).
      {kChangeSysctl, "net.ipv4.ip_forward", *forward, "", 0},
      {kChangeBridge, o.bridge, link_exists(o.bridge) ? "present" : "absent", "", 0},
  };
  for (const auto& h : handlers) {
    if (auto root = h.handler.option("Root")) {
      changes.push_back({kChangeRuntimeRoot, h.handler.name,
                         h.handler.option("BinaryName").value_or(""), *root, 0});
    }
  }
  for (const auto& c : changes) {
    if (auto r = ledger.record(c); !r) return r;
  }
  return {};
}

Result<void> prove_handlers_loaded(const cri::CriClient& client,
                                   const std::vector<NodeHandler>& handlers) {
  auto loaded = client.loaded_runtime_handlers();
  if (!loaded) return fail(loaded.error().wrap("read back the loaded handlers"));
  for (const auto& h : handlers) {
    auto it = loaded->find(h.handler.name);
    if (it == loaded->end() || it->second != h.handler.runtime_type) {
      return fail("containerd did not load handler '" + h.handler.name + "' (" +
                  h.handler.runtime_type + ")");
    }
  }
  return {};
}

// True when `dir` is missing, empty, or holds only the lock file (a run that just took it).
bool empty_but_for_lock(const std::string& dir) {
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    if (e.path().filename() != "node.lock") return false;
  }
  return true;
}

}  // namespace

std::optional<std::string> NodeDescription::handler_for(const std::string& runtime) const {
  for (const auto& h : handlers) {
    if (h.runtime == runtime) return h.handler.name;
  }
  return std::nullopt;
}

std::string encode_node_description(const NodeDescription& n) {
  json handlers = json::array();
  for (const auto& h : n.handlers) handlers.push_back(handler_json(h));
  json j = {{"state_dir", n.state_dir},
            {"address", n.address},
            {"containerd_pid", n.containerd_pid},
            {"network", n.network_name},
            {"bridge", n.bridge},
            {"subnet", n.subnet},
            {"cgroup_parent", n.cgroup_parent},
            {"started", n.started_utc},
            {"sandbox_image", n.sandbox_image},
            {"containerd", n.containerd},
            {"containerd_version", n.containerd_version},
            {"config_schema", n.config_schema},
            {"images", n.images},
            {"handlers", handlers}};
  return j.dump(2) + "\n";
}

Result<NodeDescription> decode_node_description(const std::string& text) {
  try {
    auto j = json::parse(text);
    NodeDescription n;
    n.state_dir = j.at("state_dir").get<std::string>();
    n.address = j.at("address").get<std::string>();
    n.containerd_pid = j.at("containerd_pid").get<pid_t>();
    n.network_name = j.at("network").get<std::string>();
    n.bridge = j.at("bridge").get<std::string>();
    n.subnet = j.at("subnet").get<std::string>();
    n.cgroup_parent = j.at("cgroup_parent").get<std::string>();
    n.started_utc = j.at("started").get<std::string>();
    n.sandbox_image = j.at("sandbox_image").get<std::string>();
    n.containerd = j.value("containerd", "");  // absent in node.json of older mkata
    n.containerd_version = j.value("containerd_version", "");
    n.config_schema = j.value("config_schema", 2);
    n.images = j.at("images").get<std::map<std::string, std::string>>();
    for (const auto& h : j.at("handlers")) {
      NodeHandler nh;
      nh.runtime = h.at("runtime").get<std::string>();
      nh.handler.name = h.at("handler").get<std::string>();
      nh.handler.runtime_type = h.at("runtime_type").get<std::string>();
      if (auto b = h.value("binary", ""); !b.empty())
        nh.handler.options.push_back({"BinaryName", b});
      if (auto r = h.value("root", ""); !r.empty()) nh.handler.options.push_back({"Root", r});
      nh.platform = h.value("platform", "");
      nh.runsc = h.value("runsc", "");
      n.handlers.push_back(std::move(nh));
    }
    return n;
  } catch (const json::exception& e) {
    return fail(std::string("parse node.json: ") + e.what());
  }
}

bool EmbeddedNode::running(const NodeOptions& options) {
  auto layout = NodeLayout::of(options);
  auto text = read_file(layout.node_file);
  if (!text) return false;
  auto node = decode_node_description(*text);
  if (!node) return false;
  auto changes = Ledger(layout.ledger).read();
  if (!changes) return false;
  auto plan = plan_teardown(*changes);
  return plan.containerd_pid == node->containerd_pid &&
         is_node_containerd(plan.containerd_pid, plan.containerd_start, layout);
}

Result<EmbeddedNode> EmbeddedNode::attach(const NodeOptions& options) {
  auto layout = NodeLayout::of(options);
  auto text = read_file(layout.node_file);
  if (!text || !running(options)) {
    return fail(
        Error("no node is running in " + options.state_dir)
            .with_hint("start one with 'mkata node up --state-dir " + options.state_dir + "'"));
  }
  auto node = decode_node_description(*text);
  if (!node) return fail(node.error());
  auto lock = NodeLock::acquire(layout);
  if (!lock) return fail(lock.error());
  auto client = cri::CriClient::connect(node->address, milliseconds(10000));
  if (!client) return fail(client.error().wrap("attach to node " + options.state_dir));
  return EmbeddedNode(layout, std::move(*node), std::move(*client), std::nullopt,
                      std::move(*lock));
}

Result<EmbeddedNode> EmbeddedNode::up(const NodeUpOptions& options, Progress& progress) {
  const auto& o = options.node;
  auto context = [&](const Error& e) { return e.wrap("node up " + o.state_dir); };
  if (auto r = o.validate(); !r) return fail(r.error());
  ContainerdProgram program = options.containerd;
  if (program.path.empty()) {
    auto chosen = choose_containerd("");
    if (!chosen) return fail(context(chosen.error()));
    program = *chosen;
  }
  if (running(o)) {
    return fail(context(Error("a node is already running")
                            .with_hint("use it, or stop it with 'mkata node down --state-dir " +
                                       o.state_dir + "'")));
  }
  NodeLayout layout = NodeLayout::of(o);
  Ledger ledger(layout.ledger);
  // Another run may be bringing this node up or down right now: its lock says so.
  std::optional<NodeLock> lock;
  if (path_exists(layout.lock_file)) {
    auto held = NodeLock::acquire(layout);
    if (!held) return fail(context(held.error()));
    lock.emplace(std::move(*held));
  }
  if (!ledger.exists() && !empty_but_for_lock(o.state_dir)) {
    return fail(context(Error::usage("the directory exists and is not a mkata node (no " +
                                     layout.ledger + "); choose a new or empty directory")));
  }
  // Parents of the state dir that do not exist yet (e.g. /var/lib/mkata) are ours to remove;
  // so are those a crashed node recorded (its ledger is replaced below).
  std::vector<std::string> new_parents;
  for (auto p = std::filesystem::path(o.state_dir).parent_path();
       p.has_relative_path() && !path_exists(p.string()); p = p.parent_path()) {
    new_parents.push_back(p.string());
  }
  if (ledger.exists()) {
    if (!lock) {
      if (auto r = make_directories(o.state_dir); !r) return fail(context(r.error()));
      auto held = NodeLock::acquire(layout);
      if (!held) return fail(context(held.error()));
      lock.emplace(std::move(*held));
    }
    if (running(o)) {
      return fail(context(Error("a node is already running")
                              .with_hint("use it, or stop it with 'mkata node down --state-dir " +
                                         o.state_dir + "'")));
    }
    if (auto old = ledger.read()) {
      for (auto& dir : plan_teardown(*old).directories) new_parents.push_back(dir);
    }
    progress.detail("removing what a previous node left behind in " + o.state_dir);
    if (auto r = teardown_node(layout, nullptr, TeardownScope::kKeepLock); !r) {
      return fail(context(r.error()));
    }
  }
  for (const auto& dir :
       {layout.cni_conf_dir, layout.cni_ipam_dir, layout.runtimes_dir, layout.images_dir}) {
    if (auto r = make_directories(dir); !r) return fail(context(r.error()));
  }
  if (!lock) {
    auto held = NodeLock::acquire(layout);
    if (!held) return fail(context(held.error()));
    lock.emplace(std::move(*held));
  }
  std::optional<ContainerdDaemon> daemon;
  auto undo = [&](const Error& e) -> std::unexpected<Error> {
    teardown_node(layout, daemon ? &*daemon : nullptr);
    return fail(context(e));
  };
  for (const auto& p : new_parents) {
    if (auto r = ledger.record({kChangeDirectory, p, "", "", 0}); !r) return undo(r.error());
  }
  if (auto r = record_intent(ledger, layout, options.handlers); !r) return undo(r.error());
  if (auto r = create_node_cgroups(layout, ledger); !r) return undo(r.error());
  if (auto r = make_containerd_cgroup(layout); !r) return undo(r.error());
  auto conflist = layout.cni_conf_dir + "/" + cni_conflist_name(layout);
  if (auto r = write_file_atomic(conflist, render_cni_conflist(layout)); !r) return undo(r.error());
  for (const auto& h : options.handlers) {
    if (auto r = place_adapter(h); !r) return undo(r.error());
  }

  // Building the images (gzip, digests) and starting containerd overlap: both take a while.
  progress.detail("building the workload images and starting containerd");
  auto building = std::async(std::launch::async, [&options, &layout] {
    return image::build_image_set({options.workload_dir, layout.images_dir});
  });
  NodeConfigInput input{image::pause_image_reference(), {}};
  input.schema = program.schema;
  for (const auto& h : options.handlers) input.handlers.push_back(h.handler);
  ContainerdOptions daemon_options{o.state_dir, render_node_config(layout, input)};
  daemon_options.cgroup_procs = containerd_cgroup_procs(layout);
  daemon_options.binary = program.path;
  daemon_options.env = containerd_env(program.path);
  auto started = ContainerdDaemon::start(daemon_options);
  auto images = building.get();
  if (!started) return undo(started.error());
  daemon.emplace(std::move(*started));
  HostChange process{
      kChangeContainerd, layout.containerd.address,         "",          layout.containerd.config,
      daemon->pid(),     process_start_time(daemon->pid()), program.path};
  if (auto r = ledger.record(process); !r) return undo(r.error());
  if (!images) return undo(images.error());
  auto client = cri::CriClient::connect(layout.containerd.address, milliseconds(10000));
  if (!client) return undo(client.error());
  if (auto r = prove_handlers_loaded(*client, options.handlers); !r) return undo(r.error());

  // One ctr per image, all at once (each import is mostly ctr's own start-up and an unpack).
  progress.detail("importing the workload images");
  image::ImportOptions import;
  import.address = layout.containerd.address;
  std::vector<std::future<Result<std::vector<image::ImportedImage>>>> imports;
  for (const auto& built : *images) {
    imports.push_back(std::async(
        std::launch::async, [import, built] { return image::import_images(import, {built}); }));
  }
  std::optional<Error> import_error;
  for (auto& i : imports) {
    if (auto r = i.get(); !r && !import_error) import_error = r.error();
  }
  if (import_error) return undo(*import_error);

  NodeDescription node;
  node.state_dir = o.state_dir;
  node.address = layout.containerd.address;
  node.containerd_pid = daemon->pid();
  node.network_name = o.network_name;
  node.bridge = o.bridge;
  node.subnet = o.subnet;
  node.cgroup_parent = layout.cgroup_parent;
  node.started_utc = utc_now();
  node.sandbox_image = input.sandbox_image;
  node.containerd = program.path;
  node.containerd_version = program.version;
  node.config_schema = static_cast<int>(program.schema);
  for (const auto& i : *images) node.images[i.name] = i.reference;
  node.handlers = options.handlers;
  if (auto r = write_file_atomic(layout.node_file, encode_node_description(node)); !r) {
    return undo(r.error());
  }
  return EmbeddedNode(layout, std::move(node), std::move(*client), std::move(daemon),
                      std::move(*lock));
}

Result<void> EmbeddedNode::record_pod(const std::string& pod_id) const {
  return Ledger(layout_.ledger).record({kChangePod, pod_id, "", "", 0});
}

void EmbeddedNode::detach() {
  if (daemon_) daemon_->detach();
  daemon_.reset();
}

Result<void> EmbeddedNode::down() {
  auto r = teardown_node(layout_, daemon_ ? &*daemon_ : nullptr);
  daemon_.reset();
  if (!r) return fail(r.error());
  return {};
}

}  // namespace mkata::embedded
