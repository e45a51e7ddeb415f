// Reading and writing files without ever losing data. Config edits go through
// write_file_atomic(): a temp file in the same directory, fsync, rename over the target, fsync of
// the directory. A crash or a failed write at any point leaves either the old or the new file,
// never a mix. backup_file() keeps the previous bytes beside the original.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include "core/error.h"

namespace mkata {

/// The name of a non-regular file type for messages: "character device", "FIFO", "directory"…
std::string file_type_name(mode_t mode);

/// Reads a whole file. Error: "read <path>: <strerror>".
Result<std::string> read_file(const std::string& path);

/// True when path exists (any type, links not followed).
bool path_exists(const std::string& path);

/// Writes content to path atomically. The new file gets `mode` when given, otherwise the mode of
/// the file it replaces (0644 for a new file). Parent directories are NOT created. On failure the
/// old file is untouched and the temp file removed. Error: "write <path>: <strerror>".
/// An existing target that is not a regular file (a device such as /dev/null, a FIFO, a socket,
/// a directory) is refused — renaming over it would replace the device node itself:
/// "write /dev/null: not a regular file (character device)".
/// A symlink at path is replaced by a regular file, and owner and extended attributes are not
/// kept: this is for files mkata owns. A user's file is edited through FileEdit (file_edit.h).
Result<void> write_file_atomic(const std::string& path, const std::string& content,
                               std::optional<mode_t> mode = std::nullopt);

/// Writes content to a new file "<path>.mkata-tmp-XXXXXX" beside path (same directory, so that a
/// rename over path is atomic), calls `prepare` on its descriptor (to set mode, owner, extended
/// attributes), fsyncs and closes it, and returns its name. Nothing is renamed. On failure the temp
/// file is removed. Error: "write <path>: <strerror>" (or prepare's error).
Result<std::string> write_temp_beside(const std::string& path, const std::string& content,
                                      const std::function<Result<void>(int fd)>& prepare);

/// The name prefix of write_temp_beside()'s files for path ("<path>.mkata-tmp-").
std::string temp_prefix_of(const std::string& path);

/// Writes a command's output file (a report, a manifest the user asked for): "-" is stdout; an
/// existing character device or FIFO (/dev/null, /dev/stdout, a pipe) is written in place; any
/// other path is written with write_file_atomic().
Result<void> write_output_file(const std::string& path, const std::string& content);

/// Copies path to "<path>.mkata-backup" (atomically, replacing an older backup) and returns the
/// backup's path. Error when path cannot be read or the backup cannot be written.
Result<std::string> backup_file(const std::string& path);

/// Creates a directory and its parents (mode 0755 for new ones); ok if it exists.
Result<void> make_directories(const std::string& path);

namespace testing {
/// Test seam: when set, write_file_atomic() calls it after writing this many bytes of the temp
/// file and fails as if the disk were full (ENOSPC). Reset with nullopt.
void fail_atomic_writes_after(std::optional<size_t> bytes);
}  // namespace testing

}  // namespace mkata
