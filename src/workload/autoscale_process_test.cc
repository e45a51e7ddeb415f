// autoscale as a real process on a loopback port: the example, each job and the skip rules, every
// bad input class with its exact 400 line, malformed HTTP, limits from the environment,
// concurrent requests, the sleep overlapping the sieve, and SIGTERM with a request in flight.
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

TEST(Autoscale, TheExample) {
  START_OR_FAIL(server, "autoscale");
  HttpReply reply = http_get(server.port(), "/?sleep=100&prime=10000&bloat=5");
  ASSERT_EQ(reply.status, 200) << reply.error;
  std::smatch m;
  ASSERT_TRUE(std::regex_match(reply.body, m,
                               std::regex("Allocated 5 Mb of memory\\.\n"
                                          "The largest prime less than 10000 is 9973\\.\n"
                                          "Slept for (\\d+\\.\\d\\d) milliseconds\\.\n")))
      << reply.body;
  EXPECT_GE(std::stod(m[1]), 100.0);
}

TEST(Autoscale, EachJobAloneAndTheSkipRules) {
  START_OR_FAIL(server, "autoscale");
  auto body = [&](const char* target) {
    HttpReply reply = http_get(server.port(), target);
    EXPECT_EQ(reply.status, 200) << target << ": " << reply.error << reply.body;
    return reply.body;
  };
  EXPECT_EQ(body("/"), "");
  EXPECT_EQ(body("/?sleep=&prime=0&bloat=&color=red"), "");
  EXPECT_EQ(body("/any/path?prime=2"), "There are no primes smaller than 2.\n");
  EXPECT_EQ(body("/?prime=1"), "There are no primes smaller than 1.\n");
  EXPECT_EQ(body("/?prime=3"), "The largest prime less than 3 is 2.\n");
  EXPECT_EQ(body("/?prime=9973"), "The largest prime less than 9973 is 9967.\n");
  EXPECT_EQ(body("/?prime=100000000"), "The largest prime less than 100000000 is 99999989.\n");
  EXPECT_EQ(body("/?prime=%31%30&prime=abc"), "The largest prime less than 10 is 7.\n");
  EXPECT_EQ(body("/?bloat=1"), "Allocated 1 Mb of memory.\n");
  EXPECT_TRUE(std::regex_match(body("/?x=1&sleep=20"),
                               std::regex("Slept for (\\d+\\.\\d\\d) milliseconds\\.\n")));
  EXPECT_EQ(body("/healthz?sleep=abc"), "ok\n");
}

TEST(Autoscale, EveryBadInputClassIs400AndTheServerKeepsServing) {
  START_OR_FAIL(server, "autoscale");
  const std::string sleep = ": expected a decimal whole number of milliseconds from 0 to 60000\n";
  const std::string prime = ": expected a decimal whole number from 0 to 100000000\n";
  const std::string bloat = ": expected a decimal whole number of MiB from 0 to 1024\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"/?sleep=-1", "invalid sleep value \"-1\"" + sleep},
      {"/?sleep=%2B1", "invalid sleep value \"+1\"" + sleep},
      {"/?sleep=ten", "invalid sleep value \"ten\"" + sleep},
      {"/?sleep=18446744073709551616", "invalid sleep value \"18446744073709551616\"" + sleep},
      {"/?sleep=60001", "invalid sleep value \"60001\"" + sleep},
      {"/?prime=-1", "invalid prime value \"-1\"" + prime},
      {"/?prime=%2B1", "invalid prime value \"+1\"" + prime},
      {"/?prime=1e3", "invalid prime value \"1e3\"" + prime},
      {"/?prime=18446744073709551616", "invalid prime value \"18446744073709551616\"" + prime},
      {"/?prime=100000001", "invalid prime value \"100000001\"" + prime},
      {"/?bloat=-1", "invalid bloat value \"-1\"" + bloat},
      {"/?bloat=%2B1", "invalid bloat value \"+1\"" + bloat},
      {"/?bloat=x", "invalid bloat value \"x\"" + bloat},
      {"/?bloat=18446744073709551616", "invalid bloat value \"18446744073709551616\"" + bloat},
      {"/?bloat=1025", "invalid bloat value \"1025\"" + bloat},
      {"/?bloat=%0A", "invalid bloat value \"\\x0a\"" + bloat},
  };
  TestConnection keep_alive(server.port());
  for (const auto& [target, message] : cases) {
    HttpReply reply = http_get(server.port(), target);
    EXPECT_EQ(reply.status, 400) << target << ": " << reply.error;
    EXPECT_EQ(reply.body, message);
    ASSERT_TRUE(keep_alive.send("GET /healthz HTTP/1.1\r\n\r\n"));
    EXPECT_EQ(keep_alive.read_reply().body, "ok\n") << "after " << target;
  }
  EXPECT_TRUE(server.child().running());
}

TEST(Autoscale, MalformedHttpNeverKillsTheServer) {
  START_OR_FAIL(server, "autoscale");
  for (std::string garbage :
       {std::string("\r\n\r\n\r\n"), std::string(20000, 'A'), std::string("GET /?sleep=1"),
        std::string("GET / HTTP/1.1\r\nContent-Length: 5\r\n\r\n"),
        std::string("\xff\xfe\x00\x01\r\n\r\n", 8)}) {
    TestConnection c(server.port());
    c.send(garbage);
  }
  EXPECT_EQ(http_get(server.port(), "/?prime=10").body, "The largest prime less than 10 is 7.\n");
  EXPECT_TRUE(server.child().running());
}

TEST(Autoscale, LimitsFromTheEnvironment) {
  START_OR_FAIL(
      server, "autoscale",
      {"AUTOSCALE_MAX_SLEEP_MS=50", "AUTOSCALE_MAX_PRIME=1000", "AUTOSCALE_MAX_BLOAT_MIB=2"});
  EXPECT_EQ(http_get(server.port(), "/?sleep=51").body,
            "invalid sleep value \"51\": expected a decimal whole number of milliseconds from 0 "
            "to 50\n");
  EXPECT_EQ(http_get(server.port(), "/?prime=1001").body,
            "invalid prime value \"1001\": expected a decimal whole number from 0 to 1000\n");
  EXPECT_EQ(http_get(server.port(), "/?bloat=3").body,
            "invalid bloat value \"3\": expected a decimal whole number of MiB from 0 to 2\n");
  RunOptions bad;
  bad.env = {"AUTOSCALE_MAX_PRIME=lots", "PORT=1"};
  auto result = run({workload_binary("autoscale")}, bad);
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->exit_code, 2);
  EXPECT_EQ(result->err,
            "autoscale: error: invalid AUTOSCALE_MAX_PRIME \"lots\": expected a whole number "
            "from 0 to 1000000000000\n");
}

TEST(Autoscale, ConcurrentRequestsOverlap) {
  START_OR_FAIL(server, "autoscale");
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::future<HttpReply>> replies;
  for (int i = 0; i < 50; ++i)
    replies.push_back(std::async(
        std::launch::async, [&] { return http_get(server.port(), "/?sleep=500&prime=1000"); }));
  for (auto& reply : replies) {
    HttpReply r = reply.get();
    EXPECT_EQ(r.status, 200) << r.error;
    EXPECT_TRUE(
        std::regex_match(r.body, std::regex("The largest prime less than 1000 is 997\\.\n"
                                            "Slept for [5-9]\\d\\d\\.\\d\\d milliseconds\\.\n")))
        << r.body;
  }
  // 50 sequential sleeps would take 25 s.
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST(Autoscale, SleepOverlapsTheComputation) {
  // A sieve up to 10^9 (limit raised for this test) takes about as long as a sleep of a second or
  // two, so sequential and overlapped jobs differ by far more than the noise of a busy machine.
  START_OR_FAIL(server, "autoscale", {"AUTOSCALE_MAX_PRIME=1000000000"});
  auto timed = [&](const std::string& target) {
    auto start = std::chrono::steady_clock::now();
    HttpReply reply = http_get(server.port(), target, 60s);
    EXPECT_EQ(reply.status, 200) << reply.error;
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
        .count();
  };
  // Sequential would be sleep + prime_alone; overlapped is about max(sleep, prime_alone). A
  // parallel build can slow one measurement and not the other, so the overlap must show in one
  // of three attempts (a sequential implementation never shows it).
  std::string attempts;
  bool overlapped = false;
  for (int attempt = 0; attempt < 3 && !overlapped; ++attempt) {
    const double prime_alone = timed("/?prime=1000000000");
    const auto sleep_ms = static_cast<long>(std::max(200.0, prime_alone));
    const double both = timed("/?prime=1000000000&sleep=" + std::to_string(sleep_ms));
    EXPECT_GE(both, sleep_ms);
    overlapped = both < sleep_ms + prime_alone / 2;
    attempts += " [prime alone " + std::to_string(prime_alone) + " ms, sleep " +
                std::to_string(sleep_ms) + " ms, both " + std::to_string(both) + " ms]";
  }
  EXPECT_TRUE(overlapped) << attempts;
}

TEST(Autoscale, SigtermFinishesTheRequestInFlightAndExitsZero) {
  START_OR_FAIL(server, "autoscale");
  TestConnection in_flight(server.port());
  ASSERT_TRUE(in_flight.send("GET /?sleep=1500 HTTP/1.1\r\n\r\n"));
  std::this_thread::sleep_for(300ms);
  ASSERT_EQ(kill(server.child().pid(), SIGTERM), 0);
  std::this_thread::sleep_for(100ms);
  EXPECT_FALSE(TestConnection(server.port()).connected()) << "no new connections after SIGTERM";
  HttpReply reply = in_flight.read_reply();
  EXPECT_EQ(reply.status, 200) << reply.error;
  EXPECT_TRUE(
      std::regex_match(reply.body, std::regex("Slept for 1[5-9]\\d\\d\\.\\d\\d milliseconds\\.\n")))
      << reply.body;
  std::optional<int> status = server.child().wait_for(5s);
  ASSERT_TRUE(status.has_value()) << "still running after the request finished";
  EXPECT_TRUE(WIFEXITED(*status));
  EXPECT_EQ(WEXITSTATUS(*status), 0);
}

}  // namespace
}  // namespace mkata::workload::testing
