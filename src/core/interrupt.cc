// A lock-free flag set from the signal handler; nothing else is safe there.
#include "core/interrupt.h"

#include <signal.h>

#include <atomic>

namespace mkata {
namespace {
std::atomic<bool> g_interrupted{false};
void on_signal(int) { g_interrupted.store(true); }
}  // namespace

void install_interrupt_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

bool interrupted() { return g_interrupted.load(); }

void request_interrupt() { g_interrupted.store(true); }

}  // namespace mkata
