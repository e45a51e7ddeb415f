// The routes every workload server answers the same way (PRODUCT.md, Workloads): GET /healthz
// (200 "ok\n", for readiness probes) and GET /info (the kernel the process sees, as JSON).
#pragma once

#include <string_view>

#include "workload/http_request.h"
#include "workload/http_response.h"

namespace mkata::workload {

/// True for /healthz and /info (any query).
bool is_standard_route(const HttpRequest& request);

/// The answer to a standard route; `workload` names the server in /info.
HttpResponse standard_route(const HttpRequest& request, std::string_view workload);

}  // namespace mkata::workload
