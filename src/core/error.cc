// Error construction and the kind → exit code mapping.
#include "core/error.h"

#include <cstring>
#include <exception>

namespace mkata {

Error Error::from_errno(const std::string& what, int errnum) {
  return Error(what + ": " + std::strerror(errnum));
}

Error Error::wrap(const std::string& context) const {
  Error copy = *this;
  copy.message_ = context + ": " + message_;
  return copy;
}

Error Error::with_hint(std::string hint) const {
  Error copy = *this;
  copy.hint_ = std::move(hint);
  return copy;
}

int exit_code_for(const Error& error) {
  switch (error.kind()) {
    case ErrorKind::kCheckFailed:
      return kExitCheckFailed;
    case ErrorKind::kInterrupted:
      return kExitInterrupted;
    case ErrorKind::kUsage:
    case ErrorKind::kEnvironment:
      return kExitUsage;
  }
  return kExitUsage;
}

Result<int> run_catching_exceptions(const std::function<Result<int>()>& fn) {
  try {
    return fn();
  } catch (const std::exception& e) {
    return fail(Error(std::string("internal error: ") + e.what()));
  } catch (...) {
    return fail(Error("internal error: unknown exception"));
  }
}

}  // namespace mkata
