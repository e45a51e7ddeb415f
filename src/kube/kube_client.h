// The narrow view of a Kubernetes cluster that `mkata validate --target kube` needs, and its one
// real implementation: kubectl run from argv (no shell). kubectl brings the user's kubeconfig,
// contexts and exec credential plugins for free, and `microk8s kubectl` is the same program
// behind a prefix. Every call has a timeout. The validate target is tested over this interface
// with a fake that replays the JSON shapes the API returns (kube_objects.h).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/process.h"

namespace mkata::kube {

class KubeClient {
 public:
  virtual ~KubeClient() = default;

  /// Who is asked, for messages and the report: "kubectl (context microk8s)".
  virtual std::string describe() const = 0;

  /// `kubectl version -o json` (the server's answer included).
  virtual Result<std::string> version_json() = 0;
  /// `kubectl get KIND [-n NS] [-l SELECTOR] -o json`: the List document.
  virtual Result<std::string> get_json(const std::string& kind, const std::string& ns,
                                       const std::string& selector) = 0;
  /// `kubectl auth can-i VERB RESOURCE [-n NS]`: true for "yes".
  virtual Result<bool> can_i(const std::string& verb, const std::string& resource,
                             const std::string& ns) = 0;
  /// `kubectl apply -f -` of a JSON document (an object or a List).
  virtual Result<void> apply(const std::string& json) = 0;
  /// `kubectl delete KIND NAME [-n NS] --ignore-not-found --wait --timeout=…`.
  virtual Result<void> remove(const std::string& kind, const std::string& name,
                              const std::string& ns, std::chrono::seconds timeout) = 0;
  /// `kubectl rollout status deployment/NAME -n NS --timeout=…`: returns when it is available;
  /// error when the timeout passes first.
  virtual Result<void> rollout_status(const std::string& deployment, const std::string& ns,
                                      std::chrono::milliseconds timeout) = 0;
  /// Starts `kubectl port-forward -n NS pod/NAME :PORT` and returns the local port it listens on
  /// (127.0.0.1). The forward lasts until stop_port_forwards().
  virtual Result<int> port_forward(const std::string& pod, const std::string& ns, int port) = 0;
  virtual void stop_port_forwards() = 0;
};

/// Where kubectl is and which cluster it talks to.
struct KubectlOptions {
  std::vector<std::string> program = {"kubectl"};  ///< {"microk8s", "kubectl"} for MicroK8s
  std::string kubeconfig;                          ///< --kubeconfig ("" = kubectl's own rules)
  std::string context;                             ///< --context ("" = the current one)
  std::chrono::seconds timeout{60};                ///< per call (rollout/port-forward: their own)
};

/// The argv of one kubectl call: program, --kubeconfig/--context when set, then args.
std::vector<std::string> kubectl_argv(const KubectlOptions& options,
                                      const std::vector<std::string>& args);

/// The local port in port-forward's first line: "Forwarding from 127.0.0.1:40613 -> 8080".
std::optional<int> parse_forwarded_port(const std::string& output);

class KubectlClient final : public KubeClient {
 public:
  explicit KubectlClient(KubectlOptions options) : options_(std::move(options)) {}
  ~KubectlClient() override { stop_port_forwards(); }

  std::string describe() const override;
  Result<std::string> version_json() override;
  Result<std::string> get_json(const std::string& kind, const std::string& ns,
                               const std::string& selector) override;
  Result<bool> can_i(const std::string& verb, const std::string& resource,
                     const std::string& ns) override;
  Result<void> apply(const std::string& json) override;
  Result<void> remove(const std::string& kind, const std::string& name, const std::string& ns,
                      std::chrono::seconds timeout) override;
  Result<void> rollout_status(const std::string& deployment, const std::string& ns,
                              std::chrono::milliseconds timeout) override;
  Result<int> port_forward(const std::string& pod, const std::string& ns, int port) override;
  void stop_port_forwards() override;

 private:
  /// Runs kubectl; stdout, or "kubectl <args[0]>: <what it said>".
  Result<std::string> kubectl(const std::vector<std::string>& args,
                              std::optional<std::string> input = std::nullopt,
                              std::optional<std::chrono::milliseconds> timeout = std::nullopt);

  KubectlOptions options_;
  struct Forward {
    ChildProcess process;
    std::string output;  ///< its stdout file
  };
  std::vector<Forward> forwards_;
};

}  // namespace mkata::kube
