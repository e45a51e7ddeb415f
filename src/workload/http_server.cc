// The server's lifecycle: the listening socket, the event loops (event_loop.h) on their threads,
// and the graceful shutdown that PID 1 needs.
#include "workload/http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "workload/event_loop.h"

namespace mkata::workload {
namespace {

std::string errno_text(const std::string& what, int err) {
  return what + ": " + std::strerror(err);
}

}  // namespace

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
  bound_port_ =
      ntohs(storage.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&storage)->sin6_port
                                          : reinterpret_cast<sockaddr_in*>(&storage)->sin_port);
  shared_.listen_fd = fd;
  for (unsigned i = 0; i < std::max(1u, o.threads); ++i) {
    auto loop = std::make_unique<EventLoop>(shared_);
    if (std::string err = loop->init(); !err.empty()) {
      shutdown();
      return err;
    }
    loops_.push_back(std::move(loop));
  }
  for (auto& loop : loops_) threads_.emplace_back([l = loop.get()] { l->run(); });
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
  for (auto& loop : loops_) loop->wake();
  for (auto& thread : threads_) thread.join();
  // A job thread may still be returning after posting its response; its captures refer to
  // shared_, so wait until the last one has finished.
  while (shared_.job_threads.load() != 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  threads_.clear();
  loops_.clear();
  if (shared_.listen_fd >= 0) ::close(shared_.listen_fd);
  shared_.listen_fd = -1;
}

}  // namespace mkata::workload
