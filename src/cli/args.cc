#include "cli/args.h"

#include <cstdio>

#include "core/strings.h"

namespace mkata::cli {

Error usage_error(const std::string& command, const std::string& message) {
  return Error::usage(command + ": " + message)
      .with_hint("see 'mkata " + command + " --help'");
}

ArgParser::ArgParser(std::string command, std::string summary)
    : command_(std::move(command)), summary_(std::move(summary)) {}

void ArgParser::flag(const std::string& name, bool* out, const std::string& help) {
  specs_.push_back(Spec{name, "", help, out, nullptr, nullptr, {}});
}

void ArgParser::option(const std::string& name, std::string* out, const std::string& metavar,
                       const std::string& help) {
  specs_.push_back(Spec{name, metavar, help, nullptr, out, nullptr, {}});
}

void ArgParser::repeated(const std::string& name, std::vector<std::string>* out,
                         const std::string& metavar, const std::string& help, bool split_commas) {
  specs_.push_back(Spec{name, metavar, help, nullptr, nullptr, out, {}, split_commas});
}

void ArgParser::choices(const std::string& name, std::vector<std::string> accepted) {
  if (Spec* s = find(name)) s->accepted = std::move(accepted);
}

void ArgParser::positionals(std::vector<std::string>* out, const std::string& metavar) {
  positionals_ = out;
  positional_metavar_ = metavar;
}

ArgParser::Spec* ArgParser::find(const std::string& name) {
  for (auto& s : specs_) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

Result<void> ArgParser::accept(Spec& spec, const std::string& value) {
  std::vector<std::string> values =
      spec.values && spec.split_commas ? split(value, ',') : std::vector<std::string>{value};
  for (const auto& v : values) {
    if (v.empty()) {
      return fail(usage_error(command_, "option '--" + spec.name + "' needs a value"));
    }
    if (!spec.accepted.empty()) {
      bool ok = false;
      for (const auto& a : spec.accepted) ok = ok || a == v;
      if (!ok) {
        return fail(usage_error(command_, "invalid value '" + v + "' for --" + spec.name +
                                              " (accepted: " + join(spec.accepted, ", ") + ")"));
      }
    }
    if (spec.values) {
      spec.values->push_back(v);
    } else {
      *spec.value = v;
    }
  }
  return {};
}

Result<bool> ArgParser::parse(const std::vector<std::string>& args) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(help().c_str(), stdout);
      return false;
    }
    if (arg == "--") {
      for (size_t j = i + 1; j < args.size(); ++j) {
        if (!positionals_) return fail(usage_error(command_, "unexpected argument '" + args[j] + "'"));
        positionals_->push_back(args[j]);
      }
      break;
    }
    if (starts_with(arg, "--")) {
      std::string name = arg.substr(2);
      std::optional<std::string> inline_value;
      if (size_t eq = name.find('='); eq != std::string::npos) {
        inline_value = name.substr(eq + 1);
        name = name.substr(0, eq);
      }
      Spec* spec = find(name);
      if (!spec) return fail(usage_error(command_, "unknown option '--" + name + "'"));
      if (spec->flag) {
        if (inline_value) {
          return fail(usage_error(command_, "option '--" + name + "' takes no value"));
        }
        *spec->flag = true;
        continue;
      }
      std::string value;
      if (inline_value) {
        value = *inline_value;
      } else if (i + 1 < args.size()) {
        // "--config --dry-run" is a forgotten value, not a file named "--dry-run".
        if (starts_with(args[i + 1], "--")) {
          return fail(usage_error(command_, "option '--" + name + "' needs a value (" +
                                                spec->metavar + "), got the option '" +
                                                args[i + 1] + "'")
                          .with_hint("write --" + name + "=" + args[i + 1] +
                                     " if the value really starts with '--'"));
        }
        value = args[++i];
      } else {
        return fail(usage_error(command_, "option '--" + name + "' needs a value (" +
                                              spec->metavar + ")"));
      }
      if (auto r = accept(*spec, value); !r) return fail(r.error());
      continue;
    }
    if (!positionals_) return fail(usage_error(command_, "unexpected argument '" + arg + "'"));
    positionals_->push_back(arg);
  }
  return true;
}

std::string ArgParser::help() const {
  std::string out = "Usage: mkata " + command_ + (specs_.empty() ? "" : " [options]") +
                    (positionals_ ? " " + positional_metavar_ : "") + "\n\n" + summary_ +
                    "\n\nOptions:\n";
  for (const auto& s : specs_) {
    std::string left = "  --" + s.name + (s.metavar.empty() ? "" : " " + s.metavar);
    if (left.size() < 28) left.resize(28, ' ');
    else left += "\n" + std::string(28, ' ');
    std::string text = s.help;
    if (!s.accepted.empty()) text += " (" + join(s.accepted, ", ") + ")";
    out += left + text + "\n";
  }
  out += "  --help                    show this help\n";
  return out;
}

Result<long> parse_number(const std::string& command, const std::string& option,
                          const std::string& text, long min, long max, const std::string& unit) {
  auto invalid = [&] {
    return fail(usage_error(command, "invalid value '" + text + "' for --" + option +
                                         " (accepted: " + std::to_string(min) + " to " +
                                         std::to_string(max) + " " + unit + ")"));
  };
  // Digits only: strtol would also take leading spaces, a sign and "0x".
  if (text.empty() || text.size() > 18) return invalid();
  long value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return invalid();
    value = value * 10 + (c - '0');
  }
  if (value < min || value > max) return invalid();
  return value;
}

}  // namespace mkata::cli
