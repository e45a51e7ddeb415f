// main() of mkata-crun-adapter (see crun_adapter.h and docs/adapters.md).
#include <cstdio>

#include "adapters/adapter_config.h"
#include "adapters/adapter_system.h"
#include "adapters/crun_adapter.h"
#include "core/files.h"

int main(int argc, char** argv) {
  using namespace mkata;
  using namespace mkata::adapters;
  CrunAdapterConfig config;
  std::string file = find_config_file("MKATA_CRUN_ADAPTER_CONFIG", argv[0]);
  auto report = [](const Error& error) {
    std::fprintf(stderr, "mkata-crun-adapter: %s\n", error.message().c_str());
    return 1;
  };
  if (!file.empty()) {
    auto text = read_file(file);
    if (!text) return report(text.error());
    auto parsed = crun_config_from(*text, file);
    if (!parsed) return report(parsed.error());
    config = *parsed;
  }
  RealAdapterSystem system;
  return report(run_crun_adapter(config, std::vector<std::string>(argv + 1, argv + argc), system));
}
