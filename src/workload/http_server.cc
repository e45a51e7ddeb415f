// The event loops. Each Worker owns an epoll instance, an eventfd to be woken (for shutdown and
// for responses posted by job threads), and its connections. Connections are level-triggered:
// one recv per readiness event, every complete request in the buffer answered in order
// (pipelining), one send for all of them. Reading pauses while a blocking job runs, so responses
// stay in request order. A closed connection is parked until the end of the event batch, so a
// later event of the same batch never touches freed memory.
#include "workload/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <system_error>
#include <unordered_map>
#include <utility>

namespace mkata::workload {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kReadChunk = 65536;
constexpr int kMaxEvents = 256;

std::string errno_text(const std::string& what, int err) {
  return what + ": " + std::strerror(err);
}

}  // namespace

struct Connection {
  int fd = -1;
  std::uint64_t id = 0;
  std::string in;        // bytes received and not yet consumed
  std::string out;       // bytes to send
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

class Worker {
 public:
  explicit Worker(HttpServer::Shared& shared) : shared_(shared) {}
  ~Worker() {
    for (auto& [id, c] : connections_) ::close(c->fd);
    if (wake_fd_ >= 0) ::close(wake_fd_);
    if (epoll_fd_ >= 0) ::close(epoll_fd_);
  }

  std::string init() {
    epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
    wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (epoll_fd_ < 0 || wake_fd_ < 0) return errno_text("create event loop", errno);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = &wake_tag_;
    if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev) != 0)
      return errno_text("create event loop", errno);
    ev.events = EPOLLIN | EPOLLEXCLUSIVE;
    ev.data.ptr = &listen_tag_;
    if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, shared_.listen_fd, &ev) != 0)
      return errno_text("watch listening socket", errno);
    return "";
  }

  void wake() {
    std::uint64_t one = 1;
    [[maybe_unused]] ssize_t n = ::write(wake_fd_, &one, sizeof one);
  }

  // Called by a job thread: hands the response to this loop.
  void post(std::uint64_t id, HttpResponse response) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      completed_.emplace_back(id, std::move(response));
    }
    wake();
  }

  void run();

 private:
  void accept_all();
  void on_event(Connection* c, std::uint32_t events);
  void on_readable(Connection* c);
  void process(Connection* c, std::string_view data, bool data_is_in);
  void dispatch(Connection* c, const HttpRequest& request, std::string_view raw);
  void start_job(Connection* c, const HttpRequest& request, std::string_view raw);
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
  Clock::time_point now_;
  std::time_t date_second_ = 0;
  char date_[32] = {};
  std::unique_ptr<char[]> read_buffer_ = std::make_unique<char[]>(kReadChunk);
  std::mutex mutex_;
  std::vector<std::pair<std::uint64_t, HttpResponse>> completed_;
};

void Worker::run() {
  epoll_event events[kMaxEvents];
  const auto& o = shared_.options;
  auto tick = std::min({o.idle_timeout, o.request_timeout, o.write_timeout}) / 4;
  tick = std::max(std::chrono::milliseconds(5), std::min(tick, std::chrono::milliseconds(1000)));
  Clock::time_point next_expiry = Clock::now() + tick;
  while (!(draining_ && connections_.empty())) {
    int n = epoll_wait(epoll_fd_, events, kMaxEvents, static_cast<int>(tick.count()));
    now_ = Clock::now();
    bool woken = false;
    for (int i = 0; i < n; ++i) {
      void* tag = events[i].data.ptr;
      if (tag == &listen_tag_) {
        accept_all();
      } else if (tag == &wake_tag_) {
        std::uint64_t count;
        [[maybe_unused]] ssize_t r = ::read(wake_fd_, &count, sizeof count);
        woken = true;
      } else {
        on_event(static_cast<Connection*>(tag), events[i].events);
      }
    }
    if (woken) {
      finish_jobs();
      if (shared_.stopping.load() && !draining_) begin_drain();
    }
    if (now_ >= next_expiry) {
      expire();
      next_expiry = now_ + tick;
    }
    closed_.clear();
  }
}

void Worker::accept_all() {
  if (draining_) return;
  for (int i = 0; i < 64; ++i) {
    int fd = accept4(shared_.listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;  // EAGAIN (another thread took it), EMFILE, or the socket was shut down
    }
    if (shared_.connections.load() >= shared_.options.max_connections) {
      ::close(fd);
      continue;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    auto c = std::make_unique<Connection>();
    c->fd = fd;
    c->id = next_id_++;
    c->deadline = now_ + shared_.options.idle_timeout;
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = c.get();
    if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
      ::close(fd);
      continue;
    }
    ++shared_.connections;
    connections_.emplace(c->id, std::move(c));
  }
}

void Worker::on_event(Connection* c, std::uint32_t events) {
  if (c->fd < 0) return;  // closed earlier in this batch
  if (c->busy && (events & (EPOLLHUP | EPOLLERR))) {
    // The peer is gone while a job runs: stop watching (HUP would fire on every wait) and drop
    // the response when the job posts it.
    c->peer_closed = true;
    epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, c->fd, nullptr);
    c->registered = false;
    return;
  }
  if (events & EPOLLERR) {
    close_connection(c);
    return;
  }
  if ((events & EPOLLOUT) && !flush(c)) return;
  if (events & (EPOLLIN | EPOLLHUP)) on_readable(c);
}

void Worker::on_readable(Connection* c) {
  if (c->busy || c->peer_closed) return;
  ssize_t n;
  do {
    n = ::recv(c->fd, read_buffer_.get(), kReadChunk, 0);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    if (errno != EAGAIN && errno != EWOULDBLOCK) close_connection(c);
    return;
  }
  if (n == 0) {  // the peer finished sending; answer what is complete, then close
    c->peer_closed = true;
    c->close_after_write = true;
    if (c->out.size() == c->out_sent) {
      close_connection(c);
    } else {
      update_interest(c);
    }
    return;
  }
  if (c->in.empty()) {
    process(c, std::string_view(read_buffer_.get(), static_cast<std::size_t>(n)), false);
  } else {
    c->in.append(read_buffer_.get(), static_cast<std::size_t>(n));
    process(c, c->in, true);
  }
}

// Answers every complete request at the front of data, keeps the rest in c->in, then sends.
void Worker::process(Connection* c, std::string_view data, bool data_is_in) {
  std::size_t offset = 0;
  while (!c->busy && !c->close_after_write && offset < data.size()) {
    HttpParseResult r = parse_http_request(data.substr(offset), shared_.options.limits);
    if (r.status == HttpParseStatus::kIncomplete) break;
    if (r.status == HttpParseStatus::kError) {
      HttpResponse response = text_response(r.error_status, std::string(r.error_reason) + "\n");
      if (r.error_status == 405) response.extra_headers = "Allow: GET, HEAD\r\n";
      respond(c, response, false, true);
      offset = data.size();
      break;
    }
    dispatch(c, r.request, data.substr(offset, r.consumed));
    offset += r.consumed;
  }
  if (c->close_after_write) offset = data.size();  // nothing after a closing response counts
  if (data_is_in) {
    c->in.erase(0, offset);
  } else {
    c->in.assign(data.substr(offset));
  }
  if (!c->in.empty() && !c->busy && !c->request_started) {
    c->request_started = true;
    c->deadline = now_ + shared_.options.request_timeout;
  } else if (c->in.empty()) {
    c->request_started = false;
  }
  flush(c);
}

void Worker::dispatch(Connection* c, const HttpRequest& request, std::string_view raw) {
  const bool head_only = request.method == "HEAD";
  const bool close = !request.keep_alive || draining_;
  if (shared_.options.blocking && shared_.options.blocking(request)) {
    if (shared_.blocking_in_flight.load() >= shared_.options.max_blocking_requests) {
      respond(c, text_response(503, "too many requests in flight, try again later\n"), head_only,
              close);
      return;
    }
    c->busy_head_only = head_only;
    c->busy_close = close;
    start_job(c, request, raw);
    return;
  }
  try {
    respond(c, shared_.options.handle(request), head_only, close);
  } catch (const std::exception& e) {  // e.g. bad_alloc: this request fails, not the server
    respond(c, text_response(500, std::string("internal error: ") + e.what() + "\n"), head_only,
            close);
  }
}

void Worker::start_job(Connection* c, const HttpRequest& request, std::string_view raw) {
  (void)request;
  ++shared_.blocking_in_flight;
  ++shared_.job_threads;
  c->busy = true;
  update_interest(c);
  try {
    // The job owns a copy of the request bytes and parses them again: the views of `request`
    // point into a buffer this loop will reuse.
    std::thread([this, id = c->id, copy = std::string(raw), &shared = shared_] {
      HttpResponse response;
      try {
        HttpParseResult parsed = parse_http_request(copy, shared.options.limits);
        response = shared.options.handle(parsed.request);
      } catch (const std::exception& e) {  // e.g. bad_alloc: this request fails, not the server
        response = text_response(500, std::string("internal error: ") + e.what() + "\n");
      }
      post(id, std::move(response));
      --shared.blocking_in_flight;
      --shared.job_threads;
    }).detach();
  } catch (const std::system_error&) {
    --shared_.blocking_in_flight;
    --shared_.job_threads;
    c->busy = false;
    update_interest(c);
    respond(c, text_response(503, "cannot start a thread for this request\n"),
            c->busy_head_only, c->busy_close);
  }
}

void Worker::finish_jobs() {
  std::vector<std::pair<std::uint64_t, HttpResponse>> done;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    done.swap(completed_);
  }
  for (auto& [id, response] : done) {
    auto it = connections_.find(id);
    if (it == connections_.end()) continue;
    Connection* c = it->second.get();
    c->busy = false;
    if (c->peer_closed && !c->registered) {
      close_connection(c);
      continue;
    }
    respond(c, response, c->busy_head_only, c->busy_close || draining_);
    update_interest(c);
    if (flush(c) && !c->in.empty() && !c->close_after_write) {
      std::string pending = std::move(c->in);
      c->in.clear();
      c->request_started = false;
      process(c, pending, false);
    }
  }
}

void Worker::respond(Connection* c, const HttpResponse& response, bool head_only, bool close) {
  append_response(c->out, response, head_only, close, date());
  if (response.hold) c->holds.push_back(response.hold);
  if (close) c->close_after_write = true;
}

// Sends what is queued. Returns false when the connection was closed.
bool Worker::flush(Connection* c) {
  while (c->out_sent < c->out.size()) {
    ssize_t n = ::send(c->fd, c->out.data() + c->out_sent, c->out.size() - c->out_sent,
                       MSG_NOSIGNAL);
    if (n > 0) {
      c->out_sent += static_cast<std::size_t>(n);
      c->deadline = now_ + shared_.options.write_timeout;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!c->want_write) {
        c->want_write = true;
        update_interest(c);
      }
      return true;
    }
    close_connection(c);
    return false;
  }
  if (!c->out.empty()) {
    c->out.clear();
    c->out_sent = 0;
    c->holds.clear();
    if (c->close_after_write) {
      close_connection(c);
      return false;
    }
    if (!c->request_started) c->deadline = now_ + shared_.options.idle_timeout;
  }
  if (c->want_write) {
    c->want_write = false;
    update_interest(c);
  }
  return true;
}

void Worker::update_interest(Connection* c) {
  if (!c->registered) return;
  epoll_event ev{};
  ev.events = (c->busy || c->peer_closed ? 0u : EPOLLIN) | (c->want_write ? EPOLLOUT : 0u);
  ev.data.ptr = c;
  epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, c->fd, &ev);
}

void Worker::begin_drain() {
  draining_ = true;
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, shared_.listen_fd, nullptr);
  std::vector<Connection*> idle;
  for (auto& [id, c] : connections_) {
    if (c->busy) continue;  // answered (with Connection: close) when its job finishes
    if (c->out.size() > c->out_sent) {
      c->close_after_write = true;  // the response being written is finished first
    } else {
      idle.push_back(c.get());
    }
  }
  for (Connection* c : idle) close_connection(c);
}

void Worker::expire() {
  std::vector<Connection*> expired;
  for (auto& [id, c] : connections_)
    if (!c->busy && now_ >= c->deadline) expired.push_back(c.get());
  for (Connection* c : expired) {
    if (c->request_started && c->out.size() == c->out_sent) {
      // Best effort: tell a slow client why, without waiting for it to read.
      std::string out;
      append_response(out, text_response(408, "request not received in time\n"), false, true,
                      date());
      [[maybe_unused]] ssize_t n = ::send(c->fd, out.data(), out.size(), MSG_NOSIGNAL);
    }
    close_connection(c);
  }
}

void Worker::close_connection(Connection* c) {
  if (c->fd < 0) return;
  if (c->registered) epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, c->fd, nullptr);
  ::close(c->fd);
  c->fd = -1;
  --shared_.connections;
  auto it = connections_.find(c->id);
  closed_.push_back(std::move(it->second));
  connections_.erase(it);
}

std::string_view Worker::date() {
  std::time_t now = std::time(nullptr);
  if (now != date_second_) {
    date_second_ = now;
    format_http_date(now, date_);
  }
  return date_;
}

HttpServer::HttpServer(ServerOptions options) { shared_.options = std::move(options); }

HttpServer::~HttpServer() { shutdown(); }

std::string HttpServer::start() {
  const ServerOptions& o = shared_.options;
  const std::string where = o.address + ":" + std::to_string(o.port);
  sockaddr_storage storage{};
  socklen_t length;
  if (o.address.find(':') != std::string::npos) {
    auto* a6 = reinterpret_cast<sockaddr_in6*>(&storage);
    a6->sin6_family = AF_INET6;
    a6->sin6_port = htons(o.port);
    if (inet_pton(AF_INET6, o.address.c_str(), &a6->sin6_addr) != 1)
      return "listen on " + where + ": not an IP address";
    length = sizeof *a6;
  } else {
    auto* a4 = reinterpret_cast<sockaddr_in*>(&storage);
    a4->sin_family = AF_INET;
    a4->sin_port = htons(o.port);
    if (inet_pton(AF_INET, o.address.c_str(), &a4->sin_addr) != 1)
      return "listen on " + where + ": not an IP address";
    length = sizeof *a4;
  }
  int fd = socket(storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return errno_text("listen on " + where, errno);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(fd, reinterpret_cast<sockaddr*>(&storage), length) != 0 || listen(fd, SOMAXCONN) != 0) {
    int err = errno;
    ::close(fd);
    return errno_text("listen on " + where, err);
  }
  getsockname(fd, reinterpret_cast<sockaddr*>(&storage), &length);
  bound_port_ = ntohs(storage.ss_family == AF_INET6
                          ? reinterpret_cast<sockaddr_in6*>(&storage)->sin6_port
                          : reinterpret_cast<sockaddr_in*>(&storage)->sin_port);
  shared_.listen_fd = fd;
  for (unsigned i = 0; i < std::max(1u, o.threads); ++i) {
    auto worker = std::make_unique<Worker>(shared_);
    if (std::string err = worker->init(); !err.empty()) {
      shutdown();
      return err;
    }
    workers_.push_back(std::move(worker));
  }
  for (auto& worker : workers_) threads_.emplace_back([w = worker.get()] { w->run(); });
  return "";
}

void HttpServer::shutdown() {
  if (stopped_) return;
  stopped_ = true;
  if (shared_.listen_fd >= 0) {
    // New connections are refused from here on; the loops drop the socket from their epoll.
    ::shutdown(shared_.listen_fd, SHUT_RDWR);
  }
  shared_.stopping.store(true);
  for (auto& worker : workers_) worker->wake();
  for (auto& thread : threads_) thread.join();
  // A job thread may still be returning after posting its response; its captures refer to
  // shared_, so wait until the last one has finished.
  while (shared_.job_threads.load() != 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  threads_.clear();
  workers_.clear();
  if (shared_.listen_fd >= 0) ::close(shared_.listen_fd);
  shared_.listen_fd = -1;
}

}  // namespace mkata::workload
