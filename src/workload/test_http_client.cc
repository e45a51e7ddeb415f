// The test HTTP client. Blocking sockets with poll() deadlines; never hangs a test.
#include "workload/test_http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <utility>

#include "workload/http_request.h"

namespace mkata::workload::testing {

using Clock = std::chrono::steady_clock;

std::string HttpReply::header(std::string_view name) const {
  std::size_t pos = head.find("\r\n");
  while (pos != std::string::npos) {
    pos += 2;
    std::size_t end = head.find("\r\n", pos);
    std::string_view line = std::string_view(head).substr(pos, end - pos);
    std::size_t colon = line.find(':');
    if (colon != std::string_view::npos && equals_ignore_case(line.substr(0, colon), name)) {
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      return std::string(value);
    }
    pos = end;
  }
  return "";
}

TestConnection::TestConnection(std::uint16_t port) {
  fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

TestConnection::~TestConnection() {
  if (fd_ >= 0) ::close(fd_);
}

bool TestConnection::send(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// Reads more bytes into buffer_; false on EOF, error or deadline.
bool TestConnection::fill(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  if (left.count() <= 0) return false;
  pollfd p{fd_, POLLIN, 0};
  if (poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
  char chunk[16384];
  ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
  if (n <= 0) return false;
  buffer_.append(chunk, static_cast<std::size_t>(n));
  return true;
}

HttpReply TestConnection::read_reply(std::chrono::milliseconds timeout, bool head_only) {
  HttpReply reply;
  if (fd_ < 0) {
    reply.error = "not connected";
    return reply;
  }
  const auto deadline = Clock::now() + timeout;
  std::size_t head_end;
  while ((head_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!fill(deadline)) {
      reply.error = "no complete response head (got " + std::to_string(buffer_.size()) + " bytes)";
      return reply;
    }
  }
  reply.head = buffer_.substr(0, head_end);
  if (reply.head.size() < 12 || reply.head.substr(0, 9) != "HTTP/1.1 ") {
    reply.error = "malformed status line: " + reply.head.substr(0, 40);
    return reply;
  }
  std::size_t length =
      head_only ? 0 : std::strtoul(reply.header("Content-Length").c_str(), nullptr, 10);
  while (buffer_.size() < head_end + 4 + length) {
    if (!fill(deadline)) {
      reply.error = "incomplete body";
      return reply;
    }
  }
  reply.status = std::atoi(reply.head.c_str() + 9);
  reply.body = buffer_.substr(head_end + 4, length);
  buffer_.erase(0, head_end + 4 + length);
  return reply;
}

bool TestConnection::closed_by_peer(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count()) + 1) <= 0) return false;
    char chunk[4096];
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return true;
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
  return false;
}

std::string TestConnection::read_until_close(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (fill(deadline)) {
  }
  return std::exchange(buffer_, std::string());
}

HttpReply http_get(std::uint16_t port, std::string_view target, std::chrono::milliseconds timeout) {
  TestConnection connection(port);
  if (!connection.connected()) {
    HttpReply reply;
    reply.error = "cannot connect to port " + std::to_string(port);
    return reply;
  }
  connection.send("GET " + std::string(target) + " HTTP/1.1\r\nHost: test\r\n\r\n");
  return connection.read_reply(timeout);
}

std::uint16_t free_port() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

}  // namespace mkata::workload::testing
