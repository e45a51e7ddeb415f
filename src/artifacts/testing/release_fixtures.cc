// See release_fixtures.h.
#include "artifacts/testing/release_fixtures.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <algorithm>
#include <cstdint>
#include <memory>

#include "artifacts/checksum.h"
#include "core/files.h"

namespace mkata::artifacts::testing {
namespace {

using Writer = std::unique_ptr<struct archive, decltype(&archive_write_free)>;
using Entry = std::unique_ptr<struct archive_entry, decltype(&archive_entry_free)>;

void add_filter(struct archive* a, Compression compression) {
  switch (compression) {
    case Compression::kNone:
      break;
    case Compression::kGzip:
      archive_write_add_filter_gzip(a);
      break;
    case Compression::kXz:
      archive_write_add_filter_xz(a);
      archive_write_set_filter_option(a, "xz", "compression-level", "1");  // fast tests
      break;
    case Compression::kZstd:
      archive_write_add_filter_zstd(a);
      break;
  }
}

void describe(struct archive_entry* e, const TarEntry& t) {
  archive_entry_set_pathname(e, t.path.c_str());
  archive_entry_set_perm(e, t.mode);
  archive_entry_set_uid(e, 0);
  archive_entry_set_gid(e, 0);
  archive_entry_set_mtime(e, 0, 0);
  switch (t.type) {
    case TarEntry::Type::kFile:
      archive_entry_set_filetype(e, AE_IFREG);
      archive_entry_set_size(e, static_cast<la_int64_t>(t.content.size() + t.zeros));
      break;
    case TarEntry::Type::kDirectory:
      archive_entry_set_filetype(e, AE_IFDIR);
      break;
    case TarEntry::Type::kSymlink:
      archive_entry_set_filetype(e, AE_IFLNK);
      archive_entry_set_symlink(e, t.link.c_str());
      break;
    case TarEntry::Type::kHardlink:
      archive_entry_set_filetype(e, AE_IFREG);
      archive_entry_set_hardlink(e, t.link.c_str());
      break;
    case TarEntry::Type::kCharDevice:
      archive_entry_set_filetype(e, AE_IFCHR);
      archive_entry_set_rdev(e, makedev(1, 3));
      break;
    case TarEntry::Type::kFifo:
      archive_entry_set_filetype(e, AE_IFIFO);
      break;
  }
}

// Incompressible bytes, so that the archive has a realistic size for drop-and-resume tests.
std::string noise(size_t size, uint32_t seed) {
  std::string out(size, '\0');
  for (char& c : out) {
    seed = seed * 1664525u + 1013904223u;
    c = static_cast<char>(seed >> 24);
  }
  return out;
}

TarEntry dir(const std::string& path) { return dir_entry(path); }
TarEntry exe(const std::string& path, const std::string& content) {
  return file_entry(path, content, 0755);
}
TarEntry file(const std::string& path, const std::string& content) {
  return file_entry(path, content);
}
TarEntry link(const std::string& path, const std::string& target) {
  return symlink_entry(path, target);
}

}  // namespace

TarEntry file_entry(const std::string& path, const std::string& content, mode_t mode) {
  return {path, TarEntry::Type::kFile, content, "", mode};
}
TarEntry dir_entry(const std::string& path) {
  return {path, TarEntry::Type::kDirectory, "", "", 0755};
}
TarEntry symlink_entry(const std::string& path, const std::string& target) {
  return {path, TarEntry::Type::kSymlink, "", target, 0777};
}
TarEntry hardlink_entry(const std::string& path, const std::string& target) {
  return {path, TarEntry::Type::kHardlink, "", target, 0644};
}
TarEntry special_entry(const std::string& path, TarEntry::Type type) {
  return {path, type, "", "", 0644};
}

TarEntry zeros_entry(const std::string& path, uint64_t size) {
  return {path, TarEntry::Type::kFile, "", "", 0644, size};
}

Result<void> write_tar(const std::string& path, const std::vector<TarEntry>& entries,
                       Compression compression) {
  Writer a(archive_write_new(), &archive_write_free);
  add_filter(a.get(), compression);
  archive_write_set_format_pax_restricted(a.get());
  // Names as raw bytes, not translated from the locale: hostile tests need names that are not
  // UTF-8, which a translating writer refuses.
  archive_write_set_format_option(a.get(), "pax", "hdrcharset", "BINARY");
  if (archive_write_open_filename(a.get(), path.c_str()) != ARCHIVE_OK) {
    return fail(Error("write " + path + ": " + archive_error_string(a.get())));
  }
  for (const auto& t : entries) {
    Entry e(archive_entry_new(), &archive_entry_free);
    describe(e.get(), t);
    if (archive_write_header(a.get(), e.get()) != ARCHIVE_OK) {
      return fail(Error("write " + path + ": " + t.path + ": " + archive_error_string(a.get())));
    }
    if (t.type == TarEntry::Type::kFile && !t.content.empty()) {
      archive_write_data(a.get(), t.content.data(), t.content.size());
    }
    static const std::string kZeros(1 << 20, '\0');
    for (uint64_t left = t.zeros; left > 0;) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(left, kZeros.size()));
      if (archive_write_data(a.get(), kZeros.data(), n) < 0) {
        return fail(Error("write " + path + ": " + t.path + ": " + archive_error_string(a.get())));
      }
      left -= n;
    }
  }
  if (archive_write_close(a.get()) != ARCHIVE_OK) {
    return fail(Error("write " + path + ": " + archive_error_string(a.get())));
  }
  return {};
}

std::string stand_in_binary(const std::string& name, const std::string& version) {
  return "#!/bin/sh\n# stand-in for " + name + " in mkata's tests\necho '" + name + " version " +
         version + "'\n";
}

std::string kata_qemu_configuration() {
  return R"(# Copyright (c) 2017-2023 Intel Corporation (stand-in for mkata's tests)
# SPDX-License-Identifier: Apache-2.0

[hypervisor.qemu]
path = "/opt/kata/bin/qemu-system-x86_64"
kernel = "/opt/kata/share/kata-containers/vmlinux.container"
image = "/opt/kata/share/kata-containers/kata-containers.img"
machine_type = "q35"
enable_annotations = ["enable_iommu"]
valid_hypervisor_paths = ["/opt/kata/bin/qemu-system-x86_64"]
kernel_params = ""
default_vcpus = 1
default_memory = 2048
shared_fs = "virtio-fs"
virtio_fs_daemon = "/opt/kata/libexec/virtiofsd"

[agent.kata]
dial_timeout = 45

[runtime]
internetworking_model = "tcfilter"
disable_guest_seccomp = true
sandbox_cgroup_only = false
)";
}

std::vector<TarEntry> kata_static_entries(const std::string& version) {
  std::string clh = kata_qemu_configuration();
  clh.replace(clh.find("[hypervisor.qemu]"), 17, "[hypervisor.clh]");
  return {
      dir("./"),
      dir("./opt/"),
      dir("./opt/kata/"),
      dir("./opt/kata/bin/"),
      exe("./opt/kata/bin/containerd-shim-kata-v2",
          stand_in_binary("containerd-shim-kata-v2", version)),
      exe("./opt/kata/bin/kata-runtime", stand_in_binary("kata-runtime", version)),
      exe("./opt/kata/bin/kata-collect-data.sh", stand_in_binary("kata-collect-data", version)),
      exe("./opt/kata/bin/qemu-system-x86_64", stand_in_binary("qemu-system-x86_64", "8.0.2")),
      exe("./opt/kata/bin/cloud-hypervisor", stand_in_binary("cloud-hypervisor", "v32.0")),
      dir("./opt/kata/share/"),
      dir("./opt/kata/share/defaults/"),
      dir("./opt/kata/share/defaults/kata-containers/"),
      file("./opt/kata/share/defaults/kata-containers/configuration-qemu.toml",
           kata_qemu_configuration()),
      file("./opt/kata/share/defaults/kata-containers/configuration-clh.toml", clh),
      link("./opt/kata/share/defaults/kata-containers/configuration.toml",
           "configuration-qemu.toml"),
      dir("./opt/kata/share/kata-containers/"),
      file("./opt/kata/share/kata-containers/vmlinux-6.1.38-117",
           noise(64 * 1024, 1) + "stand-in guest kernel"),
      link("./opt/kata/share/kata-containers/vmlinux.container", "vmlinux-6.1.38-117"),
      file("./opt/kata/share/kata-containers/kata-ubuntu-latest.image",
           noise(96 * 1024, 2) + "stand-in guest image"),
      link("./opt/kata/share/kata-containers/kata-containers.img", "kata-ubuntu-latest.image"),
  };
}

Result<void> write_gvisor_release(const std::string& dir, const std::string& version) {
  for (const char* name : {"runsc", "containerd-shim-runsc-v1"}) {
    std::string body = stand_in_binary(name, version);
    std::string path = dir + "/" + name;
    if (auto w = write_file_atomic(path, body, 0755); !w) return w;
    std::string sum = digest_hex(body, DigestAlgorithm::kSha512) + "  " + name + "\n";
    if (auto w = write_file_atomic(path + ".sha512", sum, 0644); !w) return w;
  }
  return {};
}

}  // namespace mkata::artifacts::testing
