// The one JSON accessor the engine answers need: a string field that may be absent or of
// another type (then ""). nlohmann::json throws on a wrong-typed get<>; this never does.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace mkata::engine {

inline std::string string_at(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace mkata::engine
