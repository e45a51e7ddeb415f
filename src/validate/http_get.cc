// See http_get.h.
#include "validate/http_get.h"

#include "core/http_client.h"

namespace mkata::validate {

Result<HttpResponse> http_get(const std::string& url, std::chrono::milliseconds timeout) {
  HttpRequest request;
  request.url = url;
  request.timeout = timeout;
  return http_request(request);
}

}  // namespace mkata::validate
