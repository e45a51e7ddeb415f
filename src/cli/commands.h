// The commands of the mkata CLI. Each lives in its own file (cli/<command>.cc): it parses its
// arguments, calls one function of the core library, prints the result (human text or --json on
// stdout) and returns the exit code. Errors are returned, never printed: main() prints them in the
// one format "mkata: error: <what failed>: <why>".
#pragma once

#include <string>
#include <vector>

#include "core/error.h"

namespace mkata::cli {

using CommandArgs = std::vector<std::string>;

Result<int> check_command(const CommandArgs& args);
Result<int> install_command(const CommandArgs& args);
Result<int> uninstall_command(const CommandArgs& args);
Result<int> images_command(const CommandArgs& args);
Result<int> node_command(const CommandArgs& args);
Result<int> validate_command(const CommandArgs& args);
Result<int> manifests_command(const CommandArgs& args);
Result<int> report_command(const CommandArgs& args);

}  // namespace mkata::cli
