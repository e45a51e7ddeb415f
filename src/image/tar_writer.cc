#include "image/tar_writer.h"

#include <cstring>

#include "core/strings.h"

namespace mkata::image {

namespace {

constexpr size_t kBlock = 512;
constexpr uint64_t kMaxSize = 077777777777ULL;  // 11 octal digits

std::string normalise(const std::string& path) {
  std::string p = path;
  while (!p.empty() && p.front() == '/') p.erase(0, 1);
  while (!p.empty() && p.back() == '/') p.pop_back();
  return p;
}

// Writes value as zero-padded octal in width-1 digits followed by NUL (the ustar convention).
void put_octal(char* field, size_t width, uint64_t value) {
  for (size_t i = width - 1; i-- > 0;) {
    field[i] = static_cast<char>('0' + (value & 7));
    value >>= 3;
  }
  field[width - 1] = '\0';
}

// Splits a path into ustar's prefix (≤155) and name (≤100) fields; false if impossible.
bool split_name(const std::string& path, std::string* prefix, std::string* name) {
  if (path.size() <= 100) {
    *prefix = "";
    *name = path;
    return true;
  }
  for (size_t slash = path.find('/'); slash != std::string::npos;
       slash = path.find('/', slash + 1)) {
    if (slash <= 155 && path.size() - slash - 1 <= 100 && slash + 1 < path.size()) {
      *prefix = path.substr(0, slash);
      *name = path.substr(slash + 1);
      return true;
    }
  }
  return false;
}

}  // namespace

Result<std::string> TarWriter::add_parents_and_check(const std::string& path) {
  std::string p = normalise(path);
  if (p.empty()) return fail("tar: empty path: '" + path + "'");
  for (const auto& part : split(p, '/')) {
    if (part.empty() || part == "." || part == "..") {
      return fail("tar: path component must not be empty, '.' or '..': '" + path + "'");
    }
  }
  auto it = entries_.find(p);
  if (it != entries_.end() && !it->second.implicit) {
    return fail("tar: duplicate entry: '" + path + "'");
  }
  for (size_t slash = p.find('/'); slash != std::string::npos; slash = p.find('/', slash + 1)) {
    std::string parent = p.substr(0, slash);
    auto [pit, inserted] = entries_.try_emplace(parent);
    if (inserted) {
      pit->second =
          Entry{.directory = true, .implicit = true, .content = {}, .mode = 0755, .owner = {}};
    } else if (!pit->second.directory) {
      return fail("tar: parent is a file: '" + parent + "' of '" + path + "'");
    }
  }
  return p;
}

Result<void> TarWriter::add_file(const std::string& path, std::string content, mode_t mode,
                                 TarOwner owner) {
  auto p = add_parents_and_check(path);
  if (!p) return fail(p.error());
  if (entries_.count(*p)) return fail("tar: a directory already has this path: '" + path + "'");
  entries_[*p] = Entry{.directory = false,
                       .implicit = false,
                       .content = std::move(content),
                       .mode = mode & 07777,
                       .owner = owner};
  return {};
}

Result<void> TarWriter::add_directory(const std::string& path, mode_t mode, TarOwner owner) {
  auto p = add_parents_and_check(path);
  if (!p) return fail(p.error());
  entries_[*p] = Entry{
      .directory = true, .implicit = false, .content = {}, .mode = mode & 07777, .owner = owner};
  return {};
}

Result<std::string> TarWriter::finish() const {
  std::string out;
  for (const auto& [key, entry] : entries_) {
    std::string path = entry.directory ? key + "/" : key;
    std::string prefix, name;
    if (!split_name(path, &prefix, &name)) {
      return fail("tar: path too long for ustar (name 100, prefix 155 bytes): '" + path + "'");
    }
    if (entry.content.size() > kMaxSize) return fail("tar: file too large: '" + path + "'");
    char header[kBlock] = {};
    std::memcpy(header, name.data(), name.size());
    put_octal(header + 100, 8, entry.mode);
    put_octal(header + 108, 8, entry.owner.uid);
    put_octal(header + 116, 8, entry.owner.gid);
    put_octal(header + 124, 12, entry.content.size());
    put_octal(header + 136, 12, 0);  // mtime: the epoch, always
    header[156] = entry.directory ? '5' : '0';
    std::memcpy(header + 257, "ustar", 6);  // magic with its NUL
    std::memcpy(header + 263, "00", 2);
    std::memcpy(header + 345, prefix.data(), prefix.size());
    // The checksum is computed with its own field read as eight spaces.
    std::memset(header + 148, ' ', 8);
    unsigned sum = 0;
    for (unsigned char c : header) sum += c;
    put_octal(header + 148, 7, sum);
    header[155] = ' ';
    out.append(header, kBlock);
    out.append(entry.content);
    out.append((kBlock - entry.content.size() % kBlock) % kBlock, '\0');
  }
  out.append(2 * kBlock, '\0');
  return out;
}

}  // namespace mkata::image
