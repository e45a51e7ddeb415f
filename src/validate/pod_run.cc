// See pod_run.h.
#include "validate/pod_run.h"

#include "core/files.h"

namespace mkata::validate {
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

std::optional<int> pod_exit_code(const embedded::EmbeddedNode& node, const PodRun& run) {
  if (run.container_id.empty()) return std::nullopt;
  auto status = node.cri().container_status(run.container_id);
  if (!status || status->state != cri::ContainerState::kExited) return std::nullopt;
  return status->exit_code;
}

Result<void> start_pod(const embedded::EmbeddedNode& node, const PodPlacement& placement,
                       PodRun& run) {
  auto context = [&](const Error& e) { return e.wrap("deploy " + run.workload.name); };
  const auto& client = node.cri();
  if (auto r = make_directories(placement.log_directory); !r) return fail(context(r.error()));
  cri::PodSpec pod = render_pod_spec(run.workload, placement);
  auto t0 = Clock::now();
  auto pod_id = client.with_deadline(milliseconds(60000)).run_pod(pod);
  if (!pod_id) return fail(context(pod_id.error()));
  run.pod_id = *pod_id;
  run.run_pod_ms = ms_since(t0);
  if (auto r = node.record_pod(run.pod_id); !r) return fail(context(r.error()));
  auto t1 = Clock::now();
  auto container = client.create_container(run.pod_id, render_container_spec(run.workload), pod);
  if (!container) return fail(context(container.error()));
  run.container_id = *container;
  run.create_ms = ms_since(t1);
  auto t2 = Clock::now();
  if (auto r = client.with_deadline(milliseconds(60000)).start_container(run.container_id); !r) {
    return fail(context(r.error()));
  }
  run.start_ms = ms_since(t2);
  auto status = client.pod_status(run.pod_id);
  if (!status) return fail(context(status.error()));
  if (status->ip.empty()) return fail(context(Error("the pod has no IP address")));
  run.ip = status->ip;
  return {};
}

Result<void> deploy_pod(const embedded::EmbeddedNode& node, const PodPlacement& placement,
                        milliseconds ready_timeout, PodRun& run) {
  auto t0 = Clock::now();
  if (auto r = start_pod(node, placement, run); !r) return r;
  int port = run.workload.ready_port ? run.workload.ready_port : run.workload.port;
  std::string url = "http://" + run.ip + ":" + std::to_string(port) + run.workload.ready_path;
  return wait_until_ready(
      run.workload.name, url, t0, ready_timeout, [&] { return pod_exit_code(node, run); },
      run.ready_ms);
}

Result<void> remove_pod(const embedded::EmbeddedNode& node, const PodRun& run) {
  if (run.pod_id.empty()) return {};
  auto slow = node.cri().with_deadline(milliseconds(60000));
  if (auto r = slow.stop_pod(run.pod_id); !r)
    return fail(r.error().wrap("remove " + run.workload.name));
  if (auto r = slow.remove_pod(run.pod_id); !r)
    return fail(r.error().wrap("remove " + run.workload.name));
  return {};
}

}  // namespace mkata::validate
