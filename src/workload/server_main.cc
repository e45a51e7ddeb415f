// The shared main() of the workload servers. stderr carries one line at start and one at stop:
// container logs then show the port, the thread count and why the server stopped.
#include "workload/server_main.h"

#include <sched.h>
#include <signal.h>
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>

#include "workload/query.h"

namespace mkata::workload {

bool env_number(const char* name, std::uint64_t min, std::uint64_t max, std::uint64_t fallback,
                std::uint64_t& value, std::string& error) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') {
    value = fallback;
    return true;
  }
  if (parse_decimal(text, max, value) && value >= min) return true;
  error = std::string("invalid ") + name + " " + quote_value(text) +
          ": expected a whole number from " + std::to_string(min) + " to " + std::to_string(max);
  return false;
}

unsigned usable_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) return 1;
  int count = CPU_COUNT(&set);
  return count > 0 ? static_cast<unsigned>(count) : 1;
}

bool server_options_from_env(ServerOptions& options, std::string& error) {
  std::uint64_t port = 0, threads = 0;
  if (!env_number("PORT", 1, 65535, 8080, port, error)) return false;
  if (!env_number("WORKLOAD_THREADS", 1, 256, usable_cpus(), threads, error)) return false;
  options.port = static_cast<std::uint16_t>(port);
  options.threads = static_cast<unsigned>(threads);
  if (const char* address = std::getenv("WORKLOAD_LISTEN_ADDRESS"); address && *address)
    options.address = address;
  return true;
}

int usage_error(const char* name, const std::string& message) {
  std::fprintf(stderr, "%s: error: %s\n", name, message.c_str());
  return 2;
}

int run_workload_server(const char* name, ServerOptions options) {
  std::string error;
  if (!server_options_from_env(options, error)) return usage_error(name, error);

  // Block before any thread exists so every thread inherits the mask and only sigwait sees them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  // A handler as well, so the disposition is never SIG_DFL, which the kernel drops for a PID 1
  // whenever the signal is not blocked. It never runs: the signals stay blocked in every thread.
  struct sigaction action {};
  action.sa_handler = [](int) {};
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
  signal(SIGPIPE, SIG_IGN);

  const unsigned threads = options.threads;
  // Many concurrent connections need descriptors: use the hard limit, not the (often 1024) soft.
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }
  HttpServer server(std::move(options));
  if (error = server.start(); !error.empty()) return usage_error(name, error);
  std::fprintf(stderr, "%s: listening on port %u with %u threads\n", name, server.port(), threads);

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  std::fprintf(stderr, "%s: %s: finishing requests in flight\n", name,
               signal_number == SIGTERM ? "SIGTERM" : "SIGINT");
  server.shutdown();
  std::fprintf(stderr, "%s: stopped\n", name);
  return 0;
}

}  // namespace mkata::workload
