// The two renderings of a check: human text (verdict lines first, then the Kata block in
// kata-check wording, the notes, and the evidence) and JSON with the stable schema documented in
// docs/check.md ("schema_version": 1). nlohmann::json is used only in check_report.cc.
#pragma once

#include <map>
#include <string>

#include "host/host_facts.h"
#include "host/runtime_verdicts.h"

namespace mkata::host {

/// Human text, ending with a newline.
std::string render_check_text(const HostFacts& facts,
                              const std::map<std::string, RuntimeVerdict>& verdicts);

/// JSON document (2-space indent, ending with a newline).
std::string render_check_json(const HostFacts& facts,
                              const std::map<std::string, RuntimeVerdict>& verdicts);

}  // namespace mkata::host
