// Reloading a daemon that has no service manager: find the process that owns its socket and send
// it SIGHUP (dockerd reloads `runtimes` from daemon.json on SIGHUP, without restarting a
// container; measured with Debian's 20.10, see docs/targets.md).
//
// The process is found from the socket, never by its name: for a listening unix socket the kernel
// records the credentials of the process that called listen(), and a client connected to it reads
// them with SO_PEERCRED (unix(7)). Before the signal, /proc/<pid>/exe must name the expected
// program; the signal goes through a pidfd opened before that check, so a PID reused in between
// cannot receive it.
#pragma once

#include <sys/types.h>

#include <string>

#include "core/error.h"

namespace mkata::engine {

/// The PID of the process listening on the unix socket at `path` (SO_PEERCRED of a connection).
/// Errors (environment): "connect to <path>: <strerror>", "read the peer credentials of <path>:
/// <strerror>".
Result<pid_t> unix_socket_owner(const std::string& path);

/// The program a process runs: the file name of /proc/<pid>/exe (" (deleted)" dropped), else
/// /proc/<pid>/comm. Error: "PID <pid>: <strerror>".
Result<std::string> process_program(pid_t pid);

/// The PID of the process listening on `socket_path` when it runs `program`: what
/// sighup_socket_owner() checks, without the signal (for the checks made before a file is
/// written). Error (environment), e.g. "the process listening on /run/docker.sock is PID 42
/// (python3), not dockerd: mkata signals only dockerd".
Result<pid_t> check_socket_owner(const std::string& socket_path, const std::string& program);

/// Sends SIGHUP to the process listening on `socket_path` when it runs `program` (e.g.
/// "dockerd"); returns its PID. Errors: those of check_socket_owner(), or the signal's.
Result<pid_t> sighup_socket_owner(const std::string& socket_path, const std::string& program);

}  // namespace mkata::engine
