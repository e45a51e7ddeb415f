#include "workload/http_request.h"

#include <gtest/gtest.h>

#include <string>

namespace mkata::workload {
namespace {

HttpParseResult parse(std::string_view data) { return parse_http_request(data, {}); }

TEST(HttpRequest, ParsesAGet) {
  std::string data = "GET /a/b?sleep=1&x HTTP/1.1\r\nHost: x\r\nUser-Agent: t\r\n\r\nNEXT";
  HttpParseResult r = parse(data);
  ASSERT_EQ(r.status, HttpParseStatus::kComplete);
  EXPECT_EQ(r.request.method, "GET");
  EXPECT_EQ(r.request.target, "/a/b?sleep=1&x");
  EXPECT_EQ(r.request.path, "/a/b");
  EXPECT_EQ(r.request.query, "sleep=1&x");
  EXPECT_EQ(r.request.minor_version, 1);
  EXPECT_TRUE(r.request.keep_alive);
  EXPECT_EQ(r.consumed, data.size() - 4);
}

TEST(HttpRequest, AcceptsBareLineFeedsAndLeadingEmptyLines) {
  HttpParseResult r = parse("\r\n\nGET / HTTP/1.0\nConnection: keep-alive\n\n");
  ASSERT_EQ(r.status, HttpParseStatus::kComplete);
  EXPECT_EQ(r.request.minor_version, 0);
  EXPECT_TRUE(r.request.keep_alive);
  EXPECT_FALSE(parse("GET / HTTP/1.0\r\n\r\n").request.keep_alive);
  EXPECT_FALSE(parse("GET / HTTP/1.1\r\nConnection: Upgrade, close\r\n\r\n").request.keep_alive);
}

TEST(HttpRequest, AbsoluteFormKeepsThePath) {
  HttpParseResult r = parse("GET http://example/x?y=1 HTTP/1.1\r\n\r\n");
  ASSERT_EQ(r.status, HttpParseStatus::kComplete);
  EXPECT_EQ(r.request.path, "/x");
  EXPECT_EQ(r.request.query, "y=1");
}

TEST(HttpRequest, IncompleteUntilTheBlankLineAndTheBody) {
  EXPECT_EQ(parse("").status, HttpParseStatus::kIncomplete);
  EXPECT_EQ(parse("GET / HTTP/1.1\r\nHost: x\r\n").status, HttpParseStatus::kIncomplete);
  EXPECT_EQ(parse("GET / HTTP/1.1\r\nContent-Length: 3\r\n\r\nab").status,
            HttpParseStatus::kIncomplete);
  HttpParseResult r = parse("GET / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcGET");
  ASSERT_EQ(r.status, HttpParseStatus::kComplete);
  EXPECT_EQ(r.consumed, 40u);
}

struct Bad {
  std::string data;
  int status;
  std::string reason;
};

class HttpRequestBad : public ::testing::TestWithParam<Bad> {};

TEST_P(HttpRequestBad, IsAnErrorWithStatusAndReason) {
  HttpParseResult r = parse(GetParam().data);
  ASSERT_EQ(r.status, HttpParseStatus::kError);
  EXPECT_EQ(r.error_status, GetParam().status);
  EXPECT_EQ(r.error_reason, GetParam().reason);
}

INSTANTIATE_TEST_SUITE_P(
    Classes, HttpRequestBad,
    ::testing::Values(
        Bad{"HELLO\r\n\r\n", 400, "malformed request line"},
        Bad{"GET /\r\n\r\n", 400, "malformed request line"},
        Bad{"G(T / HTTP/1.1\r\n\r\n", 400, "malformed request method"},
        Bad{"GET x HTTP/1.1\r\n\r\n", 400, "malformed request target"},
        Bad{"GET /a\x01 HTTP/1.1\r\n\r\n", 400, "malformed request target"},
        Bad{"GET / HTTP/1.1 \r\n\r\n", 400, "malformed HTTP version"},
        Bad{"GET / HTTX/1.1\r\n\r\n", 400, "malformed HTTP version"},
        Bad{"GET / HTTP/2.0\r\n\r\n", 505, "only HTTP/1.0 and HTTP/1.1 are supported"},
        Bad{"GET / HTTP/1.1\r\nNo colon\r\n\r\n", 400, "malformed header line"},
        Bad{"GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400, "malformed header line"},
        Bad{"GET / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n", 400,
            "obsolete header line folding is not accepted"},
        Bad{"GET / HTTP/1.1\r\nA: b\x7f\r\n\r\n", 400, "control character in header"},
        Bad{"GET / HTTP/1.1\r\nA: b\rc\r\n\r\n", 400, "bare CR in request head"},
        Bad{"GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400, "malformed Content-Length"},
        Bad{"GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400,
            "conflicting Content-Length headers"},
        Bad{"GET / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n", 413,
            "request body too large"},
        Bad{"GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", 501,
            "Transfer-Encoding request bodies are not supported"},
        Bad{"POST / HTTP/1.1\r\nContent-Length: 1\r\n\r\nx", 405,
            "only GET and HEAD are supported"},
        Bad{"GET /" + std::string(9000, 'a') + " HTTP/1.1\r\n\r\n", 431, "request head too large"},
        Bad{"GET /" + std::string(9000, 'a'), 431, "request head too large"}));

TEST(HttpRequest, TooManyHeaders) {
  std::string data = "GET / HTTP/1.1\r\n";
  for (int i = 0; i < 65; ++i) data += "A: b\r\n";
  HttpParseResult r = parse(data + "\r\n");
  ASSERT_EQ(r.status, HttpParseStatus::kError);
  EXPECT_EQ(r.error_status, 431);
  EXPECT_EQ(r.error_reason, "too many header fields");
}

}  // namespace
}  // namespace mkata::workload
