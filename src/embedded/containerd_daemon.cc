// See containerd_daemon.h. containerd 1.6 takes --root/--state/--address on its command line;
// the ttrpc socket follows the gRPC address unless the config sets it, so the generated config
// sets both explicitly.
#include "embedded/containerd_daemon.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <thread>

#include "core/files.h"
#include "core/strings.h"

namespace mkata {

ContainerdPaths ContainerdPaths::under(const std::string& state_dir) {
  ContainerdPaths p;
  p.state_dir = state_dir;
  p.root = state_dir + "/root";
  p.state = state_dir + "/state";
  p.address = state_dir + "/containerd.sock";
  p.ttrpc_address = state_dir + "/containerd.sock.ttrpc";
  p.opt = state_dir + "/opt";
  p.config = state_dir + "/config.toml";
  p.log = state_dir + "/containerd.log";
  return p;
}

std::string private_containerd_config(const ContainerdPaths& p, int schema) {
  // clang-format off
  return "version = " + std::to_string(schema) + "\n"
         "root = \"" + p.root + "\"\n"
         "state = \"" + p.state + "\"\n\n"
         "[grpc]\n  address = \"" + p.address + "\"\n\n"
         "[ttrpc]\n  address = \"" + p.ttrpc_address + "\"\n\n"
         "[plugins.\"io.containerd.internal.v1.opt\"]\n  path = \"" + p.opt + "\"\n\n";
  // clang-format on
}

bool wait_for_unix_socket(const std::string& path, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) return false;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  while (std::chrono::steady_clock::now() < deadline) {
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0) {
      bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
      close(fd);
      if (ok) return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

std::string tail_of_file(const std::string& path, size_t lines) {
  auto text = read_file(path);
  if (!text) return "";
  auto all = split(trim(*text), '\n');
  size_t from = all.size() > lines ? all.size() - lines : 0;
  return join(std::vector<std::string>(all.begin() + static_cast<long>(from), all.end()), "\n");
}

Result<ContainerdDaemon> ContainerdDaemon::start(const ContainerdOptions& options) {
  if (options.state_dir.empty()) return fail("start containerd: no state directory given");
  ContainerdPaths paths = ContainerdPaths::under(options.state_dir);
  auto context = [&](const Error& e) { return e.wrap("start containerd in " + paths.state_dir); };
  if (auto r = make_directories(paths.state_dir); !r) return fail(context(r.error()));
  std::string config =
      options.config_toml.empty() ? private_containerd_config(paths) : options.config_toml;
  if (auto r = write_file_atomic(paths.config, config, 0600); !r) return fail(context(r.error()));
  // A socket left by a crashed instance would make the readiness probe lie.
  unlink(paths.address.c_str());
  unlink(paths.ttrpc_address.c_str());

  SpawnOptions spawn_options;
  spawn_options.stdout_path = paths.log;
  spawn_options.cgroup_procs = options.cgroup_procs;
  spawn_options.env = options.env;
  auto child = spawn({options.binary, "--config", paths.config, "--root", paths.root, "--state",
                      paths.state, "--address", paths.address, "--log-level", options.log_level},
                     spawn_options);
  if (!child) return fail(context(child.error()));
  ContainerdDaemon daemon(paths, std::move(*child));
  auto deadline = std::chrono::steady_clock::now() + options.start_timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!daemon.process_.running()) {
      return fail(context(Error("containerd exited during start-up: " +
                                tail_of_file(paths.log, 3))));
    }
    if (wait_for_unix_socket(paths.address, std::chrono::milliseconds(100))) return daemon;
  }
  daemon.stop();
  return fail(context(Error("socket " + paths.address + " not ready after " +
                            std::to_string(options.start_timeout.count()) + " ms: " +
                            tail_of_file(paths.log, 3))));
}

ContainerdDaemon::~ContainerdDaemon() { stop(); }

void ContainerdDaemon::stop(std::chrono::milliseconds grace) {
  if (!process_.valid()) return;
  process_.stop(grace);
  process_ = ChildProcess();
}

pid_t ContainerdDaemon::detach() {
  pid_t pid = process_.pid();
  process_ = ChildProcess();
  return pid;
}

}  // namespace mkata
