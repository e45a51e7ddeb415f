// Ctrl-C handling. Long operations (validate, node up) must tear down what they created when the
// user interrupts, so SIGINT/SIGTERM only set a flag; loops poll interrupted() and unwind through
// their normal cleanup paths, and main() then exits 130.
#pragma once

namespace mkata {

/// Installs SIGINT/SIGTERM handlers that set the flag (idempotent).
void install_interrupt_handlers();

/// True once SIGINT or SIGTERM has arrived.
bool interrupted();

/// Sets the flag as a signal would (for tests and for internal cancellation).
void request_interrupt();

}  // namespace mkata
