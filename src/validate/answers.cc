// See answers.h.
#include "validate/answers.h"

#include <cctype>
#include <cstdlib>

#include "core/strings.h"

namespace mkata::validate {
namespace {

std::string one_line(const std::string& body) {
  std::string out;
  for (char c : body.substr(0, 200)) out += c == '\n' ? std::string("\\n") : std::string(1, c);
  return out;
}

Error wrong(const std::string& what, const std::string& body, const std::string& expected) {
  return Error(what + " answered '" + one_line(body) + "' (expected " + expected + ")",
               ErrorKind::kCheckFailed);
}

}  // namespace

std::string display_name(const std::string& runtime) {
  if (runtime == "gvisor") return "gVisor";
  if (runtime == "kata") return "Kata";
  return runtime;
}

std::string helloworld_target(const std::string& runtime) {
  return display_name(runtime) + " Containers";
}

Result<void> check_helloworld_answer(const std::string& body, const std::string& target) {
  std::string expected = "Hello World: " + target + "!\n";
  if (body != expected) return fail(wrong("helloworld", body, "'" + one_line(expected) + "'"));
  return {};
}

Result<double> check_autoscale_answer(const std::string& body) {
  const std::string expected =
      "'Allocated 5 Mb of memory.\\nThe largest prime less than 10000 is 9973.\\n"
      "Slept for <T ≥ 100.00> milliseconds.\\n'";
  const std::string head =
      "Allocated 5 Mb of memory.\nThe largest prime less than 10000 is 9973.\nSlept for ";
  const std::string tail = " milliseconds.\n";
  if (!starts_with(body, head) || !ends_with(body, tail) ||
      body.size() <= head.size() + tail.size()) {
    return fail(wrong("autoscale", body, expected));
  }
  std::string number = body.substr(head.size(), body.size() - head.size() - tail.size());
  auto dot = number.find('.');
  bool well_formed = dot != std::string::npos && dot > 0 && number.size() == dot + 3;
  for (size_t i = 0; well_formed && i < number.size(); ++i) {
    well_formed = i == dot || std::isdigit(static_cast<unsigned char>(number[i]));
  }
  if (!well_formed) return fail(wrong("autoscale", body, expected));
  double slept = std::strtod(number.c_str(), nullptr);
  if (slept < 100.0) {
    return fail(Error("autoscale slept " + number + " ms, less than the 100 ms requested",
                      ErrorKind::kCheckFailed));
  }
  return slept;
}

}  // namespace mkata::validate
