#include "image/tar_reader.h"

#include <archive.h>
#include <archive_entry.h>

#include <memory>

namespace mkata::image {

namespace {

struct ArchiveCloser {
  void operator()(archive* a) const { archive_read_free(a); }
};

std::string archive_message(archive* a) {
  const char* message = archive_error_string(a);
  return message ? message : "unknown libarchive error";
}

Result<std::string> read_content(archive* a) {
  std::string content;
  char buffer[16384];
  for (;;) {
    la_ssize_t n = archive_read_data(a, buffer, sizeof buffer);
    if (n < 0) return fail("read tar: " + archive_message(a));
    if (n == 0) return content;
    content.append(buffer, static_cast<size_t>(n));
  }
}

}  // namespace

Result<std::vector<TarEntryInfo>> read_tar(const std::string& bytes) {
  std::unique_ptr<archive, ArchiveCloser> a(archive_read_new());
  archive_read_support_format_tar(a.get());
  archive_read_support_filter_gzip(a.get());
  if (archive_read_open_memory(a.get(), bytes.data(), bytes.size()) != ARCHIVE_OK) {
    return fail("read tar: " + archive_message(a.get()));
  }
  std::vector<TarEntryInfo> entries;
  archive_entry* entry = nullptr;
  for (;;) {
    int rc = archive_read_next_header(a.get(), &entry);
    if (rc == ARCHIVE_EOF) break;
    if (rc != ARCHIVE_OK) return fail("read tar: " + archive_message(a.get()));
    TarEntryInfo info;
    info.path = archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "";
    info.directory = archive_entry_filetype(entry) == AE_IFDIR;
    info.regular = archive_entry_filetype(entry) == AE_IFREG;
    info.mode = archive_entry_perm(entry) & 07777;
    info.uid = archive_entry_uid(entry);
    info.gid = archive_entry_gid(entry);
    info.uname = archive_entry_uname(entry) ? archive_entry_uname(entry) : "";
    info.gname = archive_entry_gname(entry) ? archive_entry_gname(entry) : "";
    info.mtime = archive_entry_mtime(entry);
    if (info.regular) {
      auto content = read_content(a.get());
      if (!content) return fail(content.error());
      info.content = std::move(*content);
    }
    entries.push_back(std::move(info));
  }
  return entries;
}

const TarEntryInfo* find_entry(const std::vector<TarEntryInfo>& entries, const std::string& path) {
  for (const auto& e : entries) {
    if (e.path == path) return &e;
  }
  return nullptr;
}

}  // namespace mkata::image
