// See runc_command_line.h. To find positionals we must know which flags take a value; the table
// lists those runc (and runsc, which copies runc's CLI) define for the commands the shim runs.
// An unknown flag is taken as boolean, which at worst misplaces an id in `positionals` but never
// changes what is passed through.
#include "adapters/runc_command_line.h"

#include <algorithm>
#include <array>
#include <string_view>

namespace mkata::adapters {
namespace {

// Global flags of runc/runsc that take a value (go-runc sends --root, --log, --log-format, and
// --rootless=<bool> / --criu in their `=` forms).
constexpr std::array<std::string_view, 5> kGlobalValueFlags = {"--root", "--log", "--log-format",
                                                               "--criu", "--rootless"};

// Command flags that take a value (runc create/run/exec/ps/update/events/checkpoint/restore).
constexpr std::array<std::string_view, 19> kCommandValueFlags = {"--bundle",
                                                                 "-b",
                                                                 "--pid-file",
                                                                 "--console-socket",
                                                                 "--preserve-fds",
                                                                 "--process",
                                                                 "-p",
                                                                 "--cwd",
                                                                 "--env",
                                                                 "-e",
                                                                 "--user",
                                                                 "-u",
                                                                 "--process-label",
                                                                 "--apparmor",
                                                                 "--cap",
                                                                 "--format",
                                                                 "-f",
                                                                 "--resources",
                                                                 "--interval"};

bool takes_value(std::string_view flag, bool global) {
  if (global) return std::ranges::find(kGlobalValueFlags, flag) != kGlobalValueFlags.end();
  return std::ranges::find(kCommandValueFlags, flag) != kCommandValueFlags.end();
}

// "--name=value" → ("--name", "value"); "--name" → ("--name", nullopt).
std::pair<std::string, std::optional<std::string>> split_flag(const std::string& token) {
  size_t eq = token.find('=');
  if (eq == std::string::npos) return {token, std::nullopt};
  return {token.substr(0, eq), token.substr(eq + 1)};
}

bool is_flag(const std::string& token) { return token.size() > 1 && token[0] == '-'; }

}  // namespace

Result<RuncCommandLine> parse_runc_command_line(const std::vector<std::string>& args) {
  RuncCommandLine line;
  size_t i = 0;
  for (; i < args.size() && is_flag(args[i]); ++i) {
    auto [name, value] = split_flag(args[i]);
    line.global_flags.push_back(args[i]);
    if (!value && takes_value(name, true)) {
      if (i + 1 >= args.size()) return fail("runtime command line: " + name + " needs a value");
      value = args[++i];
      line.global_flags.push_back(*value);
    }
    if (name == "--root") line.root = *value;
    if (name == "--log") line.log = *value;
  }
  if (i < args.size()) line.command = args[i++];
  for (; i < args.size(); ++i) {
    line.command_args.push_back(args[i]);
    if (!is_flag(args[i])) {
      line.positionals.push_back(args[i]);
      continue;
    }
    auto [name, value] = split_flag(args[i]);
    if (!value && takes_value(name, false) && i + 1 < args.size()) {
      line.command_args.push_back(args[++i]);
    }
  }
  return line;
}

std::optional<std::string> RuncCommandLine::flag(const std::string& name,
                                                 const std::string& short_name) const {
  for (size_t i = 0; i < command_args.size(); ++i) {
    auto [n, value] = split_flag(command_args[i]);
    if (n != name && (short_name.empty() || n != short_name)) continue;
    if (value) return value;
    if (i + 1 < command_args.size()) return command_args[i + 1];
  }
  return std::nullopt;
}

bool RuncCommandLine::has_flag(const std::string& name, const std::string& short_name) const {
  return std::ranges::any_of(command_args, [&](const std::string& a) {
    auto n = split_flag(a).first;
    return n == name || (!short_name.empty() && n == short_name);
  });
}

}  // namespace mkata::adapters
