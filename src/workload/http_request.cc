// The request parser. It first finds the end of the head (so an incomplete head costs one scan
// and nothing else), then validates line by line. All errors are static strings: the parser never
// allocates, which keeps the hot path of a keep-alive "GET /" to a few hundred byte compares.
#include "workload/http_request.h"

#include <cstring>

namespace mkata::workload {
namespace {

bool is_tchar(unsigned char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  return c != 0 && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr;
}

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_tchar(static_cast<unsigned char>(c))) return false;
  return true;
}

// Finds the end of the head: the index just past the empty line, or npos.
std::size_t find_head_end(std::string_view data) {
  std::size_t pos = 0;
  while (true) {
    const void* nl = std::memchr(data.data() + pos, '\n', data.size() - pos);
    if (nl == nullptr) return std::string_view::npos;
    std::size_t i = static_cast<const char*>(nl) - data.data() + 1;
    if (i < data.size() && data[i] == '\n') return i + 1;
    if (i + 1 < data.size() && data[i] == '\r' && data[i + 1] == '\n') return i + 2;
    if (i + 1 >= data.size()) return std::string_view::npos;
    pos = i;
  }
}

HttpParseResult error(int status, std::string_view reason) {
  HttpParseResult r;
  r.status = HttpParseStatus::kError;
  r.error_status = status;
  r.error_reason = reason;
  return r;
}

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Applies one "Connection" header value (a comma-separated token list).
void apply_connection(std::string_view value, HttpRequest& request) {
  while (!value.empty()) {
    std::size_t comma = value.find(',');
    std::string_view token = trim_ows(value.substr(0, comma));
    if (equals_ignore_case(token, "close")) request.keep_alive = false;
    if (equals_ignore_case(token, "keep-alive") && request.minor_version == 0)
      request.keep_alive = true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
}

// Parses "METHOD SP target SP HTTP/1.x" into request; returns an error result or kComplete.
HttpParseResult parse_request_line(std::string_view line, HttpRequest& request) {
  std::size_t sp1 = line.find(' ');
  if (sp1 == std::string_view::npos) return error(400, "malformed request line");
  std::size_t sp2 = line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos) return error(400, "malformed request line");
  request.method = line.substr(0, sp1);
  request.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::string_view version = line.substr(sp2 + 1);
  if (!is_token(request.method) || request.method.size() > 32)
    return error(400, "malformed request method");
  if (request.target.empty()) return error(400, "malformed request target");
  for (char c : request.target) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return error(400, "malformed request target");
  }
  if (version.size() != 8 || version.substr(0, 5) != "HTTP/" || version[6] != '.' ||
      version[5] < '0' || version[5] > '9' || version[7] < '0' || version[7] > '9')
    return error(400, "malformed HTTP version");
  if (version[5] != '1') return error(505, "only HTTP/1.0 and HTTP/1.1 are supported");
  request.minor_version = version[7] == '0' ? 0 : 1;
  request.keep_alive = request.minor_version >= 1;
  // Absolute form (a proxy-style request): keep only the path and query.
  std::string_view t = request.target;
  if (t.substr(0, 7) == "http://" || t.substr(0, 8) == "https://") {
    std::size_t slash = t.find('/', t.find("//") + 2);
    t = slash == std::string_view::npos ? std::string_view("/") : t.substr(slash);
  } else if (t.front() != '/') {
    return error(400, "malformed request target");
  }
  std::size_t q = t.find('?');
  request.path = t.substr(0, q);
  request.query = q == std::string_view::npos ? std::string_view() : t.substr(q + 1);
  HttpParseResult ok;
  ok.status = HttpParseStatus::kComplete;
  return ok;
}

// Parses one header line; updates request and the seen-Content-Length state.
HttpParseResult parse_header(std::string_view line, HttpRequest& request, bool& seen_length,
                             const HttpParseLimits& limits) {
  if (line.front() == ' ' || line.front() == '\t')
    return error(400, "obsolete header line folding is not accepted");
  std::size_t colon = line.find(':');
  if (colon == std::string_view::npos || !is_token(line.substr(0, colon)))
    return error(400, "malformed header line");
  std::string_view name = line.substr(0, colon);
  std::string_view value = trim_ows(line.substr(colon + 1));
  for (char c : value) {
    auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && u != '\t') || u == 0x7f) return error(400, "control character in header");
  }
  if (equals_ignore_case(name, "connection")) {
    apply_connection(value, request);
  } else if (equals_ignore_case(name, "transfer-encoding")) {
    return error(501, "Transfer-Encoding request bodies are not supported");
  } else if (equals_ignore_case(name, "content-length")) {
    std::size_t length = 0;
    if (value.empty()) return error(400, "malformed Content-Length");
    for (char c : value) {
      if (c < '0' || c > '9') return error(400, "malformed Content-Length");
      if (length > limits.max_body_bytes) break;  // stays above the limit, cannot overflow
      length = length * 10 + static_cast<std::size_t>(c - '0');
    }
    if (seen_length && length != request.content_length)
      return error(400, "conflicting Content-Length headers");
    if (length > limits.max_body_bytes) return error(413, "request body too large");
    seen_length = true;
    request.content_length = length;
  }
  HttpParseResult ok;
  ok.status = HttpParseStatus::kComplete;
  return ok;
}

}  // namespace

bool equals_ignore_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

HttpParseResult parse_http_request(std::string_view data, const HttpParseLimits& limits) {
  std::size_t start = 0;
  while (start < data.size() && (data[start] == '\r' || data[start] == '\n')) {
    if (start >= limits.max_head_bytes) return error(400, "too many empty lines");
    ++start;
  }
  std::string_view rest = data.substr(start);
  std::size_t head_end = find_head_end(rest);
  if (head_end == std::string_view::npos) {
    if (rest.size() > limits.max_head_bytes) return error(431, "request head too large");
    return HttpParseResult{};
  }
  if (head_end > limits.max_head_bytes) return error(431, "request head too large");

  HttpParseResult result;
  HttpRequest& request = result.request;
  std::string_view head = rest.substr(0, head_end);
  bool first = true, seen_length = false;
  std::size_t headers = 0;
  while (true) {
    std::size_t nl = head.find('\n');
    std::string_view line = head.substr(0, nl);
    head.remove_prefix(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) break;  // the blank line that ends the head
    if (line.find('\r') != std::string_view::npos) return error(400, "bare CR in request head");
    HttpParseResult step;
    if (first) {
      step = parse_request_line(line, request);
      first = false;
    } else {
      if (++headers > limits.max_headers) return error(431, "too many header fields");
      step = parse_header(line, request, seen_length, limits);
    }
    if (step.status == HttpParseStatus::kError) return step;
  }
  if (first) return error(400, "malformed request line");
  if (request.method != "GET" && request.method != "HEAD")
    return error(405, "only GET and HEAD are supported");
  std::size_t total = start + head_end + request.content_length;
  if (data.size() < total) return HttpParseResult{};  // the body has not arrived yet
  result.status = HttpParseStatus::kComplete;
  result.consumed = total;
  return result;
}

}  // namespace mkata::workload
