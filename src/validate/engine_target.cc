// See engine_target.h.
#include "validate/engine_target.h"

#include "core/strings.h"
#include "image/scratch_images.h"
#include "validate/readiness.h"

namespace mkata::validate {
namespace {

using Clock = std::chrono::steady_clock;

// The workloads validate runs (pause is the embedded node's sandbox image: not needed here).
bool is_workload_image(const std::string& name) { return name != "pause"; }

// Docker says "sha256:<hex>", Podman "<hex>".
std::string bare_digest(const std::string& id) {
  return starts_with(id, "sha256:") ? id.substr(7) : id;
}

std::string describe(const engine::EngineRuntime& r) {
  // Docker 24+ lists a runtimeType entry without its type (engine/docker_engine.h).
  std::string what = !r.path.empty() ? r.path
                     : !r.runtime_type.empty()
                         ? r.runtime_type
                         : "a shim runtime (the engine does not show its type)";
  return r.version.empty() ? what : what + " (" + r.version + ")";
}

}  // namespace

EngineTarget::EngineTarget(std::unique_ptr<engine::ContainerEngine> engine,
                           EngineTargetOptions options)
    : engine_(std::move(engine)), options_(std::move(options)), run_id_(random_hex(12)) {}

EngineTarget::~EngineTarget() = default;

std::vector<std::string> EngineTarget::notes() const { return options_.notes; }

RuntimeChoice EngineTarget::choose(const std::string& runtime, const host::HostFacts&,
                                   const host::RuntimeVerdict& verdict) {
  if (!verdict.usable) return {false, "", join(verdict.reasons, "; ")};
  auto found = engine_->find_runtime(engine::engine_runtime_names(runtime));
  if (!found) return {false, "", found.error().message()};
  runtimes_[runtime] = *found;
  return {true, found->name, ""};
}

Result<std::map<std::string, RuntimeChoice>> EngineTarget::prepare(
    const std::map<std::string, RuntimeChoice>& chosen, Progress& progress,
    std::vector<report::PhaseTiming>& timings) {
  if (chosen.empty()) return chosen;
  progress.step("making the workload images available to " + engine_->description());
  auto t_build = Clock::now();
  auto built = image::ScratchImages::build(options_.workload_dir);  // gone after loading
  if (!built) return fail(built.error());
  timings.push_back({"images_build", ms_since(t_build)});

  auto t_load = Clock::now();
  for (const auto& image : built->images()) {
    if (!is_workload_image(image.name)) continue;
    images_[image.name] = image.reference;
    auto id = engine_->image_id(image.reference);
    if (!id) return fail(id.error());
    if (*id && bare_digest(**id) == bare_digest(image.config_digest)) continue;  // already there
    progress.detail("loading " + image.reference);
    if (!*id) loaded_.push_back(image.reference);
    if (auto r = engine_->load_image(image.archive_path); !r) {
      (void)remove_loaded_images();
      return fail(r.error());
    }
  }
  timings.push_back({"images_load", ms_since(t_load)});
  return chosen;
}

Result<void> EngineTarget::start(Deployment& d) {
  EnginePlacement placement;
  placement.runtime = d.runtime;
  placement.engine_runtime = d.handler;
  placement.name = "mkata-" + d.runtime + "-" + d.workload.name + "-" + random_hex(8);
  placement.run_id = run_id_;
  placement.network = options_.network;
  placement.ulimits = options_.ulimits;
  d.id = placement.name;  // before the engine creates anything: remove() finds it by name
  long long create_ms = 0, start_ms = 0;
  auto ran = engine_->run(render_engine_container(d.workload, placement), create_ms, start_ms);
  d.timings.push_back({d.workload.name + "_create_container", create_ms});
  d.timings.push_back({d.workload.name + "_start_container", start_ms});
  if (!ran) return fail(ran.error().wrap("deploy " + d.workload.name));
  auto state = engine_->inspect(d.id, options_.network);
  if (!state) return fail(state.error().wrap("deploy " + d.workload.name));
  if (state->ip.empty()) {
    std::string network = options_.network.empty() ? "the default network" : options_.network;
    return fail("deploy " + d.workload.name + ": " + engine_->name() + " gave " + d.id +
                " no IP address on " + network + " (state " + state->status + ")");
  }
  d.address = state->ip;
  return {};
}

std::optional<int> EngineTarget::exit_code(const Deployment& d) {
  if (d.id.empty()) return std::nullopt;
  {
    std::lock_guard lock(mutex_);
    auto now = Clock::now();
    auto& last = last_inspect_[d.id];
    if (now - last < options_.inspect_interval) return std::nullopt;
    last = now;
  }
  auto state = engine_->inspect(d.id, options_.network);
  return state ? state->exit_code : std::nullopt;
}

std::string EngineTarget::logs(const Deployment& d) {
  if (d.id.empty()) return "";
  auto text = engine_->logs(d.id, 20);
  return text ? trim(*text) : "";
}

Result<void> EngineTarget::remove(const Deployment& d) {
  if (d.id.empty()) return {};
  return engine_->remove(d.id);
}

std::vector<report::ComponentVersion> EngineTarget::versions() {
  std::vector<report::ComponentVersion> v = {{engine_->name(), engine_->version()}};
  for (const auto& [runtime, r] : runtimes_) {
    v.push_back({engine_->name() + " runtime " + r.name, describe(r)});
  }
  return v;
}

Result<void> EngineTarget::remove_loaded_images() {
  std::vector<std::string> errors;
  for (const auto& reference : loaded_) {
    if (auto r = engine_->remove_image(reference); !r) errors.push_back(r.error().message());
  }
  loaded_.clear();
  if (!errors.empty()) return fail(join(errors, "; "));
  return {};
}

Result<void> EngineTarget::finish(Progress& progress, std::vector<report::PhaseTiming>& timings) {
  if (options_.keep || loaded_.empty()) return {};
  progress.step("removing the images this run loaded");
  auto t0 = Clock::now();
  auto removed = remove_loaded_images();
  timings.push_back({"images_remove", ms_since(t0)});
  return removed;
}

}  // namespace mkata::validate
