// Progress for people: "which runtime, which phase" on a terminal, silent when stderr is not a
// TTY (CI logs, pipes) unless forced. Output goes to stderr so stdout stays clean for --json.
#pragma once

#include <string>

namespace mkata {

/// Reports progress lines on stderr.
class Progress {
 public:
  /// Enabled when stderr is a terminal (or when force is true).
  explicit Progress(bool force = false);
  /// Prints "==> <step>" (a new step).
  void step(const std::string& text);
  /// Prints "    <detail>" under the current step.
  void detail(const std::string& text);
  bool enabled() const { return enabled_; }

 private:
  bool enabled_;
};

}  // namespace mkata
