// A deterministic tar writer for image layers and for the OCI layout archive itself.
//
// Reproducible images need every byte of every tar header to be a function of the content alone:
// entries sorted by path, mtime 0, numeric uid/gid with empty uname/gname, fixed modes, no pax
// extended headers (libarchive's pax writer adds atime/ctime records unless tamed format by
// format), and an implicit parent directory for every entry so that extraction never invents one
// with a umask-dependent mode. Written by hand because the ustar header is 512 bytes of simple
// fields: about 150 lines we can read completely, with libarchive used independently in the tests
// (and in TarReader) to prove the output parses. Only regular files and directories are needed by
// our images; paths longer than ustar's name+prefix (255 bytes) are refused.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>

#include "core/error.h"

namespace mkata::image {

/// Numeric owner of an entry (uname/gname are always written empty).
struct TarOwner {
  uint32_t uid = 0;
  uint32_t gid = 0;
};

/// Collects entries in memory, then serialises them sorted by path.
class TarWriter {
 public:
  /// Adds a regular file. path is relative to the archive root; a leading "/" is dropped
  /// ("/etc/passwd" → "etc/passwd"). Errors (as values): an empty path, a "." or ".." component,
  /// a duplicate path: "tar: <why>: '<path>'".
  Result<void> add_file(const std::string& path, std::string content, mode_t mode,
                        TarOwner owner = {});

  /// Adds a directory with an explicit mode and owner (e.g. /tmp 01777). A directory that was
  /// only created implicitly as a parent is replaced by this explicit one.
  Result<void> add_directory(const std::string& path, mode_t mode, TarOwner owner = {});

  /// The archive: every entry in byte order of its path, each parent directory (0755, root)
  /// before its children, then the two zero blocks. Error for a path that does not fit ustar's
  /// name/prefix fields or a file of 8 GiB or more.
  Result<std::string> finish() const;

  /// Number of entries so far, implicit parents included.
  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    bool directory = false;
    bool implicit = false;
    std::string content;
    mode_t mode = 0;
    TarOwner owner;
  };
  Result<std::string> add_parents_and_check(const std::string& path);

  std::map<std::string, Entry> entries_;  // key: normalised path without trailing '/'
};

}  // namespace mkata::image
