// main() of mkata-runsc-adapter (see runsc_adapter.h and docs/adapters.md): read the config,
// parse the shim's command line, run, and report a failure on stderr — the shim quotes it.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <fstream>

#include "adapters/adapter_config.h"
#include "adapters/adapter_system.h"
#include "adapters/runc_command_line.h"
#include "adapters/runsc_adapter.h"
#include "core/files.h"
#include "core/strings.h"

namespace {

int report(const mkata::Error& error) {
  std::fprintf(stderr, "mkata-runsc-adapter: %s\n", error.message().c_str());
  return 1;
}

void trace(const std::string& path, const std::string& text) {
  if (path.empty()) return;
  std::ofstream out(path, std::ios::app);
  out << std::time(nullptr) << " pid " << getpid() << ": " << text << "\n";
}

// runsc hands its stdio to the sandbox, which runs as nobody, and may chown those files to it:
// with the shim starting runsc directly, the host's /dev/null ended up owned by 65534:65534 (seen
// here; adapters_test checks the owner is unchanged after gVisor pods run through us). Give runsc
// private equivalents instead: an empty pipe for stdin (EOF at once), and for output a file
// beside the shim's log in the bundle directory, which containerd removes with the container.
void shield_host_null_stdio(const std::string& shim_log) {
  std::string dir = shim_log.empty() ? "" : shim_log.substr(0, shim_log.rfind('/'));
  for (int fd = 0; fd <= 2; ++fd) {
    struct stat st {};
    if (fstat(fd, &st) != 0 || !S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3)) continue;
    int replacement = -1;
    if (fd == 0) {
      int p[2];
      if (pipe2(p, O_CLOEXEC) == 0) {
        close(p[1]);
        replacement = p[0];
      }
    } else if (!dir.empty()) {
      replacement = open((dir + "/runsc-stdio.log").c_str(),
                         O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    }
    if (replacement < 0) continue;
    dup2(replacement, fd);  // dup2 clears O_CLOEXEC on the new descriptor
    close(replacement);
  }
}

}  // namespace

int main(int argc, char** argv) {
  using namespace mkata;
  using namespace mkata::adapters;
  std::vector<std::string> args(argv + 1, argv + argc);
  RunscAdapterConfig config;
  std::string file = find_config_file("MKATA_RUNSC_ADAPTER_CONFIG", argv[0]);
  if (!file.empty()) {
    auto text = read_file(file);
    if (!text) return report(text.error());
    auto parsed = runsc_config_from(*text, file);
    if (!parsed) return report(parsed.error());
    config = *parsed;
  }
  trace(config.trace, join(args, " "));
  auto line = parse_runc_command_line(args);
  if (!line) return report(line.error());
  bool spawns_sandbox = line->command == "create" || line->command == "run" ||
                        line->command == "start";
  if (spawns_sandbox) shield_host_null_stdio(line->log);
  RealAdapterSystem system;
  auto code = run_runsc_adapter(config, *line, system);
  trace(config.trace, line->command + " " + line->container_id() + " -> " +
                          (code ? std::to_string(*code) : code.error().message()));
  if (!code) return report(code.error());
  return *code;
}
