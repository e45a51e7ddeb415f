#include "host/host_facts.h"

#include <future>

namespace mkata::host {

Result<HostFacts> probe_host(const HostRoot& root) {
  HostFacts facts;
  facts.root = root.describe();
  facts.uid = root.uid();
  auto context = "probe host " + facts.root;
  // The tools are the slow part (they run); start them first and read files meanwhile.
  auto tools = std::async(kParallel, [&root] { return probe_tools(root); });
  auto cpu = probe_cpu(root);
  auto kernel = probe_kernel(root);
  auto cgroups = probe_cgroups(root);
  facts.kvm = probe_kvm(root);
  facts.os = probe_os_release(root);
  facts.limits = probe_process_limits(root);
  facts.tools = tools.get();
  if (!cpu) return fail(cpu.error().wrap(context));
  if (!kernel) return fail(kernel.error().wrap(context));
  if (!cgroups) return fail(cgroups.error().wrap(context));
  facts.cpu = std::move(*cpu);
  facts.kernel = std::move(*kernel);
  facts.cgroups = std::move(*cgroups);
  facts.gvisor = judge_gvisor_platforms(facts.tools.get("runsc"), facts.kvm);
  return facts;
}

}  // namespace mkata::host
