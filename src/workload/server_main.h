// What every workload server's main() does, in one place: read the environment ($PORT,
// WORKLOAD_THREADS, WORKLOAD_LISTEN_ADDRESS), start the server, wait for SIGTERM or SIGINT, then
// shut down gracefully. Written for PID 1 in a container: the signals are blocked and taken with
// sigwait (a PID 1 ignores signals left at their default action), SIGPIPE is ignored.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "workload/http_server.h"

namespace mkata::workload {

/// Reads an environment variable as a decimal whole number in [min, max]; unset or empty gives
/// fallback. Returns false with error "invalid NAME "value": expected a whole number from min
/// to max" otherwise.
bool env_number(const char* name, std::uint64_t min, std::uint64_t max, std::uint64_t fallback,
                std::uint64_t& value, std::string& error);

/// The number of CPUs this process may run on (its affinity mask), at least 1.
unsigned usable_cpus();

/// Fills address, port and threads of options from the environment; false with error if invalid.
bool server_options_from_env(ServerOptions& options, std::string& error);

/// Runs a workload server until SIGTERM/SIGINT and returns main()'s exit code: 0 after a
/// graceful stop, 2 for a bad environment or a port that cannot be bound (one line on stderr,
/// "<name>: error: ..."). options.handle (and blocking) must be set.
int run_workload_server(const char* name, ServerOptions options);

/// Prints "<name>: error: <message>" to stderr and returns 2.
int usage_error(const char* name, const std::string& message);

}  // namespace mkata::workload
