// HTTP/1.1 over a unix socket, the transport of the Docker Engine API (and of Podman's
// compatible one): libcurl with CURLOPT_UNIX_SOCKET_PATH, one easy handle per request, a hard
// deadline on every call, never a proxy. The host part of the URL is ignored by the daemon;
// "localhost" is sent.
#pragma once

#include <chrono>
#include <string>

#include "core/error.h"

namespace mkata::engine {

/// One request.
struct UnixHttpRequest {
  std::string method = "GET";
  std::string path;  ///< "/info", "/containers/create?name=x"
  std::string body;  ///< sent with Content-Type: application/json when not empty
  std::chrono::milliseconds timeout{std::chrono::seconds(30)};
};

/// What came back.
struct UnixHttpResponse {
  long status = 0;
  std::string body;
};

/// Sends request to the daemon listening on socket_path. An HTTP error status is a response, not
/// an Error; an Error means no answer: "GET /info on /var/run/docker.sock: Couldn't connect to
/// server" (environment).
Result<UnixHttpResponse> unix_http(const std::string& socket_path, const UnixHttpRequest& request);

}  // namespace mkata::engine
