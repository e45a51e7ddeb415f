// The HTTP/1.1 server core shared by the workloads: N event-loop threads (epoll), each accepting
// from the one listening socket (EPOLLEXCLUSIVE, so a new connection wakes one thread) and owning
// its connections for their whole life, like nginx's worker processes. Fast handlers (helloworld,
// /healthz) run inline on the loop; slow ones (autoscale's jobs) run on their own thread and post
// the response back, so a 60-second sleep never stalls other connections. Every connection has a
// deadline (idle keep-alive, an unfinished request head, a stalled write), so slow or silent
// clients cannot pin resources. shutdown() is the PID-1 contract: stop accepting, finish the
// requests in flight, then close everything and return.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "workload/http_request.h"
#include "workload/http_response.h"

namespace mkata::workload {

/// How a server listens and behaves.
struct ServerOptions {
  std::string address = "0.0.0.0";  ///< IPv4 or IPv6 literal
  std::uint16_t port = 8080;        ///< 0 picks a free port (see HttpServer::port())
  unsigned threads = 1;             ///< event-loop threads
  HttpParseLimits limits;
  std::chrono::milliseconds idle_timeout{60000};     ///< keep-alive with no request
  std::chrono::milliseconds request_timeout{10000};  ///< from a request's first byte to its end
  std::chrono::milliseconds write_timeout{30000};    ///< a response that makes no progress
  std::size_t max_connections = 20000;               ///< across all threads; more are refused
  std::size_t max_blocking_requests = 512;           ///< in flight at once; more get a 503
  /// Answers a request. Runs on the event loop unless `blocking` says otherwise.
  std::function<HttpResponse(const HttpRequest&)> handle;
  /// True when handle() may block for this request: it then runs on a thread of its own.
  std::function<bool(const HttpRequest&)> blocking;
};

class EventLoop;

/// A running server. Not copyable or movable (the event-loop threads point at it).
class HttpServer {
 public:
  explicit HttpServer(ServerOptions options);
  ~HttpServer();  ///< calls shutdown()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// Binds, listens and starts the threads. Returns "" or a one-line error such as
  /// "listen on 0.0.0.0:8080: Address already in use". Call once.
  std::string start();
  /// The bound port (useful after binding port 0).
  std::uint16_t port() const { return bound_port_; }
  /// Stops accepting, lets in-flight requests finish and their responses be written, closes every
  /// connection and joins the threads. Idempotent; call from one thread (not from a handler).
  void shutdown();

  /// Internal state shared with the event-loop threads.
  struct Shared {
    ServerOptions options;
    int listen_fd = -1;
    std::atomic<bool> stopping{false};
    std::atomic<std::size_t> connections{0};
    std::atomic<std::size_t> blocking_in_flight{0};
    std::atomic<std::size_t> job_threads{0};  ///< live job threads, including their teardown
  };

 private:
  Shared shared_;
  std::uint16_t bound_port_ = 0;
  std::vector<std::unique_ptr<EventLoop>> loops_;
  std::vector<std::thread> threads_;
  bool stopped_ = false;
};

}  // namespace mkata::workload
