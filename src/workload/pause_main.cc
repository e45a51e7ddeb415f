// pause: the pod sandbox's first process (PRODUCT.md, Workloads). It holds the pod's namespaces
// open, reaps children that get re-parented to it (it is PID 1 of a shared PID namespace), and
// exits 0 on SIGTERM or SIGINT. No threads, no C++ library: the smallest static binary we can
// make. The signals are blocked and taken with sigwaitinfo, which works for PID 1 (a PID 1 would
// ignore them at their default action).
#include <signal.h>
#include <sys/wait.h>

#include <cstdio>

int main() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGCHLD);
  sigprocmask(SIG_BLOCK, &signals, nullptr);
  // A handler as well, so no disposition is SIG_DFL (which the kernel drops for a PID 1 whenever
  // the signal is not blocked); it never runs while the signals stay blocked.
  struct sigaction action {};
  action.sa_handler = [](int) {};
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
  while (waitpid(-1, nullptr, WNOHANG) > 0) {  // children that exited before the mask was set
  }
  while (true) {
    int signal_number = sigwaitinfo(&signals, nullptr);
    if (signal_number == SIGTERM || signal_number == SIGINT) {
      std::fprintf(stderr, "pause: %s: exiting\n", signal_number == SIGTERM ? "SIGTERM" : "SIGINT");
      return 0;
    }
    if (signal_number == SIGCHLD) {
      while (waitpid(-1, nullptr, WNOHANG) > 0) {
      }
    }
  }
}
