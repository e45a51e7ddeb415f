// mkata validate: run the sample workloads under every usable runtime on a target (the embedded
// node, Docker, Podman), prove the isolation, and report (src/validate/scenario.h). Exit 0 only
// when every runtime that ran passed; 1 on a validation failure; 130 after Ctrl-C (everything is
// torn down first).
#include <cstdio>
#include <cstdlib>

#include "cli/args.h"
#include "cli/commands.h"
#include "core/files.h"
#include "core/interrupt.h"
#include "core/output_path.h"
#include "core/progress.h"
#include "core/strings.h"
#include "embedded/containerd_program.h"
#include "engine/docker_api.h"
#include "host/chosen_tool.h"
#include "kube/manifest_set.h"
#include "report/report_formats.h"
#include "validate/scenario.h"
#include "validate/target_choice.h"

namespace mkata::cli {
namespace {

Result<void> write_report(const std::string& path, const std::string& text) {
  if (path.empty()) return {};
  if (path == "-") {
    std::fputs(text.c_str(), stdout);
    return {};
  }
  return write_output_file(path, text);
}

std::string timing(const report::RuntimeOutcome& r, const std::string& phase) {
  for (const auto& t : r.timings) {
    if (t.phase == phase) return std::to_string(t.ms) + " ms";
  }
  return "-";
}

}  // namespace

Result<int> validate_command(const CommandArgs& args) {
  ArgParser parser("validate",
                   "run helloworld and autoscale under every usable runtime where containers "
                   "run (embedded node, Docker, Podman), prove the isolation, report");
  validate::ValidateOptions options;
  std::string json_path, report_path, junit_path, html_path, github_path;
  std::string timeout = "30", workloads, docker_host;
  std::string& target = options.target;
  parser.option("target", &target, "NAME",
                "where to run: embedded (mkata's own node, default), docker, podman, kube "
                "(the cluster of kubectl's current context), microk8s, auto (microk8s on a "
                "MicroK8s node, else embedded)");
  parser.choices("target", {"embedded", "docker", "podman", "kube", "microk8s", "auto"});
  parser.repeated("runtime", &options.runtimes, "RT",
                  "runtime to validate (repeatable; default: all usable)");
  parser.choices("runtime", {"runc", "crun", "gvisor", "kata"});
  parser.option("json", &json_path, "FILE",
                "write the JSON report ('-': stdout; docs/validate-json.md, docs/json.md)");
  parser.option("report", &report_path, "FILE.md", "write the Markdown report ('-': stdout)");
  parser.option("junit", &junit_path, "FILE.xml",
                "write a JUnit XML report: one testcase per runtime x check (docs/reports.md)");
  parser.option("html", &html_path, "FILE.html", "write a self-contained HTML report");
  parser.option("github-summary", &github_path, "FILE.md",
                "write the GitHub Actions step summary (e.g. \"$GITHUB_STEP_SUMMARY\")");
  bool cleanup = false, all_nodes = false;
  parser.option("registry", &options.registry, "REGISTRY/PATH",
                "--target kube: push the images there with skopeo first, then run them from "
                "there (multi-node clusters)");
  parser.flag("registry-insecure", &options.registry_insecure,
              "--registry over plain HTTP / without TLS verification (a lab registry)");
  parser.flag("all-nodes", &all_nodes,
              "--target kube|microk8s: run every runtime on every Ready node that has its "
              "handler (a node x runtime matrix)");
  parser.flag("cleanup", &cleanup,
              "--target kube|microk8s: only delete what killed runs left (namespaces and "
              "RuntimeClasses labelled as mkata's), then exit");
  parser.flag("keep", &options.keep, "leave the node running (when validate started it)");
  parser.option("timeout", &timeout, "SECONDS", "readiness timeout per pod (default 30)");
  parser.option("state-dir", &options.node.state_dir, "DIR", "the embedded node's state dir");
  parser.option("network", &options.node.network_name, "NAME", "CNI network name");
  parser.option("bridge", &options.node.bridge, "NAME", "bridge interface");
  parser.option("subnet", &options.node.subnet, "CIDR", "pod subnet inside 100.64.0.0/10");
  parser.option("workloads", &workloads, "DIR", "directory of the workload binaries");
  std::string containerd_flag, runsc_flag;
  parser.option("containerd", &containerd_flag, "PATH",
                "--target embedded: the containerd program the node runs (e.g. 1.7 or 2.x "
                "unpacked elsewhere; default: containerd on PATH)");
  parser.option("runsc", &runsc_flag, "PATH",
                "the runsc program gVisor runs, on the fastest platform it has (default: the "
                "runsc mkata check finds)");
  parser.option("docker-host", &docker_host, "unix:///SOCKET",
                "--target docker: the Engine API socket (default $DOCKER_HOST, else "
                "unix:///var/run/docker.sock)");
  parser.option("kubeconfig", &options.kubeconfig, "FILE", "--target kube: kubectl's --kubeconfig");
  parser.option("context", &options.kube_context, "NAME", "--target kube: kubectl's --context");
  parser.option("kubectl", &options.kubectl, "PATH",
                "--target kube: the kubectl program (default kubectl; microk8s: microk8s kubectl)");
  parser.option("image-prefix", &options.image_prefix, "REGISTRY/PATH/",
                "--target kube: the workload images were pushed there (default: mkata.local/, "
                "already on the nodes)");
  parser.option("engine-network", &options.engine_network, "NAME",
                "--target docker|podman: the network the containers join (default: the "
                "engine's default bridge)");
  auto go = parser.parse(args);
  if (!go) return fail(go.error());
  if (!*go) return kExitOk;
  if (target == "auto") {
    target = validate::detect_target();
    std::fprintf(stderr, "validate: --target auto: %s\n", target.c_str());
  }
  bool cluster = target == "kube" || target == "microk8s";
  for (const auto& [flag, value] : {std::pair{"--kubeconfig", options.kubeconfig},
                                    {"--context", options.kube_context},
                                    {"--kubectl", options.kubectl},
                                    {"--image-prefix", options.image_prefix}}) {
    if (!value.empty() && !cluster) {
      return fail(usage_error(
          "validate",
          std::string(flag) + " is for --target kube or microk8s (the target is " + target + ")"));
    }
  }
  auto seconds = parse_number("validate", "timeout", timeout, 1, 3600, "seconds");
  if (!seconds) return fail(seconds.error());
  options.ready_timeout = std::chrono::seconds(*seconds);
  options.workload_dir = workloads;
  if (target == "embedded") {
    if (auto r = options.node.validate(); !r)
      return fail(usage_error("validate", r.error().message()));
    // Plan, then act: the programs are checked before the node touches anything.
    auto containerd = embedded::choose_containerd(containerd_flag);
    if (!containerd) return fail(usage_error("validate", containerd.error().message()));
    options.containerd = *containerd;
  } else if (!containerd_flag.empty()) {
    return fail(usage_error(
        "validate", "--containerd is for --target embedded (the target is " + target + ")"));
  }
  if (!runsc_flag.empty()) {
    auto runsc = host::tool_named_by_flag("--runsc", "runsc", runsc_flag);
    if (!runsc) return fail(usage_error("validate", runsc.error().message()));
    options.runsc = *runsc;
  }
  if (!docker_host.empty() && target != "docker") {
    return fail(usage_error("validate",
                            "--docker-host is for --target docker (the target is " + target + ")"));
  }
  if (!options.engine_network.empty() && target == "embedded") {
    return fail(usage_error("validate",
                            "--engine-network is for --target docker or podman (the embedded "
                            "node's network is --network)"));
  }
  if (!options.registry.empty() && !options.image_prefix.empty()) {
    return fail(usage_error("validate",
                            "--registry pushes the images and runs them from there; "
                            "--image-prefix names images pushed before: give one of them"));
  }
  if (!options.registry.empty()) {
    if (auto r = kube::normalize_image_prefix(options.registry); !r) {
      return fail(usage_error("validate", "--registry: " + r.error().message()));
    }
  }
  if (!options.image_prefix.empty()) {
    if (auto r = kube::normalize_image_prefix(options.image_prefix); !r) {
      return fail(usage_error("validate", "--image-prefix: " + r.error().message()));
    }
  }
  if (all_nodes && !cluster) {
    return fail(usage_error(
        "validate", "--all-nodes is for --target kube or microk8s (the target is " + target + ")"));
  }
  options.all_nodes = all_nodes;
  if (cleanup && !cluster) {
    return fail(usage_error(
        "validate", "--cleanup is for --target kube or microk8s (the target is " + target + ")"));
  }
  if (cleanup) {
    auto deleted = validate::cleanup_cluster(options);
    if (!deleted) return fail(deleted.error().wrap("validate --cleanup"));
    for (const auto& d : *deleted) std::printf("deleted %s\n", d.c_str());
    std::printf("cleanup: %zu object%s deleted\n", deleted->size(),
                deleted->size() == 1 ? "" : "s");
    return kExitOk;
  }
  if (target == "docker") {
    auto socket = engine::docker_socket_path(docker_host, std::getenv("DOCKER_HOST"));
    if (!socket) return fail(usage_error("validate", socket.error().message()));
    options.docker_socket = *socket;
  }

  // Plan, then act: a report that cannot be written fails now, not after minutes of pods.
  struct Output {
    std::string flag, path, format;
  };
  const std::vector<Output> outputs = {{"--json", json_path, "json"},
                                       {"--report", report_path, "markdown"},
                                       {"--junit", junit_path, "junit"},
                                       {"--html", html_path, "html"},
                                       {"--github-summary", github_path, "github"}};
  std::vector<std::string> to_stdout;
  for (const auto& o : outputs) {
    if (o.path.empty()) continue;
    if (auto ok = check_output_path(o.flag, o.path); !ok) return fail(ok.error().wrap("validate"));
    if (o.path == "-") to_stdout.push_back(o.flag + " -");
  }
  if (to_stdout.size() > 1) {
    return fail(usage_error("validate", join(to_stdout, " and ") +
                                            " would share stdout: give all but one of them a "
                                            "file"));
  }

  Progress progress;
  auto record = validate::run_validation(options, progress);
  if (!record) return fail(record.error());
  // JUnit, HTML and the GitHub summary come from the record as --json stores it, so that
  // `mkata report run.json --format F` makes the same file; Markdown keeps the run's own order.
  auto stored = report::as_stored(*record);
  if (!stored) return fail(stored.error().wrap("validate"));
  for (const auto& o : outputs) {
    if (o.path.empty()) continue;
    bool live = o.format == "markdown" || o.format == "json";
    auto text = report::render_report(live ? *record : *stored, o.format);
    if (!text) return fail(text.error());
    if (auto r = write_report(o.path, *text); !r) return fail(r.error());
  }
  if (to_stdout.empty()) {
    for (const auto& r : record->runtimes) {
      std::printf("%-7s %-8s %s%s\n", r.name.c_str(), r.status.c_str(),
                  r.status == "passed" ? ("total " + timing(r, "total")).c_str() : "",
                  r.reason.empty() ? "" : r.reason.c_str());
    }
    std::printf("validate %s in %s\n", record->passed ? "PASSED" : "FAILED",
                [&] {
                  for (const auto& t : record->timings) {
                    if (t.phase == "total") return std::to_string(t.ms) + " ms";
                  }
                  return std::string("?");
                }()
                    .c_str());
    if (!record->error.empty()) std::printf("error: %s\n", record->error.c_str());
  }
  if (interrupted()) return kExitInterrupted;
  return record->passed ? kExitOk : kExitCheckFailed;
}

}  // namespace mkata::cli
