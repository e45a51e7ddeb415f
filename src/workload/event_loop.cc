// The event loops. Connections are level-triggered: one recv per readiness event, every complete
// request in the buffer answered in order (pipelining), one send for all of them. Reading pauses
// while a blocking job runs, so responses stay in request order, and while a response is stuck,
// so a client that never reads cannot grow the server. A closed connection is parked until the
// end of the event batch, so a later event of the same batch never touches freed memory.
#include "workload/event_loop.h"

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

constexpr std::size_t kReadChunk = 65536;
constexpr int kMaxEvents = 256;

std::string errno_text(const std::string& what, int err) {
  return what + ": " + std::strerror(err);
}

}  // namespace

EventLoop::~EventLoop() {
  for (auto& [id, c] : connections_) ::close(c->fd);
  if (wake_fd_ >= 0) ::close(wake_fd_);
  if (epoll_fd_ >= 0) ::close(epoll_fd_);
}

void EventLoop::wake() {
  std::uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(wake_fd_, &one, sizeof one);
}

void EventLoop::post(std::uint64_t id, HttpResponse response) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    completed_.emplace_back(id, std::move(response));
  }
  wake();
}

std::string EventLoop::init() {
  read_buffer_ = std::make_unique<char[]>(kReadChunk);
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (epoll_fd_ < 0 || wake_fd_ < 0) return errno_text("create event loop", errno);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.ptr = &wake_tag_;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev) != 0)
    return errno_text("create event loop", errno);
  if (!watch_listener()) return errno_text("watch listening socket", errno);
  return "";
}

bool EventLoop::watch_listener() {
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLEXCLUSIVE;
  ev.data.ptr = &listen_tag_;
  return epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, shared_.listen_fd, &ev) == 0;
}

void EventLoop::run() {
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
    if (accept_paused_ && now_ >= accept_paused_until_ && !draining_) {
      accept_paused_ = false;
      watch_listener();
    }
    if (now_ >= next_expiry) {
      expire();
      next_expiry = now_ + tick;
    }
    closed_.clear();
  }
}

void EventLoop::accept_all() {
  if (draining_) return;
  for (int i = 0; i < 64; ++i) {
    int fd = accept4(shared_.listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        // Out of descriptors or memory: the pending connection stays queued and the socket stays
        // readable, so stop watching it for a moment instead of spinning.
        epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, shared_.listen_fd, nullptr);
        accept_paused_until_ = now_ + std::chrono::milliseconds(100);
        accept_paused_ = true;
      }
      return;  // EAGAIN (another thread took it), or the socket was shut down
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

void EventLoop::on_event(Connection* c, std::uint32_t events) {
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

void EventLoop::on_readable(Connection* c) {
  // While a response is stuck in `out`, reading waits: a client that sends requests but never
  // reads the answers cannot make the server buffer without bound.
  if (c->busy || c->peer_closed || c->want_write) return;
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
void EventLoop::process(Connection* c, std::string_view data, bool data_is_in) {
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

void EventLoop::dispatch(Connection* c, const HttpRequest& request, std::string_view raw) {
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
    start_job(c, raw);
    return;
  }
  try {
    respond(c, shared_.options.handle(request), head_only, close);
  } catch (const std::exception& e) {  // e.g. bad_alloc: this request fails, not the server
    respond(c, text_response(500, std::string("internal error: ") + e.what() + "\n"), head_only,
            close);
  }
}

void EventLoop::start_job(Connection* c, std::string_view raw) {
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
    respond(c, text_response(503, "cannot start a thread for this request\n"), c->busy_head_only,
            c->busy_close);
  }
}

void EventLoop::finish_jobs() {
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

void EventLoop::respond(Connection* c, const HttpResponse& response, bool head_only, bool close) {
  append_response(c->out, response, head_only, close, date());
  if (response.hold) c->holds.push_back(response.hold);
  if (close) c->close_after_write = true;
}

// Sends what is queued. Returns false when the connection was closed.
bool EventLoop::flush(Connection* c) {
  while (c->out_sent < c->out.size()) {
    ssize_t n =
        ::send(c->fd, c->out.data() + c->out_sent, c->out.size() - c->out_sent, MSG_NOSIGNAL);
    if (n > 0) {
      c->out_sent += static_cast<std::size_t>(n);
      c->deadline = now_ + shared_.options.write_timeout;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!c->want_write) {
        c->want_write = true;
        c->deadline = now_ + shared_.options.write_timeout;
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

void EventLoop::update_interest(Connection* c) {
  if (!c->registered) return;
  epoll_event ev{};
  const bool read = !c->busy && !c->peer_closed && !c->want_write;
  ev.events = (read ? EPOLLIN : 0u) | (c->want_write ? EPOLLOUT : 0u);
  ev.data.ptr = c;
  epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, c->fd, &ev);
}

void EventLoop::begin_drain() {
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

void EventLoop::expire() {
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

void EventLoop::close_connection(Connection* c) {
  if (c->fd < 0) return;
  if (c->registered) epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, c->fd, nullptr);
  ::close(c->fd);
  c->fd = -1;
  --shared_.connections;
  auto it = connections_.find(c->id);
  closed_.push_back(std::move(it->second));
  connections_.erase(it);
}

std::string_view EventLoop::date() {
  std::time_t now = std::time(nullptr);
  if (now != date_second_) {
    date_second_ = now;
    format_http_date(now, date_);
  }
  return date_;
}

}  // namespace mkata::workload
