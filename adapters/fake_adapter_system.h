// A scripted AdapterSystem for unit tests: records each call as one line ("exec runsc ...",
// "run ...", "to-file[hidden] <path> ...") and answers from queues the test fills.
#pragma once

#include <deque>
#include <map>

#include "adapters/adapter_system.h"
#include "core/strings.h"

namespace mkata::adapters {

class FakeAdapterSystem final : public AdapterSystem {
 public:
  Error exec(const std::vector<std::string>& argv) override {
    calls.push_back("exec " + join(argv, " "));
    return Error("exec failed (fake)");
  }
  Result<int> run_inheriting(const std::vector<std::string>& argv) override {
    calls.push_back("run-inheriting " + join(argv, " "));
    return inheriting_exit;
  }
  Result<ProcessResult> run_captured(const std::vector<std::string>& argv,
                                     std::chrono::milliseconds timeout) override {
    calls.push_back((timeout == kNoTimeout ? "run-untimed " : "run ") + join(argv, " "));
    if (captured.empty()) return ProcessResult{0, 0, false, "", ""};
    auto r = captured.front();
    captured.pop_front();
    return r;
  }
  Result<int> run_to_file(const std::vector<std::string>& argv, const std::string& output_path,
                          bool hide_proc_sys_net) override {
    calls.push_back(std::string(hide_proc_sys_net ? "to-file[hidden] " : "to-file ") + output_path +
                    " " + join(argv, " "));
    files[output_path] = to_file_output;
    return to_file_exit;
  }
  Result<pid_t> fork_waiter(const std::function<int()>& body) override {
    calls.push_back("fork-waiter");
    waiter_body = body;
    return 4242;
  }
  Result<std::string> read_file(const std::string& path) override {
    auto it = files.find(path);
    if (it == files.end()) return fail("read " + path + ": No such file or directory");
    return it->second;
  }
  Result<void> write_file(const std::string& path, const std::string& content) override {
    calls.push_back("write " + path + " " + content);
    files[path] = content;
    return {};
  }
  void remove_file(const std::string& path) override {
    calls.push_back("remove " + path);
    files.erase(path);
  }
  void sleep_for(std::chrono::milliseconds duration) override {
    calls.push_back("sleep " + std::to_string(duration.count()));
  }
  Result<void> hide_mounts(const std::vector<std::string>& mount_points) override {
    hidden = mount_points;
    return {};
  }

  std::vector<std::string> calls;
  std::map<std::string, std::string> files;
  std::deque<ProcessResult> captured;
  int inheriting_exit = 0;
  int to_file_exit = 0;
  std::string to_file_output;
  std::function<int()> waiter_body;
  std::vector<std::string> hidden;
};

}  // namespace mkata::adapters
