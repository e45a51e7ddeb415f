// A small declarative argument parser shared by every command, so that all commands behave the
// same: --help, --flag VALUE and --flag=VALUE, repeatable options, and one error format for bad
// input that names the option, the value and what is accepted.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/error.h"

namespace mkata::cli {

/// Declares a command's options, parses argv, and renders --help.
class ArgParser {
 public:
  /// command: e.g. "install"; summary: one line shown at the top of --help.
  ArgParser(std::string command, std::string summary);

  /// A boolean switch such as --dry-run.
  void flag(const std::string& name, bool* out, const std::string& help);
  /// An option with one value (--config FILE); a repeat overrides.
  void option(const std::string& name, std::string* out, const std::string& metavar,
              const std::string& help);
  /// An option that may be repeated (--runtime RT ...); also accepts comma-separated values
  /// unless split_commas is false (a value that holds commas itself: --overhead kata=320Mi,250m).
  void repeated(const std::string& name, std::vector<std::string>* out, const std::string& metavar,
                const std::string& help, bool split_commas = true);
  /// Restricts an option's values to a fixed set (checked during parse()).
  void choices(const std::string& name, std::vector<std::string> accepted);
  /// Positional arguments (e.g. a subcommand); without this, positionals are usage errors.
  void positionals(std::vector<std::string>* out, const std::string& metavar);

  /// Parses args (without the program and command names). Returns true when the command should
  /// run, false when --help was requested (help() has then been printed to stdout).
  /// Errors are usage errors: "install: unknown option '--foo'" with a hint to --help.
  Result<bool> parse(const std::vector<std::string>& args);

  /// The --help text.
  std::string help() const;

 private:
  struct Spec {
    std::string name, metavar, help;
    bool* flag = nullptr;
    std::string* value = nullptr;
    std::vector<std::string>* values = nullptr;
    std::vector<std::string> accepted;
    bool split_commas = true;
  };
  Spec* find(const std::string& name);
  Result<void> accept(Spec& spec, const std::string& value);

  std::string command_, summary_;
  std::vector<Spec> specs_;
  std::vector<std::string>* positionals_ = nullptr;
  std::string positional_metavar_;
};

/// Parses a whole number given for --option: decimal digits only (no spaces, sign or "0x"),
/// within [min, max]. Error: "<command>: invalid value ' 5' for --timeout (accepted: 1 to 3600
/// seconds)", with the --help hint.
Result<long> parse_number(const std::string& command, const std::string& option,
                          const std::string& text, long min, long max, const std::string& unit);

/// A usage error for this command with the standard --help hint.
Error usage_error(const std::string& command, const std::string& message);

}  // namespace mkata::cli
