// The CRI side of the read-back (see handler_readback.h): Version and verbose Status over the
// project's CRI client, retried until containerd answers — after a restart the socket appears,
// then the CRI plugin starts serving a moment later.
#include <thread>

#include "core/files.h"
#include "core/strings.h"
#include "cri/cri_client.h"
#include "node/handler_readback.h"

namespace mkata::node {

Result<LoadedRuntimes> read_loaded_runtimes(const std::string& address,
                                            std::chrono::milliseconds wait) {
  std::string path = starts_with(address, "unix://") ? address.substr(7) : address;
  auto deadline = std::chrono::steady_clock::now() + wait;
  std::string last_error;
  do {
    if (path_exists(path)) {
      auto client = cri::CriClient::connect(path, std::chrono::seconds(2));
      Result<LoadedRuntimes> loaded = client ? Result<LoadedRuntimes>(LoadedRuntimes{})
                                             : Result<LoadedRuntimes>(fail(client.error()));
      if (loaded) {
        auto version = client->version();
        auto handlers = version ? client->loaded_runtime_handlers()
                                : Result<std::map<std::string, std::string>>(fail(version.error()));
        if (handlers) {
          loaded->containerd_version = version->runtime_version;
          loaded->handlers = *handlers;
          return loaded;
        }
        last_error = handlers.error().message();
      } else {
        last_error = loaded.error().message();
      }
    } else {
      last_error = "no such socket";
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  } while (std::chrono::steady_clock::now() < deadline);
  if (last_error == "no such socket") {
    return fail(Error("containerd is not running at " + path + " (no such socket)"));
  }
  return fail(Error("containerd at " + path + " does not answer CRI: " + last_error));
}

}  // namespace mkata::node
