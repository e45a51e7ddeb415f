// See cri_mapping.h. Enum values are mapped explicitly (never cast): the CRI numbering is an API
// contract and an unknown value from a newer runtime must land on a safe default.
#include "cri/cri_mapping.h"

namespace mkata::cri {
namespace {

namespace pb = runtime::v1;

template <typename ProtoMap>
void copy_map(const StringMap& from, ProtoMap* to) {
  for (const auto& [key, value] : from) (*to)[key] = value;
}

template <typename ProtoMap>
StringMap to_map(const ProtoMap& from) {
  return StringMap(from.begin(), from.end());
}

pb::NamespaceMode to_proto(NamespaceMode mode) {
  switch (mode) {
    case NamespaceMode::kPod:
      return pb::POD;
    case NamespaceMode::kContainer:
      return pb::CONTAINER;
    case NamespaceMode::kNode:
      return pb::NODE;
  }
  return pb::POD;
}

pb::Protocol to_proto(Protocol protocol) {
  switch (protocol) {
    case Protocol::kTcp:
      return pb::TCP;
    case Protocol::kUdp:
      return pb::UDP;
    case Protocol::kSctp:
      return pb::SCTP;
  }
  return pb::TCP;
}

PodState from_proto(pb::PodSandboxState state) {
  return state == pb::SANDBOX_READY ? PodState::kReady : PodState::kNotReady;
}

ContainerState from_proto(pb::ContainerState state) {
  switch (state) {
    case pb::CONTAINER_CREATED:
      return ContainerState::kCreated;
    case pb::CONTAINER_RUNNING:
      return ContainerState::kRunning;
    case pb::CONTAINER_EXITED:
      return ContainerState::kExited;
    default:
      return ContainerState::kUnknown;
  }
}

}  // namespace

pb::PodSandboxConfig to_proto(const PodSpec& pod) {
  pb::PodSandboxConfig config;
  auto* metadata = config.mutable_metadata();
  metadata->set_name(pod.name);
  metadata->set_uid(pod.uid);
  metadata->set_namespace_(pod.namespace_name);
  metadata->set_attempt(pod.attempt);
  config.set_hostname(pod.hostname);
  config.set_log_directory(pod.log_directory);
  if (!pod.dns_servers.empty() || !pod.dns_searches.empty() || !pod.dns_options.empty()) {
    auto* dns = config.mutable_dns_config();
    for (const auto& s : pod.dns_servers) dns->add_servers(s);
    for (const auto& s : pod.dns_searches) dns->add_searches(s);
    for (const auto& s : pod.dns_options) dns->add_options(s);
  }
  for (const auto& port : pod.port_mappings) {
    auto* mapping = config.add_port_mappings();
    mapping->set_protocol(to_proto(port.protocol));
    mapping->set_container_port(port.container_port);
    mapping->set_host_port(port.host_port);
    mapping->set_host_ip(port.host_ip);
  }
  copy_map(pod.labels, config.mutable_labels());
  copy_map(pod.annotations, config.mutable_annotations());
  auto* lx = config.mutable_linux();
  lx->set_cgroup_parent(pod.cgroup_parent);
  auto* namespaces = lx->mutable_security_context()->mutable_namespace_options();
  namespaces->set_network(to_proto(pod.network));
  namespaces->set_pid(to_proto(pod.pid));
  namespaces->set_ipc(to_proto(pod.ipc));
  return config;
}

pb::ContainerConfig to_proto(const ContainerSpec& container) {
  pb::ContainerConfig config;
  config.mutable_metadata()->set_name(container.name);
  config.mutable_metadata()->set_attempt(container.attempt);
  config.mutable_image()->set_image(container.image);
  for (const auto& c : container.command) config.add_command(c);
  for (const auto& a : container.args) config.add_args(a);
  config.set_working_dir(container.working_dir);
  for (const auto& [key, value] : container.envs) {
    auto* env = config.add_envs();
    env->set_key(key);
    env->set_value(value);
  }
  copy_map(container.labels, config.mutable_labels());
  copy_map(container.annotations, config.mutable_annotations());
  config.set_log_path(container.log_path);
  auto* lx = config.mutable_linux();
  auto* resources = lx->mutable_resources();
  resources->set_cpu_period(container.resources.cpu_period);
  resources->set_cpu_quota(container.resources.cpu_quota);
  resources->set_cpu_shares(container.resources.cpu_shares);
  resources->set_memory_limit_in_bytes(container.resources.memory_limit_in_bytes);
  auto* security = lx->mutable_security_context();
  if (container.run_as_user) security->mutable_run_as_user()->set_value(*container.run_as_user);
  if (container.run_as_group) security->mutable_run_as_group()->set_value(*container.run_as_group);
  security->set_readonly_rootfs(container.readonly_rootfs);
  security->set_no_new_privs(container.no_new_privs);
  for (const auto& c : container.drop_capabilities) {
    security->mutable_capabilities()->add_drop_capabilities(c);
  }
  return config;
}

PodStatus from_proto(const pb::PodSandboxStatusResponse& response) {
  const auto& s = response.status();
  PodStatus status;
  status.id = s.id();
  status.name = s.metadata().name();
  status.namespace_name = s.metadata().namespace_();
  status.uid = s.metadata().uid();
  status.attempt = s.metadata().attempt();
  status.state = from_proto(s.state());
  status.created_at_ns = s.created_at();
  status.ip = s.network().ip();
  for (const auto& ip : s.network().additional_ips()) status.additional_ips.push_back(ip.ip());
  status.runtime_handler = s.runtime_handler();
  status.labels = to_map(s.labels());
  status.annotations = to_map(s.annotations());
  status.info = to_map(response.info());
  return status;
}

ContainerStatus from_proto(const pb::ContainerStatusResponse& response) {
  const auto& s = response.status();
  ContainerStatus status;
  status.id = s.id();
  status.name = s.metadata().name();
  status.attempt = s.metadata().attempt();
  status.state = from_proto(s.state());
  status.created_at_ns = s.created_at();
  status.started_at_ns = s.started_at();
  status.finished_at_ns = s.finished_at();
  status.exit_code = s.exit_code();
  status.image = s.image().image();
  status.image_ref = s.image_ref();
  status.reason = s.reason();
  status.message = s.message();
  status.log_path = s.log_path();
  status.labels = to_map(s.labels());
  status.annotations = to_map(s.annotations());
  status.info = to_map(response.info());
  return status;
}

RuntimeStatus from_proto(const pb::StatusResponse& response) {
  RuntimeStatus status;
  for (const auto& c : response.status().conditions()) {
    status.conditions.push_back({c.type(), c.status(), c.reason(), c.message()});
  }
  status.info = to_map(response.info());
  return status;
}

VersionInfo from_proto(const pb::VersionResponse& response) {
  return {response.version(), response.runtime_name(), response.runtime_version(),
          response.runtime_api_version()};
}

PodSummary from_proto(const pb::PodSandbox& pod) {
  PodSummary summary;
  summary.id = pod.id();
  summary.name = pod.metadata().name();
  summary.namespace_name = pod.metadata().namespace_();
  summary.state = from_proto(pod.state());
  summary.created_at_ns = pod.created_at();
  summary.runtime_handler = pod.runtime_handler();
  summary.labels = to_map(pod.labels());
  return summary;
}

ContainerSummary from_proto(const pb::Container& container) {
  ContainerSummary summary;
  summary.id = container.id();
  summary.pod_id = container.pod_sandbox_id();
  summary.name = container.metadata().name();
  summary.image = container.image().image();
  summary.image_ref = container.image_ref();
  summary.state = from_proto(container.state());
  summary.created_at_ns = container.created_at();
  summary.labels = to_map(container.labels());
  return summary;
}

ImageInfo from_proto(const pb::Image& image) {
  ImageInfo info;
  info.id = image.id();
  info.repo_tags.assign(image.repo_tags().begin(), image.repo_tags().end());
  info.repo_digests.assign(image.repo_digests().begin(), image.repo_digests().end());
  info.size = image.size();
  if (image.has_uid()) info.uid = image.uid().value();
  info.username = image.username();
  return info;
}

const char* to_string(ContainerState state) {
  switch (state) {
    case ContainerState::kCreated:
      return "CONTAINER_CREATED";
    case ContainerState::kRunning:
      return "CONTAINER_RUNNING";
    case ContainerState::kExited:
      return "CONTAINER_EXITED";
    case ContainerState::kUnknown:
      return "CONTAINER_UNKNOWN";
  }
  return "CONTAINER_UNKNOWN";
}

const char* to_string(PodState state) {
  return state == PodState::kReady ? "SANDBOX_READY" : "SANDBOX_NOTREADY";
}

}  // namespace mkata::cri
