// The CRI side of the read-back (see handler_readback.h): Version and verbose Status over the
// project's CRI client, retried until containerd answers — after a restart the socket appears
// first, and the CRI plugin serves a moment later.
#include <thread>

#include "core/files.h"
#include "core/strings.h"
#include "cri/cri_client.h"
#include "node/handler_readback.h"

namespace mkata::node {

namespace {

Result<LoadedRuntimes> read_once(const std::string& path) {
  auto client = cri::CriClient::connect(path, std::chrono::seconds(2));
  if (!client) return fail(client.error());
  auto version = client->version();
  if (!version) return fail(version.error());
  auto handlers = client->loaded_runtime_handlers();
  if (!handlers) return fail(handlers.error());
  return LoadedRuntimes{version->runtime_version, *handlers};
}

}  // namespace

Result<LoadedRuntimes> read_loaded_runtimes(const std::string& address,
                                            std::chrono::milliseconds wait) {
  std::string path = starts_with(address, "unix://") ? address.substr(7) : address;
  auto deadline = std::chrono::steady_clock::now() + wait;
  std::optional<Error> last;
  do {
    if (path_exists(path)) {
      auto loaded = read_once(path);
      if (loaded) return loaded;
      last = loaded.error();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  } while (std::chrono::steady_clock::now() < deadline);
  if (!last) return fail(Error("containerd is not running at " + path + " (no such socket)"));
  return fail(Error("containerd at " + path + " does not answer CRI: " + last->message()));
}

}  // namespace mkata::node
