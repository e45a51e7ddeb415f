// The server core in-process, on a real loopback socket, with short timeouts.
#include "workload/http_server.h"

#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "workload/test_http_client.h"

namespace mkata::workload {
namespace {

using namespace std::chrono_literals;
using testing::TestConnection;

// A server on 127.0.0.1 and a free port: "/slow" blocks 300 ms on a job thread, others echo.
class HttpServerTest : public ::testing::Test {
 protected:
  void start(ServerOptions options = {}) {
    options.address = "127.0.0.1";
    options.port = 0;
    options.threads = 2;
    options.handle = [](const HttpRequest& request) {
      if (request.path == "/slow") std::this_thread::sleep_for(300ms);
      return text_response(200, "path=" + std::string(request.path) + "\n");
    };
    options.blocking = [](const HttpRequest& request) { return request.path == "/slow"; };
    server_ = std::make_unique<HttpServer>(std::move(options));
    ASSERT_EQ(server_->start(), "");
  }
  std::uint16_t port() const { return server_->port(); }
  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpServerTest, KeepAliveAndPipelining) {
  start();
  TestConnection c(port());
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(c.send("GET /k HTTP/1.1\r\n\r\n"));
    testing::HttpReply reply = c.read_reply();
    ASSERT_EQ(reply.status, 200) << reply.error;
    EXPECT_EQ(reply.body, "path=/k\n");
  }
  // Three pipelined requests, one of them blocking: answered in order.
  ASSERT_TRUE(c.send("GET /a HTTP/1.1\r\n\r\nGET /slow HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\n"));
  EXPECT_EQ(c.read_reply().body, "path=/a\n");
  EXPECT_EQ(c.read_reply().body, "path=/slow\n");
  EXPECT_EQ(c.read_reply().body, "path=/b\n");
}

TEST_F(HttpServerTest, HeadersOfAResponse) {
  start();
  TestConnection c(port());
  ASSERT_TRUE(c.send("HEAD /h HTTP/1.1\r\n\r\n"));
  testing::HttpReply reply = c.read_reply(5s, /*head_only=*/true);
  ASSERT_EQ(reply.status, 200) << reply.error;
  EXPECT_EQ(reply.header("Content-Length"), "8");
  EXPECT_EQ(reply.header("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(reply.header("Date").size(), 29u);
  EXPECT_EQ(reply.body, "");
  ASSERT_TRUE(c.send("GET /h HTTP/1.1\r\n\r\n"));
  EXPECT_EQ(c.read_reply().body, "path=/h\n");
}

TEST_F(HttpServerTest, ByteByByteRequest) {
  start();
  TestConnection c(port());
  for (char ch : std::string("GET /slowly HTTP/1.1\r\nHost: x\r\n\r\n")) {
    ASSERT_TRUE(c.send(std::string_view(&ch, 1)));
    std::this_thread::sleep_for(1ms);
  }
  EXPECT_EQ(c.read_reply().body, "path=/slowly\n");
}

TEST_F(HttpServerTest, ConnectionCloseAndHttp10AreHonoured) {
  start();
  TestConnection a(port());
  ASSERT_TRUE(a.send("GET / HTTP/1.1\r\nConnection: close\r\n\r\n"));
  testing::HttpReply reply = a.read_reply();
  EXPECT_EQ(reply.header("Connection"), "close");
  EXPECT_TRUE(a.closed_by_peer(2s));
  TestConnection b(port());
  ASSERT_TRUE(b.send("GET / HTTP/1.0\r\n\r\n"));
  EXPECT_EQ(b.read_reply().status, 200);
  EXPECT_TRUE(b.closed_by_peer(2s));
}

TEST_F(HttpServerTest, BadRequestsGetAnErrorAndTheServerKeepsServing) {
  start();
  struct Case {
    std::string request;
    int status;
    std::string body;
  };
  for (const Case& k :
       {Case{"HELLO\r\n\r\n", 400, "malformed request line\n"},
        Case{"GET / HTTP/1.1\r\n" + std::string(9000, 'x'), 431, "request head too large\n"},
        Case{"DELETE / HTTP/1.1\r\n\r\n", 405, "only GET and HEAD are supported\n"},
        Case{std::string("\0\0\0\r\n\r\n", 7), 400, "malformed request line\n"}}) {
    TestConnection c(port());
    ASSERT_TRUE(c.send(k.request));
    testing::HttpReply reply = c.read_reply();
    EXPECT_EQ(reply.status, k.status) << reply.error;
    EXPECT_EQ(reply.body, k.body);
    EXPECT_TRUE(c.closed_by_peer(2s));
    EXPECT_EQ(testing::http_get(port(), "/after").body, "path=/after\n");
  }
}

TEST_F(HttpServerTest, SlowAndSilentClientsAreTimedOut) {
  ServerOptions options;
  options.request_timeout = 200ms;
  options.idle_timeout = 300ms;
  start(std::move(options));
  TestConnection slow(port());
  ASSERT_TRUE(slow.send("GET / HTTP/1.1\r\nHost: x\r\n"));
  TestConnection silent(port());
  auto start_time = std::chrono::steady_clock::now();
  std::string answer = slow.read_until_close(3s);
  EXPECT_EQ(answer.substr(0, 30), "HTTP/1.1 408 Request Timeout\r\n");
  EXPECT_TRUE(silent.closed_by_peer(3s));
  EXPECT_LT(std::chrono::steady_clock::now() - start_time, 2s);
  EXPECT_EQ(testing::http_get(port(), "/after").status, 200);
}

TEST_F(HttpServerTest, ManyConcurrentConnections) {
  start();
  std::vector<std::unique_ptr<TestConnection>> connections;
  for (int i = 0; i < 500; ++i) {
    connections.push_back(std::make_unique<TestConnection>(port()));
    ASSERT_TRUE(connections.back()->connected());
  }
  for (auto& c : connections) ASSERT_TRUE(c->send("GET /many HTTP/1.1\r\n\r\n"));
  for (auto& c : connections) EXPECT_EQ(c->read_reply().body, "path=/many\n");
}

TEST_F(HttpServerTest, ShutdownFinishesRequestsInFlightAndRefusesNewOnes) {
  start();
  TestConnection busy(port());
  TestConnection idle(port());
  ASSERT_TRUE(busy.send("GET /slow HTTP/1.1\r\n\r\n"));
  std::this_thread::sleep_for(50ms);
  auto stopped = std::async(std::launch::async, [this] { server_->shutdown(); });
  std::this_thread::sleep_for(50ms);
  EXPECT_FALSE(TestConnection(port()).connected()) << "new connections are refused";
  EXPECT_TRUE(idle.closed_by_peer(2s)) << "idle keep-alive connections are closed";
  testing::HttpReply reply = busy.read_reply();
  EXPECT_EQ(reply.body, "path=/slow\n") << reply.error;
  EXPECT_EQ(reply.header("Connection"), "close");
  EXPECT_EQ(stopped.wait_for(5s), std::future_status::ready);
}

TEST(HttpServer, ReportsAPortInUse) {
  ServerOptions options;
  options.address = "127.0.0.1";
  options.port = 0;
  options.handle = [](const HttpRequest&) { return text_response(200, ""); };
  HttpServer first(options);
  ASSERT_EQ(first.start(), "");
  options.port = first.port();
  HttpServer second(options);
  EXPECT_EQ(second.start(),
            "listen on 127.0.0.1:" + std::to_string(first.port()) + ": Address already in use");
  options.address = "localhost";
  HttpServer third(options);
  EXPECT_EQ(third.start(),
            "listen on localhost:" + std::to_string(first.port()) + ": not an IP address");
}

}  // namespace
}  // namespace mkata::workload
