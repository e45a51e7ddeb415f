// A private image registry for tests: Debian's docker-registry (CNCF distribution 2.8) on a free
// loopback port, plain HTTP, storage in the test's directory. Stopping it (by its PID) also
// removes /var/lib/containers when the test created it (skopeo, which pushes to it as root, keeps
// its blob-info cache there).
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "core/files.h"
#include "core/http_client.h"
#include "core/process.h"

namespace mkata::test {

class PrivateRegistry {
 public:
  /// Starts the registry in dir and waits until /v2/ answers. Error: why it did not.
  static Result<std::unique_ptr<PrivateRegistry>> start(const std::string& dir) {
    auto r = std::unique_ptr<PrivateRegistry>(new PrivateRegistry());
    int port = free_loopback_port();
    if (port == 0) return fail("no free loopback port");
    r->address_ = "127.0.0.1:" + std::to_string(port);
    if (auto ok = make_directories(dir); !ok) return fail(ok.error());
    if (auto ok = write_file_atomic(dir + "/config.yml",
                                    "version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n"
                                    "    rootdirectory: " +
                                        dir + "/data\nhttp:\n  addr: " + r->address_ + "\n");
        !ok) {
      return fail(ok.error());
    }
    SpawnOptions options;
    options.stdout_path = dir + "/registry.log";
    auto child = spawn({"docker-registry", "serve", dir + "/config.yml"}, options);
    if (!child) return fail(child.error());
    r->process_.emplace(std::move(*child));
    for (int i = 0; i < 100; ++i) {
      HttpRequest probe;
      probe.url = "http://" + r->address_ + "/v2/";
      probe.timeout = std::chrono::seconds(2);
      if (auto answer = http_request(probe); answer && answer->status == 200) return r;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return fail("the registry did not answer on " + r->address_);
  }
  ~PrivateRegistry() {
    if (process_) process_->stop(std::chrono::seconds(5));
    std::error_code ec;
    if (!cache_existed_) std::filesystem::remove_all("/var/lib/containers", ec);
  }
  PrivateRegistry(const PrivateRegistry&) = delete;
  PrivateRegistry& operator=(const PrivateRegistry&) = delete;

  /// "127.0.0.1:<port>".
  const std::string& address() const { return address_; }

 private:
  PrivateRegistry() : cache_existed_(std::filesystem::exists("/var/lib/containers")) {}
  static int free_loopback_port() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t n = sizeof a;
    int port = 0;
    if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
        getsockname(fd, reinterpret_cast<sockaddr*>(&a), &n) == 0) {
      port = ntohs(a.sin_port);
    }
    close(fd);
    return port;
  }
  bool cache_existed_;
  std::string address_;
  std::optional<ChildProcess> process_;
};

}  // namespace mkata::test
