// Starting and stopping workload binaries for tests.
#include "workload/test_workload_process.h"

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "workload/test_http_client.h"

namespace mkata::workload::testing {

std::string workload_binary(const std::string& name) {
  return std::string(WORKLOAD_DIR) + "/" + name;
}

WorkloadProcess::WorkloadProcess(const std::string& name, std::vector<std::string> env,
                                 std::vector<std::string> prefix) {
  port_ = free_port();
  log_path_ = "/tmp/mkata-workload-test-" + std::to_string(getpid()) + "-" + name + "-" +
              std::to_string(port_) + ".log";
  env.push_back("PORT=" + std::to_string(port_));
  env.push_back("WORKLOAD_LISTEN_ADDRESS=127.0.0.1");
  SpawnOptions options;
  options.env = std::move(env);
  options.stdout_path = log_path_;
  prefix.push_back(workload_binary(name));
  auto child = spawn(prefix, options);
  if (!child) {
    error_ = child.error().message();
    return;
  }
  child_ = std::move(*child);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (http_get(port_, "/healthz", std::chrono::seconds(1)).status == 200) return;
    if (!child_.running()) {
      error_ = name + " exited early: " + log();
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  error_ = name + " did not answer /healthz within 10 s: " + log();
}

WorkloadProcess::~WorkloadProcess() {
  if (child_.valid() && child_.running()) child_.stop(std::chrono::seconds(5));
  unlink(log_path_.c_str());
}

std::string WorkloadProcess::log() const {
  std::ifstream in(log_path_);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace mkata::workload::testing
