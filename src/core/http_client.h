// One HTTP/1.1 request with libcurl: to a workload on its pod IP, or to a daemon on its unix
// socket (the Docker Engine API). A hard deadline on every call and never a proxy (pod and
// daemon traffic must not leave the host). curl_global_init() is done once, thread-safely; each
// call uses its own easy handle, so concurrent requests are independent. (Downloads of release
// archives, with retries and resume, are artifacts/download.h.)
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "core/error.h"

namespace mkata {

/// One request.
struct HttpRequest {
  std::string method = "GET";
  std::string url;  ///< "http://100.64.14.5:8080/healthz"; with unix_socket, the host is ignored
  std::string unix_socket;  ///< "" = TCP; else the daemon's socket path
  std::string body;         ///< sent (with content_type) when not empty
  std::string content_type = "application/json";  ///< e.g. "application/x-tar" for an image
  std::chrono::milliseconds timeout{std::chrono::seconds(30)};
  std::vector<std::string> headers;  ///< extra request headers, "Name: value"
};

/// A response.
struct HttpResponse {
  long status = 0;
  std::string body;
};

/// Sends the request. An HTTP error status is a response, not an Error; an Error means no
/// answer (environment): "GET http://100.64.14.2:8080/healthz: Connection refused", with
/// " on <socket>" after the URL for a unix socket.
Result<HttpResponse> http_request(const HttpRequest& request);

}  // namespace mkata
