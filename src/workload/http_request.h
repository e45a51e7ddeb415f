// HTTP/1.1 request parsing for the workload servers: the request line and headers of one request
// at the front of a connection's buffer, with hard limits, never trusting the peer. It keeps only
// what a GET-serving workload needs (method, target, version, keep-alive, Content-Length) and
// rejects what it cannot handle safely (chunked bodies, obsolete line folding, control bytes)
// instead of guessing. Kept free of C++23 library features so that clang-14 builds it for
// libFuzzer.
#pragma once

#include <cstddef>
#include <string_view>

namespace mkata::workload {

/// One parsed request; the views point into the buffer given to parse_http_request().
struct HttpRequest {
  std::string_view method;  ///< e.g. "GET"
  std::string_view target;  ///< origin form as sent, e.g. "/?sleep=100"
  std::string_view path;    ///< target before '?'
  std::string_view query;   ///< target after '?' (without it), empty if none
  int minor_version = 1;    ///< HTTP/1.<minor_version>
  bool keep_alive = true;   ///< false for "Connection: close" or HTTP/1.0 without keep-alive
  std::size_t content_length = 0;
};

/// Limits applied while parsing; exceeding one is an error status, never a crash or a wait.
struct HttpParseLimits {
  std::size_t max_head_bytes = 8192;  ///< request line + headers + blank line
  std::size_t max_headers = 64;
  std::size_t max_body_bytes = 1 << 20;  ///< Content-Length bodies are read and discarded
};

enum class HttpParseStatus {
  kIncomplete,  ///< need more bytes
  kComplete,    ///< `request` is valid; `consumed` bytes (head and body) belong to it
  kError,       ///< answer `error_status` with `error_reason` and close the connection
};

struct HttpParseResult {
  HttpParseStatus status = HttpParseStatus::kIncomplete;
  HttpRequest request;
  std::size_t consumed = 0;
  int error_status = 0;           ///< 400, 405, 413, 431, 501 or 505
  std::string_view error_reason;  ///< one line for the response body (static text)
};

/// Parses the request at the front of `data`. Line ends may be CRLF or a bare LF; empty lines
/// before the request line are skipped (RFC 9112 §2.2). Methods other than GET and HEAD are a
/// 405 (the body of such a request is never read).
HttpParseResult parse_http_request(std::string_view data, const HttpParseLimits& limits);

/// ASCII case-insensitive equality.
bool equals_ignore_case(std::string_view a, std::string_view b);

}  // namespace mkata::workload
