// Errors are values: every fallible function returns Result<T> = std::expected<T, Error>.
// An Error carries a one-line message built from the innermost cause outwards (crun's
// crun_error_wrap): each layer prefixes what it was doing, so the user reads
// "install kata: write /etc/containerd/config.toml: Permission denied". The kind decides the exit
// code that main() chooses; nothing below main() prints or exits.
#pragma once

#include <expected>
#include <functional>
#include <string>
#include <utility>

namespace mkata {

/// What went wrong, in terms of the exit code the user sees (PRODUCT.md: 1 = a check or
/// validation failed, 2 = usage or environment error, 130 = interrupted).
enum class ErrorKind {
  kEnvironment,  ///< the host, a file, a process or a service failed (exit 2)
  kUsage,        ///< the user's input is wrong (exit 2)
  kCheckFailed,  ///< a check or validation ran and found a failure (exit 1)
  kInterrupted,  ///< SIGINT/SIGTERM arrived (exit 130)
};

/// A failure with its context chain and an optional hint ("try: ...") for the user.
class Error {
 public:
  explicit Error(std::string message, ErrorKind kind = ErrorKind::kEnvironment)
      : message_(std::move(message)), kind_(kind) {}

  /// Usage error: names the input, the value and what is accepted.
  static Error usage(std::string message) { return Error(std::move(message), ErrorKind::kUsage); }

  /// Error from errno: "<what>: <strerror(errnum)>".
  static Error from_errno(const std::string& what, int errnum);

  /// Returns a copy whose message is "<context>: <message>" (hint and kind are kept).
  [[nodiscard]] Error wrap(const std::string& context) const;

  /// Returns a copy with a hint shown on its own line after the error.
  [[nodiscard]] Error with_hint(std::string hint) const;

  const std::string& message() const { return message_; }
  const std::string& hint() const { return hint_; }
  ErrorKind kind() const { return kind_; }

 private:
  std::string message_;
  std::string hint_;
  ErrorKind kind_;
};

template <typename T>
using Result = std::expected<T, Error>;

/// Shorthand for returning an error: `return fail("bad value");`.
inline std::unexpected<Error> fail(std::string message,
                                   ErrorKind kind = ErrorKind::kEnvironment) {
  return std::unexpected(Error(std::move(message), kind));
}
inline std::unexpected<Error> fail(Error error) { return std::unexpected(std::move(error)); }

/// Process exit codes (PRODUCT.md, Commands).
enum ExitCode : int {
  kExitOk = 0,
  kExitCheckFailed = 1,
  kExitUsage = 2,
  kExitInterrupted = 130,
};

/// The exit code for an error of this kind.
int exit_code_for(const Error& error);

/// Runs fn and turns an exception that escapes it into an Error: "internal error: <what()>"
/// (std::bad_alloc included), "internal error: unknown exception" for anything else. Our code
/// throws nothing across module boundaries; this is main()'s last line of defence, so that a
/// missed throw is one clear error line and exit 2, never std::terminate (exit 134).
Result<int> run_catching_exceptions(const std::function<Result<int>()>& fn);

}  // namespace mkata
