// How an engine is made to read its new configuration, and how mkata proves it did — the pure
// decisions, kept apart from the OS so that each is unit tested with exact texts.
//
// Docker: `--restart-command` when given; systemd as PID 1 → `systemctl reload docker`
// (docker.service's ExecReload sends dockerd SIGHUP: no container is restarted); otherwise SIGHUP
// straight to the dockerd that owns the socket (engine/daemon_signal.h). dockerd reloads
// `runtimes` on SIGHUP (measured with 20.10, docs/targets.md). Then the read-back compares each
// runtime /info lists with the path or runtimeType mkata wrote, never only its name: Engine 20.10
// lists a `runtimeType` entry by name as {"path": ""} and cannot run it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "engine/docker_api.h"

namespace mkata::node {

/// --restart-command "CMD ARG...": split on spaces into argv, run without a shell. Error (usage):
/// "--restart-command '': give a command and its arguments, e.g. --restart-command
/// 'rc-service docker reload'".
Result<std::vector<std::string>> parse_restart_command(const std::string& text);

/// Whether systemd is PID 1 under `root`: /run/systemd/system exists (sd_booted(3)).
bool systemd_is_init(const std::string& root);

/// How dockerd is made to reload daemon.json.
struct DockerReload {
  std::vector<std::string> argv;  ///< the command to run; empty: SIGHUP to the socket's dockerd
  std::string why;                ///< for the note: "--restart-command", "systemd is PID 1", ...
};

/// The reload for this host: the user's command, else `systemctl reload docker` under systemd,
/// else SIGHUP.
DockerReload choose_docker_reload(const std::vector<std::string>& restart_command,
                                  bool systemd_init);

/// A runtime as /info shows it, in daemon.json's spelling: {"path":"/usr/bin/crun"},
/// {"runtimeType":"io.containerd.kata.v2"}; {"path":""} for an entry the Engine dropped.
std::string docker_runtime_text(const engine::DockerRuntime& runtime);

/// What mkata wrote for one runtime.
struct WrittenRuntime {
  std::string name;
  engine::DockerRuntime entry;
};

/// Refuses what this Engine would list and ignore: a runtimeType entry (kata) needs Engine 24.0.
/// Error (environment): "--engine docker: kata needs Docker Engine 24.0 or later for a runtimeType
/// entry in daemon.json; this Docker is 20.10.24+dfsg1, which would list it and ignore it (Engine
/// 23.0 runs the shim without configuration: docker run --runtime io.containerd.kata.v2)".
Result<void> check_docker_accepts(const engine::DockerInfo& info,
                                  const std::vector<WrittenRuntime>& runtimes);

/// The runtimeType entries /info lists by name only: Docker 24.0+ (measured: 28.5.2) shows a
/// runtimeType entry as `{}` — neither its type nor its options — and refuses an entry with
/// neither a path nor a runtimeType, so that listing is what a loaded shim runtime looks like.
/// docker_listing_error accepts it; the read-back says which runtimes were matched so.
std::vector<std::string> docker_types_not_shown(const engine::DockerInfo& info,
                                                const std::vector<WrittenRuntime>& runtimes);

/// The read-back after install: nullopt when /info lists every runtime exactly as written (a
/// runtimeType entry: with that type, or on Engine 24.0+ without a path, as it lists them), else
/// the check failure (kCheckFailed) for the first that is not, e.g. "Docker lists the runtime
/// 'kata' as {"path":""} after the reload, not {"runtimeType":"io.containerd.kata.v2"}: this
/// Engine ignores runtimeType". `config` is the file written (named in the hint).
std::optional<Error> docker_listing_error(const engine::DockerInfo& info,
                                          const std::vector<WrittenRuntime>& runtimes,
                                          const std::string& config);

/// The read-back after uninstall: nullopt when no removed name is listed, else the check failure
/// "Docker still lists the runtime 'crun' after the reload: only a full restart of dockerd drops
/// it (<config> no longer defines it)".
std::optional<Error> docker_removal_error(const engine::DockerInfo& info,
                                          const std::vector<std::string>& removed,
                                          const std::string& config);

}  // namespace mkata::node
