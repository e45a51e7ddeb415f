// Checking, before the work starts, that a command's output file can be written. A report or a
// manifest that cannot be written must fail the command before it changes a config or runs pods
// for minutes, not after (plan, then act). The check writes nothing visible: it opens an unnamed
// O_TMPFILE in the target's directory (what write_file_atomic needs: a new file there and a
// rename), and falls back to access(2) on file systems without O_TMPFILE.
#pragma once

#include <string>

#include "core/error.h"

namespace mkata {

/// Ok when write_output_file(path, ...) can be expected to succeed: "-" (stdout); an existing
/// character device or FIFO; or a path whose directory exists and accepts a new file, and that is
/// not itself a directory or another non-regular file. Nothing is created. Errors (environment),
/// "<what>" being e.g. "--runtime-classes":
///   "<what> <path>: the directory <dir> does not exist"
///   "<what> <path>: is a directory"
///   "<what> <path>: cannot write in <dir>: Read-only file system"
Result<void> check_output_path(const std::string& what, const std::string& path);

}  // namespace mkata
