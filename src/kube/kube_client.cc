// See kube_client.h.
#include "kube/kube_client.h"

#include <stdlib.h>
#include <unistd.h>

#include <charconv>
#include <thread>

#include "core/files.h"
#include "core/strings.h"

namespace mkata::kube {
namespace {

std::string seconds_flag(std::chrono::milliseconds timeout) {
  auto s = std::max<long long>(1, (timeout.count() + 999) / 1000);
  return "--timeout=" + std::to_string(s) + "s";
}

}  // namespace

std::vector<std::string> kubectl_argv(const KubectlOptions& options,
                                      const std::vector<std::string>& args) {
  std::vector<std::string> argv = options.program;
  if (!options.kubeconfig.empty()) argv.insert(argv.end(), {"--kubeconfig", options.kubeconfig});
  if (!options.context.empty()) argv.insert(argv.end(), {"--context", options.context});
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

std::optional<int> parse_forwarded_port(const std::string& output) {
  const std::string prefix = "Forwarding from 127.0.0.1:";
  auto at = output.find(prefix);
  if (at == std::string::npos) return std::nullopt;
  const char* begin = output.data() + at + prefix.size();
  int port = 0;
  auto [end, ec] = std::from_chars(begin, output.data() + output.size(), port);
  if (ec != std::errc() || end == begin || port <= 0 || port > 65535) return std::nullopt;
  return port;
}

std::string KubectlClient::describe() const {
  std::string who = join(options_.program, " ");
  if (!options_.context.empty()) who += " (context " + options_.context + ")";
  if (!options_.kubeconfig.empty()) who += " (kubeconfig " + options_.kubeconfig + ")";
  return who;
}

Result<std::string> KubectlClient::kubectl(const std::vector<std::string>& args,
                                           std::optional<std::string> input,
                                           std::optional<std::chrono::milliseconds> timeout) {
  RunOptions options;
  options.timeout = timeout.value_or(options_.timeout);
  options.input = std::move(input);
  auto r = run(kubectl_argv(options_, args), options);
  if (!r) return fail(r.error());
  if (r->timed_out) {
    return fail("kubectl " + args[0] + ": no answer within " +
                std::to_string(options.timeout.count()) + " ms");
  }
  if (!r->ok()) return fail("kubectl " + args[0] + ": " + r->describe());
  return std::move(r->out);
}

Result<std::string> KubectlClient::version_json() { return kubectl({"version", "-o", "json"}); }

Result<std::string> KubectlClient::get_json(const std::string& kind, const std::string& ns,
                                            const std::string& selector) {
  std::vector<std::string> args = {"get", kind};
  if (!ns.empty()) args.insert(args.end(), {"-n", ns});
  if (!selector.empty()) args.insert(args.end(), {"-l", selector});
  args.insert(args.end(), {"-o", "json"});
  return kubectl(args);
}

Result<bool> KubectlClient::can_i(const std::string& verb, const std::string& resource,
                                  const std::string& ns) {
  std::vector<std::string> args = {"auth", "can-i", verb, resource};
  if (!ns.empty()) args.insert(args.end(), {"-n", ns});
  RunOptions options;
  options.timeout = options_.timeout;
  auto r = run(kubectl_argv(options_, args), options);
  if (!r) return fail(r.error());
  // can-i answers "yes" (exit 0) or "no" (exit 1); anything else is an error.
  std::string answer = trim(r->out);
  if (answer == "yes") return true;
  if (answer == "no" || starts_with(answer, "no ")) return false;
  return fail("kubectl auth can-i " + verb + " " + resource + ": " + r->describe());
}

Result<void> KubectlClient::apply(const std::string& json) {
  auto r = kubectl({"apply", "-f", "-"}, json);
  if (!r) return fail(r.error());
  return {};
}

Result<void> KubectlClient::remove(const std::string& kind, const std::string& name,
                                   const std::string& ns, std::chrono::seconds timeout) {
  std::vector<std::string> args = {"delete", kind, name, "--ignore-not-found", "--wait"};
  args.push_back(seconds_flag(timeout));
  if (!ns.empty()) args.insert(args.end(), {"-n", ns});
  auto r = kubectl(args, std::nullopt, timeout + std::chrono::seconds(10));
  if (!r) return fail(r.error());
  return {};
}

Result<void> KubectlClient::rollout_status(const std::string& deployment, const std::string& ns,
                                           std::chrono::milliseconds timeout) {
  auto r =
      kubectl({"rollout", "status", "deployment/" + deployment, "-n", ns, seconds_flag(timeout)},
              std::nullopt, timeout + std::chrono::seconds(10));
  if (!r) return fail(r.error());
  return {};
}

Result<int> KubectlClient::port_forward(const std::string& pod, const std::string& ns, int port) {
  std::string pattern = "/tmp/mkata-port-forward-XXXXXX";
  int fd = mkstemp(pattern.data());
  if (fd < 0) return fail(Error::from_errno("create " + pattern, errno));
  close(fd);
  SpawnOptions options;
  options.stdout_path = pattern;
  options.stderr_path = pattern;
  auto child = spawn(kubectl_argv(options_, {"port-forward", "-n", ns, "pod/" + pod, "--address",
                                             "127.0.0.1", ":" + std::to_string(port)}),
                     options);
  if (!child) {
    unlink(pattern.c_str());
    return fail(child.error());
  }
  forwards_.push_back({std::move(*child), pattern});
  auto& forward = forwards_.back();
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    auto text = read_file(forward.output);
    if (text) {
      if (auto local = parse_forwarded_port(*text)) return *local;
    }
    if (!forward.process.running()) {
      return fail("kubectl port-forward pod/" + pod + ": " +
                  (text ? trim(*text) : std::string("exited")));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return fail("kubectl port-forward pod/" + pod + ": no forwarding within 20 s");
}

void KubectlClient::stop_port_forwards() {
  for (auto& f : forwards_) {
    if (f.process.valid()) f.process.stop(std::chrono::seconds(5));
    unlink(f.output.c_str());
  }
  forwards_.clear();
}

}  // namespace mkata::kube
