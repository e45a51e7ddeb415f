// See cri_client.h. Every RPC goes through call(): it sets the deadline on a fresh ClientContext
// and turns a non-OK grpc::Status into an Error that names the CRI method and its subject. The
// stubs live behind a shared_ptr so that with_deadline() copies are cheap and share one channel.
#include "cri/cri_client.h"

#include <grpcpp/grpcpp.h>

#include <nlohmann/json.hpp>

#include "cri/cri_mapping.h"
#include "cri/runtime_v1.grpc.pb.h"

namespace mkata::cri {

namespace pb = runtime::v1;

struct CriClient::Stubs {
  std::string target;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<pb::RuntimeService::Stub> runtime;
  std::unique_ptr<pb::ImageService::Stub> image;
};

namespace {

// Verbose statuses carry whole OCI specs and configs: allow more than gRPC's 4 MiB default.
constexpr int kMaxMessageBytes = 32 << 20;

std::string short_id(const std::string& id) { return id.size() > 12 ? id.substr(0, 12) : id; }

const char* code_name(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::CANCELLED:
      return "CANCELLED";
    case grpc::StatusCode::UNKNOWN:
      return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND:
      return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    default:
      return "error";
  }
}

/// "CRI <method> (<subject>): <why>" — the runtime's own message when it gave one.
Error rpc_error(const char* method, const std::string& subject, const grpc::Status& status,
                std::chrono::milliseconds deadline) {
  std::string why;
  if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    why = "no answer within " + std::to_string(deadline.count()) + " ms (deadline exceeded)";
  } else if (!status.error_message().empty()) {
    why = status.error_message();
  } else {
    why = code_name(status.error_code());
  }
  std::string what = std::string("CRI ") + method;
  if (!subject.empty()) what += " (" + subject + ")";
  return Error(what + ": " + why);
}

}  // namespace

template <typename Response, typename Invoke>
static Result<Response> call(const CriClient& client, const char* method,
                             const std::string& subject, Invoke invoke) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + client.deadline());
  Response response;
  grpc::Status status = invoke(&context, &response);
  if (!status.ok()) return fail(rpc_error(method, subject, status, client.deadline()));
  return response;
}

Result<CriClient> CriClient::connect(const std::string& socket_path,
                                     std::chrono::milliseconds default_deadline) {
  auto stubs = std::make_shared<Stubs>();
  stubs->target = socket_path.starts_with("unix:") ? socket_path : "unix://" + socket_path;
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(kMaxMessageBytes);
  stubs->channel =
      grpc::CreateCustomChannel(stubs->target, grpc::InsecureChannelCredentials(), args);
  if (!stubs->channel->WaitForConnected(std::chrono::system_clock::now() + default_deadline)) {
    return fail("CRI connect " + stubs->target + ": not reachable within " +
                std::to_string(default_deadline.count()) + " ms");
  }
  stubs->runtime = pb::RuntimeService::NewStub(stubs->channel);
  stubs->image = pb::ImageService::NewStub(stubs->channel);
  return CriClient(std::move(stubs), default_deadline);
}

CriClient CriClient::with_deadline(std::chrono::milliseconds deadline) const {
  return CriClient(stubs_, deadline);
}

const std::string& CriClient::target() const { return stubs_->target; }

Result<VersionInfo> CriClient::version() const {
  pb::VersionRequest request;
  request.set_version("v1");
  auto r = call<pb::VersionResponse>(*this, "Version", "", [&](auto* ctx, auto* out) {
    return stubs_->runtime->Version(ctx, request, out);
  });
  if (!r) return fail(r.error());
  return from_proto(*r);
}

Result<RuntimeStatus> CriClient::status(bool verbose) const {
  pb::StatusRequest request;
  request.set_verbose(verbose);
  auto r = call<pb::StatusResponse>(*this, "Status", "", [&](auto* ctx, auto* out) {
    return stubs_->runtime->Status(ctx, request, out);
  });
  if (!r) return fail(r.error());
  return from_proto(*r);
}

namespace {

// The "config" entry of a verbose Status: the CRI config containerd really loaded, as JSON.
Result<std::string> loaded_cri_config(const CriClient& client) {
  auto st = client.status(true);
  if (!st) return fail(st.error());
  auto config = st->info.find("config");
  if (config == st->info.end()) {
    return fail(
        "CRI Status: the runtime's verbose info has no \"config\" entry "
        "(is this containerd's CRI plugin?)");
  }
  return config->second;
}

}  // namespace

Result<std::map<std::string, std::string>> CriClient::loaded_runtime_handlers() const {
  auto config = loaded_cri_config(*this);
  if (!config) return fail(config.error());
  auto handlers = parse_runtime_handlers(*config);
  if (!handlers) return fail(handlers.error().wrap("CRI Status"));
  return handlers;
}

Result<std::map<std::string, LoadedRuntimeHandler>> CriClient::loaded_runtime_handler_details()
    const {
  auto config = loaded_cri_config(*this);
  if (!config) return fail(config.error());
  auto handlers = parse_runtime_handler_details(*config);
  if (!handlers) return fail(handlers.error().wrap("CRI Status"));
  return handlers;
}

Result<std::string> CriClient::run_pod(const PodSpec& pod) const {
  pb::RunPodSandboxRequest request;
  *request.mutable_config() = to_proto(pod);
  request.set_runtime_handler(pod.runtime_handler);
  std::string subject =
      "handler " + (pod.runtime_handler.empty() ? std::string("default") : pod.runtime_handler);
  auto r = call<pb::RunPodSandboxResponse>(
      *this, "RunPodSandbox", subject,
      [&](auto* ctx, auto* out) { return stubs_->runtime->RunPodSandbox(ctx, request, out); });
  if (!r) return fail(r.error());
  return r->pod_sandbox_id();
}

Result<void> CriClient::stop_pod(const std::string& pod_id) const {
  pb::StopPodSandboxRequest request;
  request.set_pod_sandbox_id(pod_id);
  auto r = call<pb::StopPodSandboxResponse>(
      *this, "StopPodSandbox", "pod " + short_id(pod_id),
      [&](auto* ctx, auto* out) { return stubs_->runtime->StopPodSandbox(ctx, request, out); });
  if (!r) return fail(r.error());
  return {};
}

Result<void> CriClient::remove_pod(const std::string& pod_id) const {
  pb::RemovePodSandboxRequest request;
  request.set_pod_sandbox_id(pod_id);
  auto r = call<pb::RemovePodSandboxResponse>(
      *this, "RemovePodSandbox", "pod " + short_id(pod_id),
      [&](auto* ctx, auto* out) { return stubs_->runtime->RemovePodSandbox(ctx, request, out); });
  if (!r) return fail(r.error());
  return {};
}

Result<PodStatus> CriClient::pod_status(const std::string& pod_id, bool verbose) const {
  pb::PodSandboxStatusRequest request;
  request.set_pod_sandbox_id(pod_id);
  request.set_verbose(verbose);
  auto r = call<pb::PodSandboxStatusResponse>(
      *this, "PodSandboxStatus", "pod " + short_id(pod_id),
      [&](auto* ctx, auto* out) { return stubs_->runtime->PodSandboxStatus(ctx, request, out); });
  if (!r) return fail(r.error());
  return from_proto(*r);
}

Result<std::vector<PodSummary>> CriClient::list_pods(const StringMap& label_selector) const {
  pb::ListPodSandboxRequest request;
  for (const auto& [k, v] : label_selector)
    (*request.mutable_filter()->mutable_label_selector())[k] = v;
  auto r = call<pb::ListPodSandboxResponse>(*this, "ListPodSandbox", "", [&](auto* ctx, auto* out) {
    return stubs_->runtime->ListPodSandbox(ctx, request, out);
  });
  if (!r) return fail(r.error());
  std::vector<PodSummary> pods;
  for (const auto& item : r->items()) pods.push_back(from_proto(item));
  return pods;
}

Result<std::string> CriClient::create_container(const std::string& pod_id,
                                                const ContainerSpec& container,
                                                const PodSpec& pod) const {
  pb::CreateContainerRequest request;
  request.set_pod_sandbox_id(pod_id);
  *request.mutable_config() = to_proto(container);
  *request.mutable_sandbox_config() = to_proto(pod);
  auto r = call<pb::CreateContainerResponse>(
      *this, "CreateContainer", container.name + " in pod " + short_id(pod_id),
      [&](auto* ctx, auto* out) { return stubs_->runtime->CreateContainer(ctx, request, out); });
  if (!r) return fail(r.error());
  return r->container_id();
}

Result<void> CriClient::start_container(const std::string& container_id) const {
  pb::StartContainerRequest request;
  request.set_container_id(container_id);
  auto r = call<pb::StartContainerResponse>(
      *this, "StartContainer", "container " + short_id(container_id),
      [&](auto* ctx, auto* out) { return stubs_->runtime->StartContainer(ctx, request, out); });
  if (!r) return fail(r.error());
  return {};
}

Result<void> CriClient::stop_container(const std::string& container_id,
                                       std::chrono::seconds grace) const {
  pb::StopContainerRequest request;
  request.set_container_id(container_id);
  request.set_timeout(grace.count());
  auto r = call<pb::StopContainerResponse>(
      *this, "StopContainer", "container " + short_id(container_id),
      [&](auto* ctx, auto* out) { return stubs_->runtime->StopContainer(ctx, request, out); });
  if (!r) return fail(r.error());
  return {};
}

Result<void> CriClient::remove_container(const std::string& container_id) const {
  pb::RemoveContainerRequest request;
  request.set_container_id(container_id);
  auto r = call<pb::RemoveContainerResponse>(
      *this, "RemoveContainer", "container " + short_id(container_id),
      [&](auto* ctx, auto* out) { return stubs_->runtime->RemoveContainer(ctx, request, out); });
  if (!r) return fail(r.error());
  return {};
}

Result<ContainerStatus> CriClient::container_status(const std::string& container_id,
                                                    bool verbose) const {
  pb::ContainerStatusRequest request;
  request.set_container_id(container_id);
  request.set_verbose(verbose);
  auto r = call<pb::ContainerStatusResponse>(
      *this, "ContainerStatus", "container " + short_id(container_id),
      [&](auto* ctx, auto* out) { return stubs_->runtime->ContainerStatus(ctx, request, out); });
  if (!r) return fail(r.error());
  return from_proto(*r);
}

Result<std::vector<ContainerSummary>> CriClient::list_containers(const std::string& pod_id) const {
  pb::ListContainersRequest request;
  if (!pod_id.empty()) request.mutable_filter()->set_pod_sandbox_id(pod_id);
  auto r = call<pb::ListContainersResponse>(
      *this, "ListContainers", pod_id.empty() ? "" : "pod " + short_id(pod_id),
      [&](auto* ctx, auto* out) { return stubs_->runtime->ListContainers(ctx, request, out); });
  if (!r) return fail(r.error());
  std::vector<ContainerSummary> containers;
  for (const auto& c : r->containers()) containers.push_back(from_proto(c));
  return containers;
}

Result<std::optional<ImageInfo>> CriClient::image_status(const std::string& image) const {
  pb::ImageStatusRequest request;
  request.mutable_image()->set_image(image);
  auto r = call<pb::ImageStatusResponse>(*this, "ImageStatus", image, [&](auto* ctx, auto* out) {
    return stubs_->image->ImageStatus(ctx, request, out);
  });
  if (!r) return fail(r.error());
  if (!r->has_image()) return std::optional<ImageInfo>();
  return std::optional<ImageInfo>(from_proto(r->image()));
}

Result<std::vector<ImageInfo>> CriClient::list_images() const {
  pb::ListImagesRequest request;
  auto r = call<pb::ListImagesResponse>(*this, "ListImages", "", [&](auto* ctx, auto* out) {
    return stubs_->image->ListImages(ctx, request, out);
  });
  if (!r) return fail(r.error());
  std::vector<ImageInfo> images;
  for (const auto& image : r->images()) images.push_back(from_proto(image));
  return images;
}

Result<std::map<std::string, LoadedRuntimeHandler>> parse_runtime_handler_details(
    const std::string& config_json) {
  // nlohmann::json throws on type errors: parse without exceptions and check every step.
  auto json = nlohmann::json::parse(config_json, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) {
    return fail("loaded CRI config: not a JSON object");
  }
  auto containerd = json.find("containerd");
  if (containerd == json.end() || !containerd->is_object()) {
    return fail("loaded CRI config: no \"containerd\" object");
  }
  auto runtimes = containerd->find("runtimes");
  if (runtimes == containerd->end() || !runtimes->is_object()) {
    return fail("loaded CRI config: no \"containerd.runtimes\" object");
  }
  std::map<std::string, LoadedRuntimeHandler> handlers;
  for (const auto& [name, runtime] : runtimes->items()) {
    LoadedRuntimeHandler handler;
    if (runtime.is_object()) {
      auto type = runtime.find("runtimeType");
      if (type != runtime.end() && type->is_string())
        handler.runtime_type = type->get<std::string>();
      auto options = runtime.find("options");
      if (options != runtime.end() && options->is_object()) {
        for (const auto& [key, value] : options->items()) {
          handler.options[key] = value.is_string() ? value.get<std::string>() : value.dump();
        }
      }
    }
    handlers[name] = std::move(handler);
  }
  return handlers;
}

Result<std::map<std::string, std::string>> parse_runtime_handlers(const std::string& config_json) {
  auto details = parse_runtime_handler_details(config_json);
  if (!details) return fail(details.error());
  std::map<std::string, std::string> handlers;
  for (const auto& [name, handler] : *details) handlers[name] = handler.runtime_type;
  return handlers;
}

}  // namespace mkata::cri
