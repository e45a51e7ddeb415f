// The one place where mkata's plain CRI values (cri_types.h) meet the generated runtime.v1
// protobuf messages. Internal to src/cri/ (and its tests): everything else uses cri_types.h.
// Pure functions, no I/O, so the mapping is unit-tested field by field.
#pragma once

#include "cri/cri_types.h"
#include "cri/runtime_v1.pb.h"

namespace mkata::cri {

/// PodSpec → PodSandboxConfig (runtime_handler travels separately in RunPodSandboxRequest).
runtime::v1::PodSandboxConfig to_proto(const PodSpec& pod);

/// ContainerSpec → ContainerConfig.
runtime::v1::ContainerConfig to_proto(const ContainerSpec& container);

/// PodSandboxStatusResponse → PodStatus (info included).
PodStatus from_proto(const runtime::v1::PodSandboxStatusResponse& response);

/// ContainerStatusResponse → ContainerStatus (info included).
ContainerStatus from_proto(const runtime::v1::ContainerStatusResponse& response);

/// StatusResponse → RuntimeStatus.
RuntimeStatus from_proto(const runtime::v1::StatusResponse& response);

/// VersionResponse → VersionInfo.
VersionInfo from_proto(const runtime::v1::VersionResponse& response);

/// ListPodSandbox / ListContainers / image entries.
PodSummary from_proto(const runtime::v1::PodSandbox& pod);
ContainerSummary from_proto(const runtime::v1::Container& container);
ImageInfo from_proto(const runtime::v1::Image& image);

}  // namespace mkata::cri
