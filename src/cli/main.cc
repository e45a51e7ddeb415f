// mkata: the story of the program. Install the Ctrl-C handler, find the command, run it, print
// its error (if any) in the one house format, and exit with the code it earned.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "core/interrupt.h"
#include "core/utf8.h"
#include "revision.h"

namespace {

struct Command {
  const char* name;
  const char* summary;
  mkata::Result<int> (*run)(const mkata::cli::CommandArgs&);
};

constexpr Command kCommands[] = {
    {"check", "host preflight for runc, crun, gvisor and kata", mkata::cli::check_command},
    {"install", "register runtime handlers in containerd and prove they loaded",
     mkata::cli::install_command},
    {"uninstall", "remove exactly what install added", mkata::cli::uninstall_command},
    {"images", "build or import the sample workload images", mkata::cli::images_command},
    {"node", "the embedded node: up, down, status", mkata::cli::node_command},
    {"validate", "run the workloads under every runtime and prove the isolation",
     mkata::cli::validate_command},
    {"manifests", "print the Kubernetes objects validate --target kube applies",
     mkata::cli::manifests_command},
    {"report", "render a stored validate report (FILE.json): markdown|json|html|junit|github",
     mkata::cli::report_command},
};

void print_usage(FILE* out) {
  std::fprintf(out,
               "Usage: mkata <command> [options]\n\n"
               "Sandboxed container runtimes (Kata Containers, gVisor) next to runc, proven.\n\n"
               "Commands:\n");
  for (const auto& c : kCommands) std::fprintf(out, "  %-11s %s\n", c.name, c.summary);
  std::fprintf(out,
               "\nOptions:\n"
               "  --help      show this help\n"
               "  --version   print mkata's version\n"
               "\nRun 'mkata <command> --help' for a command's options.\n");
}

}  // namespace

int main(int argc, char** argv) {
  mkata::install_interrupt_handlers();
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") ||
      !std::strcmp(argv[1], "help")) {
    print_usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? mkata::kExitUsage : mkata::kExitOk;
  }
  if (!std::strcmp(argv[1], "--version") || !std::strcmp(argv[1], "version")) {
    std::printf("mkata %s (git %s)\n", MKATA_VERSION, MKATA_REVISION);
    return mkata::kExitOk;
  }
  std::string name = argv[1];
  std::vector<std::string> args(argv + 2, argv + argc);
  for (const auto& c : kCommands) {
    if (name != c.name) continue;
    // Nothing below main() should throw; if something does, it is one error line, not abort.
    auto result = mkata::run_catching_exceptions([&] { return c.run(args); });
    if (result) return mkata::interrupted() ? mkata::kExitInterrupted : *result;
    std::fflush(stdout);
    // One line each, whatever the values they echo hold.
    std::fprintf(stderr, "mkata: error: %s\n",
                 mkata::printable(result.error().message()).c_str());
    if (!result.error().hint().empty()) {
      std::fprintf(stderr, "hint: %s\n", mkata::printable(result.error().hint()).c_str());
    }
    return mkata::exit_code_for(result.error());
  }
  std::fprintf(stderr,
               "mkata: error: unknown command '%s' (accepted: check, install, uninstall, "
               "images, node, validate, manifests, report)\nhint: see 'mkata --help'\n",
               mkata::printable(name).c_str());
  return mkata::kExitUsage;
}
