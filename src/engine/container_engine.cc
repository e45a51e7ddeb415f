// See container_engine.h. nlohmann::json throws; it is confined to this parse.
#include "engine/container_engine.h"

#include <nlohmann/json.hpp>

#include "engine/json_fields.h"

namespace mkata::engine {
namespace {

using nlohmann::json;

}  // namespace

std::vector<std::string> engine_runtime_names(const std::string& runtime) {
  if (runtime == "gvisor") return {"gvisor", "runsc"};
  if (runtime == "kata") return {"kata", "io.containerd.kata.v2"};
  return {runtime};
}

Result<ContainerState> parse_container_inspect(const std::string& text,
                                               const std::string& network) {
  auto j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return fail("parse container inspect: not a JSON object");
  auto state = j.find("State");
  if (state == j.end() || !state->is_object()) return fail("parse container inspect: no State");
  ContainerState s;
  s.status = string_at(*state, "Status");
  if (s.status == "exited" || s.status == "dead") {
    if (auto code = state->find("ExitCode"); code != state->end() && code->is_number_integer()) {
      s.exit_code = code->get<int>();
    }
  }
  auto settings = j.find("NetworkSettings");
  if (settings == j.end() || !settings->is_object()) return s;
  auto networks = settings->find("Networks");
  if (networks == settings->end() || !networks->is_object()) return s;
  for (const auto& [name, n] : networks->items()) {
    if (!n.is_object() || (!network.empty() && name != network)) continue;
    s.ip = string_at(n, "IPAddress");
    break;
  }
  return s;
}

}  // namespace mkata::engine
