// Release files in the real upstream layouts, built at test time: tar archives written with
// libarchive's writer (so the tests need no tar binary and can craft hostile entries that no
// tar tool would produce), Kata's kata-static layout with stand-in shell-script binaries and
// real-looking configuration files, and gVisor's separate binaries with their .sha512 files.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"

namespace mkata::artifacts::testing {

/// One archive entry.
struct TarEntry {
  enum class Type { kFile, kDirectory, kSymlink, kHardlink, kCharDevice, kFifo };
  std::string path;
  Type type = Type::kFile;
  std::string content;  ///< for files
  std::string link;     ///< for symlinks and hardlinks
  mode_t mode = 0644;
  uint64_t zeros = 0;  ///< for files: this many zero bytes after content (streamed, not held)
};

/// Entry makers (TarEntry is an aggregate; these keep test tables short).
TarEntry file_entry(const std::string& path, const std::string& content, mode_t mode = 0644);
TarEntry dir_entry(const std::string& path);
TarEntry symlink_entry(const std::string& path, const std::string& target);
TarEntry hardlink_entry(const std::string& path, const std::string& target);
TarEntry special_entry(const std::string& path, TarEntry::Type type);
/// A file of `size` zero bytes: what an archive bomb is made of (1 GiB compresses to ~150 KB).
TarEntry zeros_entry(const std::string& path, uint64_t size);

/// The compression of a written archive.
enum class Compression { kNone, kGzip, kXz, kZstd };

/// Writes a pax tar archive with the entries in order (mtime 0, owner 0:0).
Result<void> write_tar(const std::string& path, const std::vector<TarEntry>& entries,
                       Compression compression = Compression::kXz);

/// A stand-in executable: a shell script printing "<name> <version>" for --version.
std::string stand_in_binary(const std::string& name, const std::string& version);

/// The entries of kata-static-<version>-amd64.tar.xz: ./opt/kata/bin (shim, kata-runtime,
/// qemu-system-x86_64, cloud-hypervisor), share/defaults/kata-containers
/// (configuration-qemu.toml, configuration-clh.toml, configuration.toml → configuration-qemu.toml)
/// and share/kata-containers (a kernel and an image, each with its conventional symlink).
std::vector<TarEntry> kata_static_entries(const std::string& version = "3.2.0");

/// The configuration-qemu.toml of the stand-in release (paths under /opt/kata).
std::string kata_qemu_configuration();

/// Writes runsc, containerd-shim-runsc-v1 and their .sha512 files into dir.
Result<void> write_gvisor_release(const std::string& dir, const std::string& version);

}  // namespace mkata::artifacts::testing
