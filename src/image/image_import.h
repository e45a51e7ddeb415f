// Importing the image archives into a running containerd — the embedded node's private one,
// MicroK8s's (/var/snap/microk8s/common/run/containerd.sock), or any other socket — and proving
// they arrived. Implemented with containerd's own client, `ctr` (Debian's containerd package
// ships it next to the daemon, so its version matches), run from argv:
//   ctr --address SOCK -n NS images import [--snapshotter S] ARCHIVE
// ctr's default unpacks the layer into the snapshotter (overlayfs for CRI), which CRI needs
// before CreateContainer can use the image. Then `ctr images ls` must list every reference with
// the manifest digest we built: a "successful" import that created nothing (the failure mode of
// an index.json without io.containerd.image.name) is caught here, not at pod start.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "image/image_set.h"

namespace mkata::image {

/// MicroK8s's containerd socket (mentioned in help and docs).
inline constexpr char kMicroK8sContainerdSocket[] = "/var/snap/microk8s/common/run/containerd.sock";
/// The namespace CRI (kubelet, the embedded node) looks for images in.
inline constexpr char kCriNamespace[] = "k8s.io";

/// Where and how to import.
struct ImportOptions {
  std::string address;             ///< containerd's gRPC socket path
  std::string ns = kCriNamespace;  ///< containerd namespace
  std::string snapshotter;         ///< empty: containerd's default (overlayfs)
  std::string ctr = "ctr";         ///< the ctr program (name or path)
};

/// One image as containerd lists it after the import.
struct ImportedImage {
  std::string name;       ///< "helloworld"
  std::string reference;  ///< "mkata.local/helloworld:0.1.0"
  std::string digest;     ///< the manifest digest containerd reports (= BuiltImage's)
};

/// Imports every image and verifies each is listed with its manifest digest. Errors:
///   socket missing → "import images: containerd socket <path> not found: is containerd
///   running?" (environment, exit 2, with a MicroK8s hint);
///   ctr failing → "import images: import <archive>: ctr ...: exit 1: <ctr's last line>";
///   verification → "import images: <ref> is not listed in namespace <ns> after import" or
///   "... has digest X, expected Y".
Result<std::vector<ImportedImage>> import_images(const ImportOptions& options,
                                                 const std::vector<BuiltImage>& images);

/// Checks that address is a unix socket. Error: "containerd socket <path> not found: is
/// containerd running?" with a hint naming MicroK8s's socket.
Result<void> check_containerd_socket(const std::string& address);

/// Image references and their target digests from `ctr images ls` output (header skipped).
std::vector<std::pair<std::string, std::string>> parse_ctr_images_ls(const std::string& text);

}  // namespace mkata::image
