// libFuzzer target for the HTTP request parser: any bytes must parse to "incomplete", an error
// status with a reason, or a request whose views lie inside the input and whose consumed size
// fits; never a crash (ASan/UBSan watch memory and arithmetic).
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "workload/http_request.h"

namespace {

bool inside(std::string_view part, std::string_view whole) {
  return part.empty() ||
         (part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mkata::workload;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  HttpParseLimits limits;
  limits.max_head_bytes = 512;  // small limits reach the limit paths often
  limits.max_headers = 8;
  limits.max_body_bytes = 64;
  HttpParseResult r = parse_http_request(input, limits);
  switch (r.status) {
    case HttpParseStatus::kIncomplete:
      break;
    case HttpParseStatus::kError:
      if (r.error_status < 400 || r.error_status > 505 || r.error_reason.empty()) std::abort();
      break;
    case HttpParseStatus::kComplete:
      if (r.consumed == 0 || r.consumed > size || !inside(r.request.method, input) ||
          !inside(r.request.target, input) || !inside(r.request.query, input) ||
          (!inside(r.request.path, input) && r.request.path != "/") || r.request.path.empty() ||
          r.request.path.front() != '/' || r.request.content_length > limits.max_body_bytes)
        std::abort();
      // Parsing the same request again, alone, gives the same result (the server relies on it
      // when it hands a request to a job thread).
      if (parse_http_request(input.substr(0, r.consumed), limits).consumed != r.consumed)
        std::abort();
      break;
  }
  return 0;
}
