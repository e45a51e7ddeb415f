// YAML for people: the Kubernetes objects mkata renders are JSON values (kubectl accepts JSON and
// the orchestration sends JSON), but GitOps users and reviewers read YAML. This printer writes the
// block style kubectl users know, in the objects' own key order (nlohmann::ordered_json keeps
// insertion order), so the same objects always print the same bytes.
//
// Scalars are written plain only when no YAML 1.1 reader can take them for something else: a
// string that looks like a number, a boolean (`yes`, `on`, `n`...), null, or that holds spaces,
// `: `, `#`, quotes or leading indicators is double-quoted with JSON's escapes, which are valid
// YAML double-quoted escapes. Numbers and booleans are plain.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace mkata::kube {

/// The objects as one multi-document YAML stream: each document starts with "---\n" and every
/// line ends in '\n'. Deterministic (same objects → same text). No objects → "".
std::string to_yaml(const std::vector<nlohmann::ordered_json>& objects);

/// One value as a YAML document body (no "---"), e.g. "a: 1\nb:\n  - x\n".
std::string yaml_document(const nlohmann::ordered_json& value);

}  // namespace mkata::kube
