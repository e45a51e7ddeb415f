// A CRI client: the calls kubelet makes to a container runtime (containerd's CRI plugin), over
// gRPC on a unix socket, with a deadline on every call so that a wedged runtime or shim (LAB-NOTES:
// runsc StartContainer and Stop used to hang forever) becomes an error, never a hang.
//
// Callers see only plain values (cri_types.h); the generated protobuf/gRPC types stay in the .cc.
// Errors name the call and its subject and quote the runtime's own message, e.g.
// "CRI RunPodSandbox (handler gvisor): failed to create containerd task: ...".
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "cri/cri_types.h"

namespace mkata::cri {

/// A connection to one CRI endpoint. Cheap to copy (copies share the channel).
class CriClient {
 public:
  /// Opens a channel to `socket_path` (a path, or "unix://<path>") and waits up to
  /// `default_deadline` until it is connected. Fails with "CRI connect unix://<path>: not
  /// reachable within <N> ms" when nobody serves the socket. Every later call uses
  /// `default_deadline` unless with_deadline() gives another.
  static Result<CriClient> connect(const std::string& socket_path,
                                   std::chrono::milliseconds default_deadline);

  /// A copy of this client whose calls use `deadline` (e.g. longer for StopPodSandbox).
  CriClient with_deadline(std::chrono::milliseconds deadline) const;

  /// The endpoint ("unix:///run/x.sock") and the deadline of each call.
  const std::string& target() const;
  std::chrono::milliseconds deadline() const { return deadline_; }

  // --- RuntimeService ---------------------------------------------------------------------
  /// Version: the runtime's name and version.
  Result<VersionInfo> version() const;
  /// Status: conditions (RuntimeReady, NetworkReady); with verbose, the info map.
  Result<RuntimeStatus> status(bool verbose = false) const;
  /// The runtime handlers containerd has LOADED (handler → runtime_type), read from the "config"
  /// entry of the verbose Status — the proof that a config edit took effect.
  Result<std::map<std::string, std::string>> loaded_runtime_handlers() const;
  /// Like loaded_runtime_handlers(), with each handler's options (BinaryName, Root, ...).
  Result<std::map<std::string, LoadedRuntimeHandler>> loaded_runtime_handler_details() const;

  /// RunPodSandbox with pod.runtime_handler; returns the sandbox id.
  Result<std::string> run_pod(const PodSpec& pod) const;
  /// StopPodSandbox (idempotent in CRI).
  Result<void> stop_pod(const std::string& pod_id) const;
  /// RemovePodSandbox (idempotent in CRI).
  Result<void> remove_pod(const std::string& pod_id) const;
  /// PodSandboxStatus; with verbose, info holds containerd's JSON (pid, netns, runtime).
  Result<PodStatus> pod_status(const std::string& pod_id, bool verbose = false) const;
  /// ListPodSandbox, optionally filtered by labels (all must match).
  Result<std::vector<PodSummary>> list_pods(const StringMap& label_selector = {}) const;

  /// CreateContainer in a pod; `pod` must be the spec the pod was run with. Returns the id.
  Result<std::string> create_container(const std::string& pod_id, const ContainerSpec& container,
                                       const PodSpec& pod) const;
  /// StartContainer.
  Result<void> start_container(const std::string& container_id) const;
  /// StopContainer: SIGTERM, then SIGKILL after `grace` (CRI timeout in seconds, rounded up).
  Result<void> stop_container(const std::string& container_id, std::chrono::seconds grace) const;
  /// RemoveContainer.
  Result<void> remove_container(const std::string& container_id) const;
  /// ContainerStatus; with verbose, info["info"] holds containerd's JSON (pid, runtimeSpec).
  Result<ContainerStatus> container_status(const std::string& container_id,
                                           bool verbose = false) const;
  /// ListContainers, optionally only those of one pod.
  Result<std::vector<ContainerSummary>> list_containers(const std::string& pod_id = "") const;

  // --- ImageService -----------------------------------------------------------------------
  /// ImageStatus: the image, or nullopt when the runtime does not have it.
  Result<std::optional<ImageInfo>> image_status(const std::string& image) const;
  /// ListImages.
  Result<std::vector<ImageInfo>> list_images() const;

 private:
  struct Stubs;  ///< the gRPC channel and stubs (defined in the .cc)
  CriClient(std::shared_ptr<const Stubs> stubs, std::chrono::milliseconds deadline)
      : stubs_(std::move(stubs)), deadline_(deadline) {}
  std::shared_ptr<const Stubs> stubs_;
  std::chrono::milliseconds deadline_;
};

/// Parses containerd's loaded CRI config (Status verbose info["config"]) into handler → type and
/// options. Option values that are not strings are kept as their JSON text ("false", "3").
Result<std::map<std::string, LoadedRuntimeHandler>> parse_runtime_handler_details(
    const std::string& config_json);

/// Parses containerd's loaded CRI config (the JSON of Status verbose info["config"]) into
/// handler → runtimeType. Fails on JSON that is not an object with containerd.runtimes.
Result<std::map<std::string, std::string>> parse_runtime_handlers(const std::string& config_json);

}  // namespace mkata::cri
