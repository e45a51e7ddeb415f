// The real static binaries as processes on loopback ports: helloworld's texts, a client that never
// reads, /info against what this test process sees of the same kernel, $PORT handling, signals
// (also as PID 1 of a PID namespace), and pause. autoscale: autoscale_process_test.cc.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <future>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "core/process.h"
#include "workload/info.h"
#include "workload/test_http_client.h"
#include "workload/test_workload_process.h"

namespace mkata::workload::testing {
namespace {

using namespace std::chrono_literals;

TEST(Helloworld, AnswersEveryRoute) {
  START_OR_FAIL(server, "helloworld", {"TARGET=Kata Containers"});
  for (const char* path : {"/", "/any/path?x=1", "/healthzz"}) {
    HttpReply reply = http_get(server.port(), path);
    EXPECT_EQ(reply.status, 200) << reply.error;
    EXPECT_EQ(reply.body, "Hello World: Kata Containers!\n") << path;
  }
  HttpReply health = http_get(server.port(), "/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, "ok\n");
}

TEST(Helloworld, AClientThatNeverReadsCannotGrowTheServer) {
  START_OR_FAIL(server, "helloworld");
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(server.port());
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  std::this_thread::sleep_for(50ms);
  std::string requests;
  for (int i = 0; i < 4096; ++i) requests += "GET / HTTP/1.1\r\n\r\n";
  // Pipelined requests, never reading an answer, for two seconds or 200 MB.
  std::size_t sent = 0;
  const auto until = std::chrono::steady_clock::now() + 2s;
  while (std::chrono::steady_clock::now() < until && sent < (200u << 20)) {
    ssize_t n = send(fd, requests.data(), requests.size(), MSG_NOSIGNAL);
    if (n > 0)
      sent += static_cast<std::size_t>(n);
    else
      std::this_thread::sleep_for(10ms);
  }
  auto status =
      read_small_file(("/proc/" + std::to_string(server.child().pid()) + "/status").c_str());
  ASSERT_TRUE(status.has_value());
  EXPECT_LT(meminfo_bytes(*status, "VmRSS"), 32u << 20) << "after " << sent << " bytes sent";
  EXPECT_LT(sent, 100u << 20) << "the server kept reading without the answers being read";
  EXPECT_EQ(http_get(server.port(), "/healthz").body, "ok\n");
  close(fd);
}

TEST(Helloworld, DefaultTarget) {
  unsetenv("TARGET");
  START_OR_FAIL(server, "helloworld");
  EXPECT_EQ(http_get(server.port(), "/").body, "Hello World: NOT SPECIFIED!\n");
}

TEST(Workloads, InfoMatchesWhatThisProcessSees) {
  for (const char* name : {"helloworld", "autoscale"}) {
    START_OR_FAIL(server, name);
    HttpReply reply = http_get(server.port(), "/info");
    ASSERT_EQ(reply.status, 200) << reply.error;
    EXPECT_EQ(reply.header("Content-Type"), "application/json");
    nlohmann::json info = nlohmann::json::parse(reply.body);
    utsname names{};
    ASSERT_EQ(uname(&names), 0);
    EXPECT_EQ(info["workload"], name);
    EXPECT_EQ(info["kernel_release"], names.release);
    EXPECT_EQ(info["kernel_version"], names.version);
    EXPECT_EQ(info["hostname"], names.nodename);
    std::ifstream boot_id_file("/proc/sys/kernel/random/boot_id");
    std::string boot_id;
    std::getline(boot_id_file, boot_id);
    EXPECT_EQ(info["boot_id"], boot_id);
    EXPECT_EQ(info["cpus"], sysconf(_SC_NPROCESSORS_ONLN));
    EXPECT_EQ(info["memory_total_bytes"],
              meminfo_bytes(*read_small_file("/proc/meminfo"), "MemTotal"));
    auto cpuinfo = read_small_file("/proc/cpuinfo");
    EXPECT_EQ(info["hypervisor_cpu_flag"], cpuinfo_has_hypervisor_flag(*cpuinfo));
    EXPECT_EQ(info["uid"], getuid());
    EXPECT_EQ(info["pid"], server.child().pid());
  }
}

TEST(Helloworld, SigintExitsZero) {
  START_OR_FAIL(server, "helloworld");
  ASSERT_EQ(kill(server.child().pid(), SIGINT), 0);
  std::optional<int> status = server.child().wait_for(5s);
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << *status;
}

TEST(Workloads, RunAsAnyUser) {
  // The image decides the user; the binaries need nothing of it. As root, run as 65532 (the
  // conventional "nonroot"); otherwise this test process already is a non-root user.
  std::vector<std::string> prefix;
  std::uint64_t uid = getuid();
  if (uid == 0) {
    auto setpriv = find_executable("setpriv");
    if (!setpriv) GTEST_SKIP() << "setpriv (util-linux) not found to drop root";
    prefix = {*setpriv, "--reuid=65532", "--regid=65532", "--clear-groups"};
    uid = 65532;
  }
  for (const char* name : {"helloworld", "autoscale"}) {
    START_OR_FAIL(server, name, {}, prefix);
    nlohmann::json info = nlohmann::json::parse(http_get(server.port(), "/info").body);
    EXPECT_EQ(info["uid"], uid) << name;
    EXPECT_EQ(http_get(server.port(), "/?bloat=2&prime=100").status, 200) << name;
  }
}

TEST(Workloads, PortHandling) {
  for (const char* name : {"helloworld", "autoscale"}) {
    for (const char* port : {"abc", "0", "65536", "-1", "80 "}) {
      RunOptions options;
      options.env = {std::string("PORT=") + port};
      options.timeout = 5s;
      auto result = run({workload_binary(name)}, options);
      ASSERT_TRUE(result.has_value());
      EXPECT_EQ(result->exit_code, 2) << name << " PORT=" << port;
      EXPECT_EQ(result->err, std::string(name) + ": error: invalid PORT \"" + port +
                                 "\": expected a whole number from 1 to 65535\n");
    }
  }
  RunOptions threads;
  threads.env = {"WORKLOAD_THREADS=0"};
  auto result = run({workload_binary("helloworld")}, threads);
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->err,
            "helloworld: error: invalid WORKLOAD_THREADS \"0\": expected a whole number from 1 to "
            "256\n");
}

TEST(Workloads, PortInUseIsAClearError) {
  START_OR_FAIL(server, "helloworld");
  RunOptions options;
  options.env = {"PORT=" + std::to_string(server.port()), "WORKLOAD_LISTEN_ADDRESS=127.0.0.1"};
  auto result = run({workload_binary("helloworld")}, options);
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->exit_code, 2);
  EXPECT_EQ(result->err, "helloworld: error: listen on 127.0.0.1:" + std::to_string(server.port()) +
                             ": Address already in use\n");
}

TEST(Workloads, DefaultPortIs8080) {
  // Only when 8080 is free here: another program on this machine may hold it.
  TestConnection probe(8080);
  if (probe.connected()) GTEST_SKIP() << "port 8080 is in use on this machine";
  SpawnOptions options;
  options.env = {"WORKLOAD_LISTEN_ADDRESS=127.0.0.1"};
  unsetenv("PORT");
  auto child = spawn({workload_binary("helloworld")}, options);
  ASSERT_TRUE(child.has_value());
  HttpReply reply;
  for (int i = 0; i < 100 && reply.status != 200; ++i) {
    std::this_thread::sleep_for(20ms);
    reply = http_get(8080, "/healthz");
  }
  EXPECT_EQ(reply.body, "ok\n");
  child->stop(5s);
}

TEST(Pause, ExitsZeroOnSigtermAndSigint) {
  for (int sig : {SIGTERM, SIGINT}) {
    auto child = spawn({workload_binary("pause")});
    ASSERT_TRUE(child.has_value());
    std::this_thread::sleep_for(100ms);
    EXPECT_TRUE(child->running());
    ASSERT_EQ(kill(child->pid(), sig), 0);
    std::optional<int> status = child->wait_for(5s);
    ASSERT_TRUE(status.has_value());
    EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << *status;
  }
}

// Lists the zombie children of pid from /proc.
int zombie_children(pid_t pid) {
  int zombies = 0;
  std::ifstream children("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) +
                         "/children");
  for (pid_t child; children >> child;) {
    std::ifstream stat("/proc/" + std::to_string(child) + "/stat");
    std::string line;
    std::getline(stat, line);
    std::size_t paren = line.rfind(')');
    if (paren != std::string::npos && line.substr(paren + 2, 1) == "Z") ++zombies;
  }
  return zombies;
}

TEST(Pause, ReapsChildrenItInherits) {
  // Fork a process that starts a short-lived child and then becomes pause: pause inherits the
  // child, as a pod's first process inherits orphans, and must reap it when it exits.
  const std::string pause = workload_binary("pause");
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    if (fork() == 0) {
      usleep(200000);
      _exit(0);
    }
    execl(pause.c_str(), pause.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  std::this_thread::sleep_for(700ms);
  EXPECT_EQ(zombie_children(pid), 0);
  kill(pid, SIGTERM);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

TEST(Pause, ZombieCheckSeesAnUnreapedChild) {
  // Proves zombie_children() can see a zombie at all, so the test above is meaningful.
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) _exit(0);
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(zombie_children(getpid()), 1);
  waitpid(child, nullptr, 0);
}

// Runs argv as PID 1 of a new PID namespace (unshare, util-linux; a user namespace as well so it
// works unprivileged) and returns the unshare process and the PID of argv[0] as this test sees
// it; skips when namespaces are not available here.
std::optional<std::pair<ChildProcess, pid_t>> start_as_pid1(std::vector<std::string> argv,
                                                            std::vector<std::string> env) {
  auto unshare = find_executable("unshare");
  if (!unshare) return std::nullopt;
  auto probe = run({*unshare, "--user", "--map-root-user", "--pid", "--fork", "true"});
  if (!probe || !probe->ok()) return std::nullopt;
  argv.insert(argv.begin(), {*unshare, "--user", "--map-root-user", "--pid", "--fork"});
  SpawnOptions options;
  options.env = std::move(env);
  auto child = spawn(argv, options);
  if (!child) return std::nullopt;
  const std::string children = "/proc/" + std::to_string(child->pid()) + "/task/" +
                               std::to_string(child->pid()) + "/children";
  for (int i = 0; i < 200; ++i) {
    std::ifstream in(children);
    pid_t pid = 0;
    if (in >> pid && pid > 0) return std::make_pair(std::move(*child), pid);
    std::this_thread::sleep_for(10ms);
  }
  child->stop(1s);
  return std::nullopt;
}

TEST(Pid1, PauseExitsZeroOnSigtermAsPid1) {
  auto started = start_as_pid1({workload_binary("pause")}, {});
  if (!started) GTEST_SKIP() << "cannot create a PID namespace here (unshare --user --pid)";
  auto& [unshare, pid] = *started;
  std::this_thread::sleep_for(200ms);
  ASSERT_EQ(kill(pid, SIGTERM), 0);
  std::optional<int> status = unshare.wait_for(5s);
  ASSERT_TRUE(status.has_value()) << "pause as PID 1 ignored SIGTERM";
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << *status;
}

TEST(Pid1, AutoscaleFinishesTheRequestInFlightAsPid1) {
  const std::uint16_t port = free_port();
  auto started =
      start_as_pid1({workload_binary("autoscale")},
                    {"PORT=" + std::to_string(port), "WORKLOAD_LISTEN_ADDRESS=127.0.0.1"});
  if (!started) GTEST_SKIP() << "cannot create a PID namespace here (unshare --user --pid)";
  auto& [unshare, pid] = *started;
  HttpReply health;
  for (int i = 0; i < 200 && health.status != 200; ++i) {
    std::this_thread::sleep_for(20ms);
    health = http_get(port, "/healthz", 1s);
  }
  ASSERT_EQ(health.status, 200);
  nlohmann::json info = nlohmann::json::parse(http_get(port, "/info").body);
  EXPECT_EQ(info["pid"], 1);
  TestConnection in_flight(port);
  ASSERT_TRUE(in_flight.send("GET /?sleep=800 HTTP/1.1\r\n\r\n"));
  std::this_thread::sleep_for(200ms);
  ASSERT_EQ(kill(pid, SIGTERM), 0);
  HttpReply reply = in_flight.read_reply();
  EXPECT_EQ(reply.status, 200) << reply.error;
  EXPECT_TRUE(
      std::regex_match(reply.body, std::regex("Slept for [89]\\d\\d\\.\\d\\d milliseconds\\.\n")))
      << reply.body;
  std::optional<int> status = unshare.wait_for(5s);
  ASSERT_TRUE(status.has_value()) << "autoscale as PID 1 did not exit";
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << *status;
}

}  // namespace
}  // namespace mkata::workload::testing
