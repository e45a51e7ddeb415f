// Test helper: a tiny blocking HTTP/1.1 client over loopback TCP, with timeouts, so that the
// workload tests talk to real servers through real sockets without any HTTP library.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace mkata::workload::testing {

/// One response as received. status 0 means none arrived (see error).
struct HttpReply {
  int status = 0;
  std::string head;  ///< status line and headers, without the blank line
  std::string body;
  std::string error;  ///< why no complete reply arrived
  /// The value of a header (case-insensitive name), or "" if absent.
  std::string header(std::string_view name) const;
};

/// A TCP connection to 127.0.0.1:port.
class TestConnection {
 public:
  explicit TestConnection(std::uint16_t port);
  ~TestConnection();
  TestConnection(const TestConnection&) = delete;
  TestConnection& operator=(const TestConnection&) = delete;

  bool connected() const { return fd_ >= 0; }
  /// Sends all bytes; false on error.
  bool send(std::string_view bytes);
  /// Reads one response (Content-Length framed); for a HEAD request pass head_only.
  HttpReply read_reply(std::chrono::milliseconds timeout = std::chrono::seconds(10),
                       bool head_only = false);
  /// True when the server closes the connection within timeout (EOF or reset).
  bool closed_by_peer(std::chrono::milliseconds timeout);
  /// Everything received until the peer closes or timeout passes.
  std::string read_until_close(std::chrono::milliseconds timeout);

 private:
  bool fill(std::chrono::steady_clock::time_point deadline);
  int fd_ = -1;
  std::string buffer_;
};

/// GET target over a fresh connection.
HttpReply http_get(std::uint16_t port, std::string_view target,
                   std::chrono::milliseconds timeout = std::chrono::seconds(20));

/// A loopback port that was free a moment ago.
std::uint16_t free_port();

}  // namespace mkata::workload::testing
