// See archive_unpack.h. Entries are rewritten to absolute paths inside the (realpath'd) staging
// directory so that extraction never depends on the process's working directory, which other
// threads share.
#include "artifacts/archive_unpack.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include "core/interrupt.h"
#include "core/strings.h"
#include "core/utf8.h"

namespace mkata::artifacts {
namespace {

using Reader = std::unique_ptr<struct archive, decltype(&archive_read_free)>;
using Writer = std::unique_ptr<struct archive, decltype(&archive_write_free)>;

// Entry names are outside input: shown escaped, so that the message is valid UTF-8 and cannot
// drive the terminal.
Error refuse(std::string_view entry, const std::string& why) {
  return Error("refuse archive entry '" + printable(entry) + "': " + why);
}

// What the caps allow, and what has been spent.
struct Budget {
  const UnpackOptions& options;
  uint64_t archive_bytes = 0;  // the archive file's size, for the ratio
  uint64_t entries = 0;
  uint64_t bytes = 0;
};

// Refuses the entry when `more` bytes would take the unpacked total over a cap.
Result<void> spend(Budget& budget, std::string_view name, uint64_t more) {
  uint64_t total = budget.bytes + more;
  if (total < budget.bytes || total > budget.options.max_total_bytes) {
    return fail(refuse(name, "unpacked size would exceed the cap of " +
                                 std::to_string(budget.options.max_total_bytes) +
                                 " bytes, the cap against archive bombs"));
  }
  uint64_t ratio = budget.options.max_ratio, archive = budget.archive_bytes;
  uint64_t ratio_limit = archive && ratio > UINT64_MAX / archive ? UINT64_MAX : archive * ratio;
  if (total > kUnpackRatioFloor && total > ratio_limit) {
    return fail(
        refuse(name, "unpacked size would exceed " + std::to_string(budget.options.max_ratio) +
                         " times the archive's size (" + std::to_string(total) +
                         " bytes from an archive of " + std::to_string(budget.archive_bytes) +
                         " bytes), the cap against archive bombs"));
  }
  budget.bytes = total;
  return {};
}

// A libarchive write failure: the path and the OS's reason when there is one.
Error write_error(struct archive* out, const std::string& path) {
  int e = archive_errno(out);
  const char* what = archive_error_string(out);
  if (e > 0) return Error::from_errno("write " + printable(path), e);
  return Error("write " + printable(path) + ": " + (what ? what : "unknown error"));
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
      return fail(refuse(
          link.name, "symlink target '" + printable(link.target) + "' escapes the install prefix"));
    }  // ENOENT: dangling, but the lexical check already kept it inside
  }
  close(root_fd);
  return {};
}

// Copies the entry's data; declared is its size, already counted against the budget, and the
// data may not reach past it.
Result<void> copy_data(struct archive* in, struct archive* out, const std::string& name,
                       const std::string& path, uint64_t declared) {
  const void* buffer = nullptr;
  size_t size = 0;
  la_int64_t offset = 0;
  while (true) {
    int r = archive_read_data_block(in, &buffer, &size, &offset);
    if (r == ARCHIVE_EOF) return {};
    if (r < ARCHIVE_OK) return fail(Error(archive_error_string(in)));
    if (offset < 0 || static_cast<uint64_t>(offset) + size > declared) {
      return fail(refuse(name, "data beyond the entry's declared size"));
    }
    if (archive_write_data_block(out, buffer, size, offset) < ARCHIVE_OK) {
      return fail(write_error(out, path));
    }
  }
}

// Checks one entry and rewrites it to its place under dest. Returns false for an entry that is
// only an ancestor of root (nothing to write).
Result<bool> prepare_entry(struct archive_entry* entry, const std::string& dest,
                           const std::vector<std::string>& root, UnpackSummary& summary,
                           std::vector<SymlinkEntry>& symlinks, Budget& budget) {
  const char* raw = archive_entry_pathname(entry);
  if (!raw) raw = archive_entry_pathname_utf8(entry);  // not representable in the C locale
  std::string name = raw ? raw : "";
  if (!is_valid_utf8(name)) return fail(refuse(name, "name is not valid UTF-8"));
  if (++budget.entries > budget.options.max_entries) {
    return fail(refuse(name, "more than " + std::to_string(budget.options.max_entries) +
                                 " entries, the cap against archive bombs"));
  }
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
  if (!is_dir && !root.empty() && parts.size() == root.size()) {
    // "opt/kata -> ." would turn the install root itself into a link.
    return fail(refuse(name, "the install root must be a directory"));
  }
  std::string root_text = join(root, "/");
  const char* symlink = type == AE_IFLNK ? archive_entry_symlink(entry) : nullptr;
  std::string link = hardlink ? hardlink : symlink ? symlink : "";
  if (!is_valid_utf8(link)) {
    return fail(refuse(name, std::string(hardlink ? "hardlink" : "symlink") + " target '" +
                                 printable(link) + "' is not valid UTF-8"));
  }
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
  if (!hardlink && type == AE_IFREG) {
    la_int64_t size = archive_entry_size(entry);
    if (auto ok = spend(budget, name, size > 0 ? static_cast<uint64_t>(size) : 0); !ok) {
      return fail(ok.error());
    }
  }
  mode_t perm = archive_entry_perm(entry);
  if (perm & 07000) ++summary.special_bits_dropped;
  if (perm & 0022 && type != AE_IFLNK) ++summary.write_bits_dropped;
  archive_entry_set_perm(entry, perm & 0755);
  archive_entry_set_pathname(entry, (dest + "/" + *path).c_str());
  return true;
}

Result<UnpackSummary> unpack_into(struct archive* in, struct archive* out, const std::string& dest,
                                  const std::vector<std::string>& root, Budget& budget) {
  UnpackSummary summary;
  std::vector<SymlinkEntry> symlinks;
  struct archive_entry* entry = nullptr;
  while (true) {
    int r = archive_read_next_header(in, &entry);
    if (r == ARCHIVE_EOF) {
      if (auto ok = check_symlinks_on_disk(dest, root, symlinks); !ok) return fail(ok.error());
      summary.bytes = budget.bytes;
      return summary;
    }
    if (r < ARCHIVE_WARN) return fail(Error(archive_error_string(in)));
    if (interrupted()) return fail(Error("interrupted", ErrorKind::kInterrupted));
    std::string name = archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "";
    auto wanted = prepare_entry(entry, dest, root, summary, symlinks, budget);
    if (!wanted) return fail(wanted.error());
    if (!*wanted) continue;
    std::string path = archive_entry_pathname(entry);
    if (archive_write_header(out, entry) < ARCHIVE_OK) return fail(write_error(out, path));
    if (archive_entry_size(entry) > 0) {
      auto copied =
          copy_data(in, out, name, path, static_cast<uint64_t>(archive_entry_size(entry)));
      if (!copied) return fail(copied.error());
    }
    if (archive_write_finish_entry(out) < ARCHIVE_OK) return fail(write_error(out, path));
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
  Error escapes = refuse(entry_path, what + printable(target) + "' escapes the install prefix");
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
  struct stat st {};
  if (stat(archive_path.c_str(), &st) != 0) {
    return fail(Error::from_errno(context + ": " + archive_path, errno));
  }
  Budget budget{options, static_cast<uint64_t>(st.st_size)};
  auto summary = unpack_into(in.get(), out.get(), real.get(), components(options.root), budget);
  if (!summary) return fail(summary.error().wrap(context));
  if (archive_write_close(out.get()) != ARCHIVE_OK) {
    return fail(write_error(out.get(), real.get()).wrap(context));
  }
  return summary;
}

}  // namespace mkata::artifacts
