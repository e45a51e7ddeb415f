// Downloads against a real loopback HTTP server (testing/loopback_http_server.h): real sockets,
// real libcurl, failures injected by the server.
#include "artifacts/download.h"

#include <gtest/gtest.h>

#include "artifacts/testing/loopback_http_server.h"
#include "core/files.h"
#include "support/test_env.h"

namespace mkata::artifacts {
namespace {

using testing::LoopbackHttpServer;
using testing::Route;

std::string payload(size_t size) {
  std::string body(size, '\0');
  for (size_t i = 0; i < size; ++i) body[i] = static_cast<char>('a' + (i * 7 + i / 13) % 26);
  return body;
}

DownloadOptions quick() {
  DownloadOptions o;
  o.first_backoff = std::chrono::milliseconds(10);
  o.attempts = 3;
  o.cancelled = [] { return false; };
  return o;
}

std::vector<std::string> listing(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    names.push_back(e.path().filename());
  return names;
}

TEST(Download, FetchesAFileAndReportsProgress) {
  LoopbackHttpServer server(4);
  std::string body = payload(200000);
  server.route("/kata.tar.xz", {200, body});
  ASSERT_TRUE(server.start());
  test::TempDir dir("mkata-download");
  DownloadOptions options = quick();
  uint64_t last = 0;
  options.progress = [&](uint64_t received, std::optional<uint64_t> total) {
    last = received;
    EXPECT_EQ(total.value_or(0), body.size());
  };
  auto path = download_file(server.url("/kata.tar.xz"), dir.path(), "kata.tar.xz", options);
  ASSERT_TRUE(path) << path.error().message();
  EXPECT_EQ(*path, dir / "kata.tar.xz");
  EXPECT_EQ(*read_file(*path), body);
  EXPECT_EQ(last, body.size());
  EXPECT_EQ(listing(dir.path()), std::vector<std::string>{"kata.tar.xz"});
}

TEST(Download, NotFoundIsPermanentAndNamesTheUrl) {
  LoopbackHttpServer server(4);
  ASSERT_TRUE(server.start());
  test::TempDir dir("mkata-download");
  auto path = download_file(server.url("/missing.tar.xz"), dir.path(), "m", quick());
  ASSERT_FALSE(path);
  EXPECT_EQ(path.error().message(),
            "download " + server.url("/missing.tar.xz") + ": HTTP 404 Not Found");
  EXPECT_EQ(server.requests().size(), 1u);  // not retried
  EXPECT_TRUE(listing(dir.path()).empty());
}

TEST(Download, ResumesWithRangeAfterADroppedConnection) {
  LoopbackHttpServer server(4);
  std::string body = payload(300000);
  Route route{200, body};
  route.drop_first = 1;
  route.drop_after = 100000;
  server.route("/kata.tar.xz", route);
  ASSERT_TRUE(server.start());
  test::TempDir dir("mkata-download");
  auto path = download_file(server.url("/kata.tar.xz"), dir.path(), "kata.tar.xz", quick());
  ASSERT_TRUE(path) << path.error().message();
  EXPECT_EQ(*read_file(*path), body);
  auto seen = server.requests();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].range, "");
  EXPECT_EQ(seen[1].range, "bytes=100000-");
}

TEST(Download, StartsOverWhenTheServerIgnoresRange) {
  LoopbackHttpServer server(4);
  std::string body = payload(300000);
  Route route{200, body};
  route.ranges = false;
  route.drop_first = 1;
  route.drop_after = 100000;
  server.route("/f", route);
  ASSERT_TRUE(server.start());
  test::TempDir dir("mkata-download");
  auto path = download_file(server.url("/f"), dir.path(), "f", quick());
  ASSERT_TRUE(path) << path.error().message();
  EXPECT_EQ(*read_file(*path), body);  // the 200 answer replaced the partial bytes
  EXPECT_EQ(server.requests().at(1).range, "bytes=100000-");
}

TEST(Download, GivesUpAfterTheAttemptsAndLeavesNothing) {
  LoopbackHttpServer server(8);
  Route route{200, payload(300000)};
  route.drop_first = 100;
  route.drop_after = 50000;
  server.route("/f", route);
  ASSERT_TRUE(server.start());
  test::TempDir dir("mkata-download");
  auto path = download_file(server.url("/f"), dir.path(), "f", quick());
  ASSERT_FALSE(path);
  EXPECT_EQ(path.error().message(),
            "download " + server.url("/f") +
                ": transfer closed with 150000 bytes remaining to read (after 3 attempts)");
  auto seen = server.requests();
  ASSERT_EQ(seen.size(), 3u);  // each attempt resumed where the last one stopped
  EXPECT_EQ(seen[2].range, "bytes=100000-");
  EXPECT_TRUE(listing(dir.path()).empty());
}

TEST(Download, CancellationIsAnInterruptAndLeavesNothing) {
  LoopbackHttpServer server(4);
  Route route{200, payload(400000)};
  route.chunk_delay = std::chrono::milliseconds(5);
  server.route("/slow", route);
  ASSERT_TRUE(server.start());
  test::TempDir dir("mkata-download");
  DownloadOptions options = quick();
  bool cancel = false;
  options.progress = [&](uint64_t received, std::optional<uint64_t>) { cancel = received > 20000; };
  options.cancelled = [&] { return cancel; };
  auto path = download_file(server.url("/slow"), dir.path(), "slow", options);
  ASSERT_FALSE(path);
  EXPECT_EQ(path.error().kind(), ErrorKind::kInterrupted);
  EXPECT_EQ(path.error().message(), "download " + server.url("/slow") + ": interrupted");
  EXPECT_TRUE(listing(dir.path()).empty());
}

TEST(Download, ServerErrorsAreRetried) {
  LoopbackHttpServer server(4);
  server.route("/sums", {503, "busy"});
  ASSERT_TRUE(server.start());
  auto text = download_text(server.url("/sums"), quick());
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().message(), "download " + server.url("/sums") +
                                        ": HTTP 503 Service Unavailable (after 3 attempts)");
  server.route("/sums", {200, "abc  f\n"});
  EXPECT_EQ(*download_text(server.url("/sums"), quick()), "abc  f\n");
}

TEST(Download, OnlyHttpsOrLoopbackHttp) {
  test::TempDir dir("mkata-download");
  auto plain = download_file("http://example.com/kata.tar.xz", dir.path(), "k", quick());
  ASSERT_FALSE(plain);
  EXPECT_EQ(plain.error().message(),
            "download http://example.com/kata.tar.xz: plain http is only accepted for 127.0.0.1 "
            "and localhost; use https://");
  EXPECT_EQ(download_text("ftp://127.0.0.1/x", quick()).error().message(),
            "download ftp://127.0.0.1/x: not an https:// URL");
}

TEST(Download, UrlFileName) {
  EXPECT_EQ(url_file_name("https://github.com/kata-containers/kata-containers/releases/download/"
                          "3.2.0/kata-static-3.2.0-amd64.tar.xz?x=1#y"),
            "kata-static-3.2.0-amd64.tar.xz");
  EXPECT_EQ(url_file_name("https://h/a/runsc/"), "runsc");
  EXPECT_EQ(url_file_name("https://h"), "download");
  EXPECT_TRUE(is_url("https://h/x"));
  EXPECT_FALSE(is_url("/tmp/kata.tar.xz"));
}

}  // namespace
}  // namespace mkata::artifacts
