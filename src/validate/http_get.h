// A minimal HTTP/1.1 GET for talking to pods (core/http_client.h): one request, a hard timeout, the status
// and the body. Only loopback and pod addresses of our own network are ever passed in.
#pragma once

#include <chrono>
#include <string>

#include "core/error.h"
#include "core/http_client.h"

namespace mkata::validate {

using mkata::HttpResponse;

/// GETs url within timeout. Error (environment) on a connection failure or timeout:
/// "GET http://100.64.14.2:8080/healthz: Connection refused".
Result<HttpResponse> http_get(const std::string& url, std::chrono::milliseconds timeout);

}  // namespace mkata::validate
