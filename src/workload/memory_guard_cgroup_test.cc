// autoscale's memory guard against a real memory cgroup: the real static binary is moved into a
// cgroup of this test's own with a 300 MiB limit (cgroup v1 memory controller, or cgroup v2 where
// that is the one with memory), then asked for more than fits, alone and in parallel. The kernel's
// own counters (oom_kill, failcnt / memory.events) prove that the server was never OOM-killed and
// never even hit the limit. Needs root to create the cgroup; skips with the reason otherwise.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <future>
#include <regex>
#include <sstream>
#include <thread>

#include "workload/test_http_client.h"
#include "workload/test_workload_process.h"

namespace mkata::workload::testing {
namespace {

using namespace std::chrono_literals;

constexpr std::uint64_t kMiB = 1024 * 1024;

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool write_text(const std::string& path, const std::string& text, std::string& error) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0 || ::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    error = "write " + text + " to " + path + ": " + std::strerror(errno);
    if (fd >= 0) ::close(fd);
    return false;
  }
  ::close(fd);
  return true;
}

// The number after "key " in a flat-keyed cgroup file (memory.oom_control, memory.events).
std::uint64_t keyed_value(const std::string& text, const std::string& key) {
  std::smatch m;
  if (!std::regex_search(text, m, std::regex("(^|\n)" + key + " (\\d+)"))) return 0;
  return std::stoull(m[2]);
}

// A memory cgroup created by this test, with a limit and no swap, removed by the destructor
// (after moving back any process still in it, which can only be one this test moved there).
class TestMemoryCgroup {
 public:
  explicit TestMemoryCgroup(std::uint64_t limit_bytes) {
    static int counter = 0;
    const std::string name =
        "mkata-test-autoscale-" + std::to_string(getpid()) + "-" + std::to_string(++counter);
    if (geteuid() != 0) {
      skip_ = "needs root to create a memory cgroup";
      return;
    }
    struct stat st;
    if (stat("/sys/fs/cgroup/memory/memory.limit_in_bytes", &st) == 0) {
      v1_ = true;
      parent_ = "/sys/fs/cgroup/memory";
    } else if (read_text("/sys/fs/cgroup/cgroup.subtree_control").find("memory") !=
               std::string::npos) {
      parent_ = "/sys/fs/cgroup";
    } else {
      skip_ =
          "no cgroup v1 memory hierarchy at /sys/fs/cgroup/memory and no cgroup v2 memory "
          "controller enabled at /sys/fs/cgroup";
      return;
    }
    dir_ = parent_ + "/" + name;
    if (mkdir(dir_.c_str(), 0755) != 0) {
      error_ = "mkdir " + dir_ + ": " + std::strerror(errno);
      dir_.clear();
      return;
    }
    const std::string limit = std::to_string(limit_bytes);
    if (v1_) {
      // Without swap at the limit the kernel's only way out is the OOM killer: what the guard
      // must avoid. memory.memsw exists only when swap accounting is on.
      if (write_text(dir_ + "/memory.limit_in_bytes", limit, error_) &&
          stat((dir_ + "/memory.memsw.limit_in_bytes").c_str(), &st) == 0)
        write_text(dir_ + "/memory.memsw.limit_in_bytes", limit, error_);
    } else if (write_text(dir_ + "/memory.max", limit, error_) &&
               stat((dir_ + "/memory.swap.max").c_str(), &st) == 0) {
      write_text(dir_ + "/memory.swap.max", "0", error_);
    }
  }

  ~TestMemoryCgroup() {
    if (dir_.empty()) return;
    std::istringstream pids(read_text(dir_ + "/cgroup.procs"));
    std::string error;
    for (std::string pid; std::getline(pids, pid);)
      if (!pid.empty()) write_text(parent_ + "/cgroup.procs", pid, error);
    // A process that just exited can keep the cgroup busy for a moment.
    for (int i = 0; i < 100 && rmdir(dir_.c_str()) != 0 && errno == EBUSY; ++i)
      std::this_thread::sleep_for(20ms);
  }

  /// Non-empty when the test cannot run here.
  const std::string& skip_reason() const { return skip_; }
  /// Non-empty when creating or limiting the cgroup failed.
  const std::string& error() const { return error_; }
  const std::string& dir() const { return dir_; }
  /// The limit file the guard should name in its 503.
  std::string limit_file() const { return dir_ + (v1_ ? "/memory.limit_in_bytes" : "/memory.max"); }

  bool move(pid_t pid, std::string& error) const {
    return write_text(dir_ + "/cgroup.procs", std::to_string(pid), error);
  }
  std::uint64_t oom_kills() const {
    return keyed_value(read_text(dir_ + (v1_ ? "/memory.oom_control" : "/memory.events")),
                       "oom_kill");
  }
  std::uint64_t usage() const {
    return std::stoull("0" +
                       read_text(dir_ + (v1_ ? "/memory.usage_in_bytes" : "/memory.current")));
  }
  /// How often usage hit the limit (v1 memory.failcnt, v2 the "max" event).
  std::uint64_t limit_hits() const {
    if (v1_) return std::stoull("0" + read_text(dir_ + "/memory.failcnt"));
    return keyed_value(read_text(dir_ + "/memory.events"), "max");
  }

 private:
  bool v1_ = false;
  std::string parent_, dir_, skip_, error_;
};

#define CGROUP_OR_SKIP(var, limit)                                   \
  TestMemoryCgroup var(limit);                                       \
  if (!var.skip_reason().empty()) GTEST_SKIP() << var.skip_reason(); \
  ASSERT_EQ(var.error(), "")

// The 503 of a bloat that does not fit under the test cgroup's limit, as a pattern.
std::string refusal_pattern(const TestMemoryCgroup& cgroup, std::uint64_t mib) {
  return "bloat: cannot allocate " + std::to_string(mib) +
         " MiB: only \\d+ MiB available \\(limit 300 MiB in " + cgroup.limit_file() +
         ", \\d+ MiB in use, \\d+ MiB reserved by requests in flight, 32 MiB kept free\\)\n";
}

TEST(AutoscaleMemoryCgroup, BloatOverTheLimitIs503AndTheServerStaysUp) {
  CGROUP_OR_SKIP(cgroup, 300 * kMiB);
  START_OR_FAIL(server, "autoscale");
  std::string error;
  ASSERT_TRUE(cgroup.move(server.child().pid(), error)) << error;

  HttpReply refused = http_get(server.port(), "/?bloat=500");
  EXPECT_EQ(refused.status, 503) << refused.error << server.log();
  EXPECT_TRUE(std::regex_match(refused.body, std::regex(refusal_pattern(cgroup, 500))))
      << refused.body;
  ASSERT_TRUE(server.child().running()) << "autoscale died: " << server.log();

  // What fits is served exactly as before.
  HttpReply fits = http_get(server.port(), "/?bloat=200");
  EXPECT_EQ(fits.status, 200) << fits.error;
  EXPECT_EQ(fits.body, "Allocated 200 Mb of memory.\n");
  EXPECT_EQ(http_get(server.port(), "/healthz").body, "ok\n");
  EXPECT_TRUE(server.child().running());
  EXPECT_EQ(cgroup.oom_kills(), 0u);
  EXPECT_EQ(cgroup.limit_hits(), 0u) << "usage reached the limit";
}

TEST(AutoscaleMemoryCgroup, ParallelBloatsOverTheLimitGetSome503sAndNoOomKill) {
  CGROUP_OR_SKIP(cgroup, 300 * kMiB);
  START_OR_FAIL(server, "autoscale");
  std::string error;
  ASSERT_TRUE(cgroup.move(server.child().pid(), error)) << error;

  // Eight requests of 100 MiB, each holding its memory for a second, all at once: 800 MiB
  // asked under a 300 MiB limit. Only two fit beside the 32 MiB kept free.
  std::vector<std::future<HttpReply>> replies;
  for (int i = 0; i < 8; ++i)
    replies.push_back(std::async(std::launch::async, [&] {
      return http_get(server.port(), "/?bloat=100&sleep=1000", 30s);
    }));
  int served = 0, refused = 0;
  const std::regex refusal(refusal_pattern(cgroup, 100));
  for (auto& reply : replies) {
    HttpReply r = reply.get();
    if (r.status == 200) {
      ++served;
      EXPECT_TRUE(std::regex_match(
          r.body, std::regex("Allocated 100 Mb of memory\\.\nSlept for 1\\d{3}\\.\\d\\d "
                             "milliseconds\\.\n")))
          << r.body;
    } else {
      EXPECT_EQ(r.status, 503) << r.error << server.log();
      EXPECT_TRUE(std::regex_match(r.body, refusal)) << r.body;
      ++refused;
    }
  }
  EXPECT_GE(served, 1);
  EXPECT_LE(served, 2) << "more than fits under 300 MiB with 32 MiB kept free";
  EXPECT_EQ(served + refused, 8);
  ASSERT_TRUE(server.child().running()) << "autoscale died: " << server.log();
  EXPECT_EQ(cgroup.oom_kills(), 0u);
  EXPECT_EQ(cgroup.limit_hits(), 0u) << "usage reached the limit";

  // The memory is unmapped just after the last response went out, which the client may see
  // first: wait until the kernel has it back.
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (cgroup.usage() > 50 * kMiB && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(10ms);
  EXPECT_LE(cgroup.usage(), 50 * kMiB) << "the bloat memory was not given back";
  // The reservations are gone with the responses: the same request alone fits again.
  HttpReply again = http_get(server.port(), "/?bloat=200");
  EXPECT_EQ(again.status, 200) << again.error << again.body;
}

}  // namespace
}  // namespace mkata::workload::testing
