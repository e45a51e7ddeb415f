// See loopback_http_server.h.
#include "artifacts/testing/loopback_http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "core/strings.h"

namespace mkata::artifacts::testing {
namespace {

bool send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// Reads the request head (up to the blank line), waiting at most 5 s.
std::string read_head(int fd) {
  std::string head;
  char buffer[4096];
  while (head.find("\r\n\r\n") == std::string::npos && head.size() < 65536) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 5000) <= 0) break;
    ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    head.append(buffer, static_cast<size_t>(n));
  }
  return head;
}

std::string reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 206:
      return "Partial Content";
    case 404:
      return "Not Found";
    case 416:
      return "Range Not Satisfiable";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

}  // namespace

void LoopbackHttpServer::route(const std::string& path, Route route) {
  std::lock_guard lock(mutex_);
  routes_[path] = std::move(route);
  answered_[path] = 0;  // drop_first counts answers of this route, not of earlier ones
}

Result<void> LoopbackHttpServer::start() {
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) return fail(Error::from_errno("socket", errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      listen(listen_fd_, 16) != 0 ||
      getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    return fail(Error::from_errno("listen on 127.0.0.1", errno));
  }
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { serve(); });
  return {};
}

void LoopbackHttpServer::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
  if (listen_fd_ >= 0) close(listen_fd_);
  listen_fd_ = -1;
}

std::string LoopbackHttpServer::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

std::vector<SeenRequest> LoopbackHttpServer::requests() const {
  std::lock_guard lock(mutex_);
  return seen_;
}

void LoopbackHttpServer::serve() {
  size_t served = 0;
  while (!stopping_ && served < max_requests_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    answer(fd);
    close(fd);
    ++served;
  }
}

void LoopbackHttpServer::answer(int fd) {
  std::string head = read_head(fd);
  std::vector<std::string> lines = split(head, '\n');
  std::vector<std::string> request = split(trim(lines.empty() ? "" : lines[0]), ' ');
  SeenRequest seen{request.size() > 1 ? request[1] : "", ""};
  for (const auto& line : lines) {
    if (starts_with(line, "Range:") || starts_with(line, "range:"))
      seen.range = trim(line.substr(6));
  }
  Route route;
  route.status = 404;
  route.body = "Not Found\n";
  int nth = 0;
  {
    std::lock_guard lock(mutex_);
    seen_.push_back(seen);
    if (auto it = routes_.find(seen.path); it != routes_.end()) route = it->second;
    nth = answered_[seen.path]++;
  }
  size_t from = 0;
  int status = route.status;
  if (status == 200 && route.ranges && starts_with(seen.range, "bytes=")) {
    from = std::stoul(seen.range.substr(6));
    status = from < route.body.size() ? 206 : 416;
  }
  std::string body = status == 416 ? "" : route.body.substr(std::min(from, route.body.size()));
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + reason(status) + "\r\n" +
                    "Content-Length: " + std::to_string(body.size()) + "\r\n" +
                    "Accept-Ranges: bytes\r\nConnection: close\r\n";
  if (status == 206) {
    out += "Content-Range: bytes " + std::to_string(from) + "-" +
           std::to_string(route.body.size() - 1) + "/" + std::to_string(route.body.size()) + "\r\n";
  }
  if (!send_all(fd, out + "\r\n")) return;
  bool drop = nth < route.drop_first;
  size_t limit = drop ? std::min(route.drop_after, body.size()) : body.size();
  for (size_t pos = 0; pos < limit; pos += 4096) {
    if (!send_all(fd, std::string_view(body).substr(pos, std::min<size_t>(4096, limit - pos)))) {
      return;
    }
    if (route.chunk_delay.count() > 0) std::this_thread::sleep_for(route.chunk_delay);
  }
}

}  // namespace mkata::artifacts::testing
