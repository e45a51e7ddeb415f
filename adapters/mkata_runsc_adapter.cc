// main() of mkata-runsc-adapter (see runsc_adapter.h and docs/adapters.md): read the config,
// parse the shim's command line, run, and report a failure on stderr — the shim quotes it.
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
  RealAdapterSystem system;
  auto code = run_runsc_adapter(config, *line, system);
  trace(config.trace, line->command + " " + line->container_id() + " -> " +
                          (code ? std::to_string(*code) : code.error().message()));
  if (!code) return report(code.error());
  return *code;
}
