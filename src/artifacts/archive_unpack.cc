// See archive_unpack.h. Entries are rewritten to absolute paths inside the (realpath'd) staging
// directory so that extraction never depends on the process's working directory, which other
// threads share.
#include "artifacts/archive_unpack.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <vector>

#include "core/interrupt.h"
#include "core/strings.h"

namespace mkata::artifacts {
namespace {

using Reader = std::unique_ptr<struct archive, decltype(&archive_read_free)>;
using Writer = std::unique_ptr<struct archive, decltype(&archive_write_free)>;

Error refuse(std::string_view entry, const std::string& why) {
  return Error("refuse archive entry '" + std::string(entry) + "': " + why);
}

std::vector<std::string> components(std::string_view path) {
  std::vector<std::string> out;
  for (auto& part : split(path, '/')) {
    if (!part.empty() && part != ".") out.push_back(part);
  }
  return out;
}

// True when `path` equals root or lies below it (component-wise).
bool within(const std::vector<std::string>& path, const std::vector<std::string>& root) {
  if (path.size() < root.size()) return false;
  for (size_t i = 0; i < root.size(); ++i) {
    if (path[i] != root[i]) return false;
  }
  return true;
}

// True when `path` is a proper ancestor of root ("opt" for "opt/kata"; "" for anything).
bool ancestor_of(const std::vector<std::string>& path, const std::vector<std::string>& root) {
  return path.size() < root.size() && within(root, path);
}

const char* refused_type(mode_t type) {
  switch (type) {
    case AE_IFCHR:
      return "character device";
    case AE_IFBLK:
      return "block device";
    case AE_IFIFO:
      return "FIFO";
    case AE_IFSOCK:
      return "socket";
    default:
      return "unsupported entry type";
  }
}

// A symlink as written in the archive, for the check after extraction.
struct SymlinkEntry {
  std::string name;  // as in the archive (for the message)
  std::string path;  // normalised
  std::string target;
};

// The lexical check cannot see through other symlinks of the same archive ("b -> ." makes
// "b/b/../.." climb higher than it looks), so once everything is on disk each symlink is also
// resolved by the kernel with RESOLVE_BENEATH, which fails with EXDEV on any escape from root.
Result<void> check_symlinks_on_disk(const std::string& dest, const std::vector<std::string>& root,
                                    const std::vector<SymlinkEntry>& links) {
  std::string root_dir = dest + (root.empty() ? "" : "/" + join(root, "/"));
  int root_fd = open(root_dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root_fd < 0) return links.empty() ? Result<void>{} : fail(Error::from_errno(root_dir, errno));
  for (const auto& link : links) {
    std::string below = link.path.substr(root.empty() ? 0 : join(root, "/").size() + 1);
    open_how how{};
    how.flags = O_PATH | O_CLOEXEC;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    long fd = syscall(SYS_openat2, root_fd, below.c_str(), &how, sizeof how);
    if (fd >= 0) {
      close(static_cast<int>(fd));
    } else if (errno == EXDEV || errno == ELOOP) {
      close(root_fd);
      return fail(
          refuse(link.name, "symlink target '" + link.target + "' escapes the install prefix"));
    }  // ENOENT: dangling, but the lexical check already kept it inside
  }
  close(root_fd);
  return {};
}

Result<void> copy_data(struct archive* in, struct archive* out) {
  const void* buffer = nullptr;
  size_t size = 0;
  la_int64_t offset = 0;
  while (true) {
    int r = archive_read_data_block(in, &buffer, &size, &offset);
    if (r == ARCHIVE_EOF) return {};
    if (r < ARCHIVE_OK) return fail(Error(archive_error_string(in)));
    if (archive_write_data_block(out, buffer, size, offset) < ARCHIVE_OK) {
      return fail(Error(archive_error_string(out)));
    }
  }
}

// Checks one entry and rewrites it to its place under dest. Returns false for an entry that is
// only an ancestor of root (nothing to write).
Result<bool> prepare_entry(struct archive_entry* entry, const std::string& dest,
                           const std::vector<std::string>& root, UnpackSummary& summary,
                           std::vector<SymlinkEntry>& symlinks) {
  const char* raw = archive_entry_pathname(entry);
  std::string name = raw ? raw : "";
  auto path = normalize_entry_path(name);
  if (!path) return fail(path.error());
  std::vector<std::string> parts = components(*path);
  mode_t type = archive_entry_filetype(entry);
  const char* hardlink = archive_entry_hardlink(entry);
  bool is_dir = type == AE_IFDIR && !hardlink;
  if (!hardlink && type != AE_IFREG && type != AE_IFDIR && type != AE_IFLNK) {
    return fail(refuse(name, std::string(refused_type(type)) +
                                 " (device nodes, FIFOs and sockets are not allowed)"));
  }
  if (is_dir && (parts.empty() || ancestor_of(parts, root))) return false;
  if (parts.empty()) return fail(refuse(name, "empty path"));
  if (!within(parts, root)) {
    return fail(refuse(name, "outside " + join(root, "/") + "/"));
  }
  std::string root_text = join(root, "/");
  if (hardlink) {
    if (auto ok = check_link_target(name, hardlink, true, root_text); !ok) return fail(ok.error());
    archive_entry_set_hardlink(entry, (dest + "/" + *normalize_entry_path(hardlink)).c_str());
    ++summary.hardlinks;
  } else if (type == AE_IFLNK) {
    const char* target = archive_entry_symlink(entry);
    if (auto ok = check_link_target(name, target ? target : "", false, root_text); !ok) {
      return fail(ok.error());
    }
    symlinks.push_back({name, *path, target});
    ++summary.symlinks;
  } else {
    ++(is_dir ? summary.directories : summary.files);
  }
  mode_t perm = archive_entry_perm(entry);
  if (perm & 07000) ++summary.special_bits_dropped;
  archive_entry_set_perm(entry, perm & 0777);
  archive_entry_set_pathname(entry, (dest + "/" + *path).c_str());
  return true;
}

Result<UnpackSummary> unpack_into(struct archive* in, struct archive* out, const std::string& dest,
                                  const std::vector<std::string>& root) {
  UnpackSummary summary;
  std::vector<SymlinkEntry> symlinks;
  struct archive_entry* entry = nullptr;
  while (true) {
    int r = archive_read_next_header(in, &entry);
    if (r == ARCHIVE_EOF) {
      if (auto ok = check_symlinks_on_disk(dest, root, symlinks); !ok) return fail(ok.error());
      return summary;
    }
    if (r < ARCHIVE_WARN) return fail(Error(archive_error_string(in)));
    if (interrupted()) return fail(Error("interrupted", ErrorKind::kInterrupted));
    auto wanted = prepare_entry(entry, dest, root, summary, symlinks);
    if (!wanted) return fail(wanted.error());
    if (!*wanted) continue;
    if (archive_write_header(out, entry) < ARCHIVE_OK) {
      return fail(Error(archive_error_string(out)));
    }
    if (archive_entry_size(entry) > 0) {
      if (auto copied = copy_data(in, out); !copied) return fail(copied.error());
    }
    if (archive_write_finish_entry(out) < ARCHIVE_OK) {
      return fail(Error(archive_error_string(out)));
    }
  }
}

}  // namespace

Result<std::string> normalize_entry_path(std::string_view name) {
  if (!name.empty() && name[0] == '/') return fail(refuse(name, "absolute path"));
  std::vector<std::string> parts = components(name);
  for (const auto& part : parts) {
    if (part == "..") return fail(refuse(name, "path contains '..'"));
  }
  return join(parts, "/");
}

Result<void> check_link_target(const std::string& entry_path, std::string_view target,
                               bool hardlink, const std::string& root) {
  std::string what = hardlink ? "hardlink target '" : "symlink target '";
  Error escapes = refuse(entry_path, what + std::string(target) + "' escapes the install prefix");
  if (target.empty()) return fail(refuse(entry_path, what + "' is empty"));
  if (target[0] == '/') return fail(escapes);
  std::vector<std::string> resolved;
  if (!hardlink) {
    resolved = components(entry_path);
    resolved.pop_back();  // a symlink's target is relative to its directory
  }
  for (const auto& part : components(target)) {
    if (hardlink && part == "..") return fail(escapes);  // archive paths never need ".."
    if (part != "..") {
      resolved.push_back(part);
    } else if (resolved.empty()) {
      return fail(escapes);
    } else {
      resolved.pop_back();
    }
  }
  if (!within(resolved, components(root))) return fail(escapes);
  return {};
}

Result<UnpackSummary> unpack_archive(const std::string& archive_path, const std::string& dest_dir,
                                     const UnpackOptions& options) {
  auto context = "unpack " + (options.display_name.empty() ? archive_path : options.display_name);
  std::unique_ptr<char, decltype(&free)> real(realpath(dest_dir.c_str(), nullptr), &free);
  if (!real) return fail(Error::from_errno(context + ": " + dest_dir, errno));
  Reader in(archive_read_new(), &archive_read_free);
  archive_read_support_format_tar(in.get());
  archive_read_support_filter_all(in.get());
  Writer out(archive_write_disk_new(), &archive_write_free);
  archive_write_disk_set_options(out.get(), ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME |
                                                ARCHIVE_EXTRACT_SECURE_SYMLINKS |
                                                ARCHIVE_EXTRACT_SECURE_NODOTDOT);
  if (archive_read_open_filename(in.get(), archive_path.c_str(), 1 << 16) != ARCHIVE_OK) {
    return fail(Error(context + ": " + archive_error_string(in.get())));
  }
  auto summary = unpack_into(in.get(), out.get(), real.get(), components(options.root));
  if (!summary) return fail(summary.error().wrap(context));
  if (archive_write_close(out.get()) != ARCHIVE_OK) {
    return fail(Error(context + ": " + archive_error_string(out.get())));
  }
  return summary;
}

}  // namespace mkata::artifacts
