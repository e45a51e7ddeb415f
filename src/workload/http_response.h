// HTTP/1.1 responses of the workload servers: a status, a content type, a body, and resources the
// response keeps alive until its last byte is written (autoscale's `bloat` memory). Serialising
// appends to a connection's output buffer so that a keep-alive response costs no allocation.
#pragma once

#include <ctime>
#include <memory>
#include <string>
#include <string_view>

namespace mkata::workload {

inline constexpr std::string_view kTextPlain = "text/plain; charset=utf-8";
inline constexpr std::string_view kApplicationJson = "application/json";

/// One response. content_type and extra_headers must be static strings (they are views).
struct HttpResponse {
  int status = 200;
  std::string_view content_type = kTextPlain;
  std::string body;
  std::string_view extra_headers;  ///< preformatted lines, each ending in "\r\n"
  std::shared_ptr<void> hold;      ///< released after the response has been written
};

/// A text/plain response.
HttpResponse text_response(int status, std::string body);

/// The reason phrase of a status code ("OK", "Bad Request", ...; "Unknown" for others).
std::string_view status_reason(int status);

/// Formats an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") into buf (at least 30 bytes).
void format_http_date(std::time_t when, char* buf);

/// Appends the status line, headers and (unless head_only) the body to out. `close` adds
/// "Connection: close"; `date` is the Date header value.
void append_response(std::string& out, const HttpResponse& response, bool head_only, bool close,
                     std::string_view date);

}  // namespace mkata::workload
