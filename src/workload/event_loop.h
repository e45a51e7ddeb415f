// One event loop of the HTTP server (http_server.h): an epoll instance, an eventfd to be woken
// (for shutdown and for responses posted by job threads), and the connections it accepted, which
// it owns for their whole life. Internal to the server; declared here so that http_server.cc
// stays about the server's lifecycle and this file pair about serving connections.
#pragma once

#include <chrono>
#include <cstdint>
#include <ctime>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "workload/http_request.h"
#include "workload/http_response.h"
#include "workload/http_server.h"

namespace mkata::workload {

using Clock = std::chrono::steady_clock;

/// One client connection and its state machine.
struct Connection {
  int fd = -1;
  std::uint64_t id = 0;
  std::string in;   // bytes received and not yet consumed
  std::string out;  // bytes to send
  std::size_t out_sent = 0;
  std::vector<std::shared_ptr<void>> holds;  // released once `out` is fully sent
  Clock::time_point deadline;
  bool request_started = false;  // `in` holds part of a request: request_timeout applies
  bool busy = false;             // a blocking job is answering this connection
  bool busy_head_only = false;
  bool busy_close = false;
  bool close_after_write = false;
  bool peer_closed = false;
  bool want_write = false;
  bool registered = true;  // present in the epoll set
};

/// An event loop; run() returns once the server is stopping and every connection is closed.
class EventLoop {
 public:
  explicit EventLoop(HttpServer::Shared& shared) : shared_(shared) {}
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  /// Creates the epoll instance and the eventfd and watches the listening socket; "" or an error.
  std::string init();
  /// Watches the listening socket (again); false with errno set on failure.
  bool watch_listener();

  /// Makes run() look at the stopping flag and the posted responses. Thread-safe.
  void wake();
  /// Hands a job's response for connection `id` to this loop. Thread-safe (job threads).
  void post(std::uint64_t id, HttpResponse response);
  /// Serves until the server stops and the last connection is closed.
  void run();

 private:
  void accept_all();
  void on_event(Connection* c, std::uint32_t events);
  void on_readable(Connection* c);
  void process(Connection* c, std::string_view data, bool data_is_in);
  void dispatch(Connection* c, const HttpRequest& request, std::string_view raw);
  void start_job(Connection* c, std::string_view raw);
  bool flush(Connection* c);
  void finish_jobs();
  void begin_drain();
  void expire();
  void close_connection(Connection* c);
  void update_interest(Connection* c);
  void respond(Connection* c, const HttpResponse& response, bool head_only, bool close);
  std::string_view date();

  HttpServer::Shared& shared_;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  char listen_tag_ = 0, wake_tag_ = 0;
  std::unordered_map<std::uint64_t, std::unique_ptr<Connection>> connections_;
  std::vector<std::unique_ptr<Connection>> closed_;  // freed after each event batch
  std::uint64_t next_id_ = 1;
  bool draining_ = false;
  bool accept_paused_ = false;
  Clock::time_point accept_paused_until_;
  Clock::time_point now_;
  std::time_t date_second_ = 0;
  char date_[32] = {};
  std::unique_ptr<char[]> read_buffer_;  // one recv buffer shared by all connections
  std::mutex mutex_;
  std::vector<std::pair<std::uint64_t, HttpResponse>> completed_;
};

}  // namespace mkata::workload
