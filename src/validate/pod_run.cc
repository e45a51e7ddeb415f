// See pod_run.h.
#include "validate/pod_run.h"

#include <thread>

#include "core/files.h"
#include "core/interrupt.h"
#include "validate/http_get.h"

namespace mkata::validate {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

// Asks the runtime whether the container died (a crash is reported at once, not at the timeout).
std::optional<Error> exited_early(const cri::CriClient& client, const PodRun& run) {
  auto status = client.container_status(run.container_id);
  if (!status || status->state != cri::ContainerState::kExited) return std::nullopt;
  return Error(run.workload.name + " exited with code " + std::to_string(status->exit_code) +
                   " before it became ready",
               ErrorKind::kCheckFailed);
}

Result<void> wait_ready(const cri::CriClient& client, Clock::time_point t0, milliseconds timeout,
                        PodRun& run) {
  int port = run.workload.ready_port ? run.workload.ready_port : run.workload.port;
  std::string url = "http://" + run.ip + ":" + std::to_string(port) + run.workload.ready_path;
  std::string last = "no answer yet";
  auto deadline = t0 + timeout;
  auto next_status_check = Clock::now() + milliseconds(250);
  while (true) {
    if (interrupted()) {
      return fail(
          Error("interrupted while waiting for " + run.workload.name, ErrorKind::kInterrupted));
    }
    auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) break;
    auto answer = http_get(url, std::min(left, milliseconds(1000)));
    if (answer && answer->status == 200) {
      run.ready_ms = ms_since(t0);
      return {};
    }
    last = answer ? "GET " + url + ": HTTP " + std::to_string(answer->status)
                  : answer.error().message();
    if (Clock::now() >= next_status_check) {
      if (auto e = exited_early(client, run)) return fail(*e);
      next_status_check = Clock::now() + milliseconds(250);
    }
    std::this_thread::sleep_for(milliseconds(10));
  }
  if (auto e = exited_early(client, run)) return fail(*e);
  return fail(Error(run.workload.name + " did not become ready within " +
                        std::to_string(timeout.count()) + " ms (last: " + last + ")",
                    ErrorKind::kCheckFailed));
}

}  // namespace

long long ms_since(Clock::time_point start) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - start).count();
}

Result<void> deploy_pod(const embedded::EmbeddedNode& node, const PodPlacement& placement,
                        milliseconds ready_timeout, PodRun& run) {
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
  return wait_ready(client, t0, ready_timeout, run);
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
