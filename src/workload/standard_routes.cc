// /healthz and /info.
#include "workload/standard_routes.h"

#include "workload/info.h"

namespace mkata::workload {

bool is_standard_route(const HttpRequest& request) {
  return request.path == "/healthz" || request.path == "/info";
}

HttpResponse standard_route(const HttpRequest& request, std::string_view workload) {
  if (request.path == "/healthz") return text_response(200, "ok\n");
  HttpResponse response = text_response(200, info_json(observe_kernel(), workload));
  response.content_type = kApplicationJson;
  return response;
}

}  // namespace mkata::workload
