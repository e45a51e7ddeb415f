// Reading a tar archive (plain or gzip-compressed) into memory with libarchive. Used to inspect
// what we built — an independent parser, so the tests of TarWriter and of the OCI layout do not
// check our writer with our own reading of the format — and by `images` to read a layout archive
// back (index.json, blobs) before importing it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"

namespace mkata::image {

/// One entry as libarchive reports it.
struct TarEntryInfo {
  std::string path;  ///< as stored, e.g. "etc/" or "etc/passwd"
  bool directory = false;
  bool regular = false;
  unsigned mode = 0;  ///< permission bits including setuid/setgid/sticky
  int64_t uid = 0, gid = 0;
  std::string uname, gname;
  int64_t mtime = 0;
  std::string content;  ///< regular files only
};

/// Every entry of the archive in stored order. Error: "read tar: <libarchive message>".
Result<std::vector<TarEntryInfo>> read_tar(const std::string& bytes);

/// The entry with this stored path, or nullptr.
const TarEntryInfo* find_entry(const std::vector<TarEntryInfo>& entries, const std::string& path);

}  // namespace mkata::image
