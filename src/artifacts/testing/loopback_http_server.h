// A tiny HTTP/1.1 server on 127.0.0.1 for the download tests: real sockets, real libcurl on the
// other end, no network beyond loopback. It serves a fixed set of routes from one thread, one
// connection at a time (Connection: close), and can misbehave on purpose: drop the connection
// mid-body (the first N times), ignore Range requests, or send the body slowly. It is bounded:
// after max_requests it stops accepting, so a test that loops forever still ends.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/error.h"

namespace mkata::artifacts::testing {

/// How one path is answered.
struct Route {
  int status = 200;
  std::string body;
  bool ranges = true;  ///< answer "Range: bytes=N-" with 206 and the rest of the body
  int drop_first = 0;  ///< the first N answers send drop_after body bytes, then close
  size_t drop_after = 0;
  std::chrono::milliseconds chunk_delay{0};  ///< pause after every 4 KiB of body
};

/// A request the server saw.
struct SeenRequest {
  std::string path;
  std::string range;  ///< the Range header's value, "" when absent
};

/// The server; start() binds an ephemeral port.
class LoopbackHttpServer {
 public:
  explicit LoopbackHttpServer(size_t max_requests = 64) : max_requests_(max_requests) {}
  ~LoopbackHttpServer() { stop(); }
  LoopbackHttpServer(const LoopbackHttpServer&) = delete;
  LoopbackHttpServer& operator=(const LoopbackHttpServer&) = delete;

  /// Adds or replaces a route (also while running; its drop_first count starts again). Unknown
  /// paths get 404 Not Found.
  void route(const std::string& path, Route route);
  /// Binds 127.0.0.1:0 and starts serving.
  Result<void> start();
  /// Stops accepting and joins the thread (idempotent).
  void stop();
  /// "http://127.0.0.1:<port><path>".
  std::string url(const std::string& path) const;
  std::vector<SeenRequest> requests() const;

 private:
  void serve();
  void answer(int fd);

  size_t max_requests_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  mutable std::mutex mutex_;
  std::map<std::string, Route> routes_;
  std::map<std::string, int> answered_;
  std::vector<SeenRequest> seen_;
};

}  // namespace mkata::artifacts::testing
