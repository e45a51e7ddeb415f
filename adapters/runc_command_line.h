// The command line that containerd's runc shim (io.containerd.runc.v2, through go-runc) gives the
// binary named by a handler's BinaryName: `<bin> [global flags] <command> [flags] <id> [args]`.
// The adapters parse it only as far as they must — the global flags, the command, the container
// id and the few flags they act on (--bundle, --pid-file, --log) — and keep every token so that
// what they do not understand passes through unchanged.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/error.h"

namespace mkata::adapters {

/// A parsed runc-style command line.
struct RuncCommandLine {
  std::vector<std::string> global_flags;  ///< every token before the command, as given
  std::string command;                    ///< "create", "start", "kill", ... ("" for --version)
  std::vector<std::string> command_args;  ///< every token after the command, as given
  std::vector<std::string> positionals;   ///< command_args minus flags and their values
  std::string root;                       ///< --root
  std::string log;                        ///< --log (the shim uses <bundle>/log.json)

  /// The container id (first positional), or "" when there is none.
  std::string container_id() const { return positionals.empty() ? "" : positionals.front(); }
  /// The value of a command flag (`--name value` or `--name=value`), e.g. "--bundle".
  std::optional<std::string> flag(const std::string& name,
                                  const std::string& short_name = "") const;
  /// True when a boolean command flag is present (e.g. "--force").
  bool has_flag(const std::string& name, const std::string& short_name = "") const;
};

/// Parses the arguments after argv[0]. Fails on a global flag that needs a value and has none
/// ("runtime command line: --root needs a value").
Result<RuncCommandLine> parse_runc_command_line(const std::vector<std::string>& args);

}  // namespace mkata::adapters
