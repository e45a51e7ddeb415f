// See http_get.h.
#include "validate/http_get.h"

#include "core/http_client.h"

namespace mkata::validate {

Result<HttpResponse> http_get(const std::string& url, std::chrono::milliseconds timeout) {
  auto r = http_request(
      {.method = "GET", .url = url, .unix_socket = {}, .body = {}, .timeout = timeout});
  return r;
}

}  // namespace mkata::validate
