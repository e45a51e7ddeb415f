// See checksum.h. EVP_MD_CTX is wrapped in a unique_ptr so every return path frees it.
#include "artifacts/checksum.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <map>
#include <memory>
#include <optional>
#include <utility>

#include "core/strings.h"

namespace mkata::artifacts {
namespace {

using DigestContext = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

const EVP_MD* evp_for(DigestAlgorithm algorithm) {
  return algorithm == DigestAlgorithm::kSha256 ? EVP_sha256() : EVP_sha512();
}

DigestContext new_context(DigestAlgorithm algorithm) {
  DigestContext ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), evp_for(algorithm), nullptr);
  return ctx;
}

std::string finish_hex(EVP_MD_CTX* ctx) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx, md, &len);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 0xf];
  }
  return out;
}

bool all_hex(std::string_view text) {
  for (char c : text) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return !text.empty();
}

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string base_name(std::string_view path) {
  size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

}  // namespace

std::string algorithm_name(DigestAlgorithm algorithm) {
  return algorithm == DigestAlgorithm::kSha256 ? "sha256" : "sha512";
}

std::string digest_hex(std::string_view data, DigestAlgorithm algorithm) {
  DigestContext ctx = new_context(algorithm);
  EVP_DigestUpdate(ctx.get(), data.data(), data.size());
  return finish_hex(ctx.get());
}

Result<std::string> file_digest_hex(const std::string& path, DigestAlgorithm algorithm) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(Error::from_errno("read " + path, errno));
  DigestContext ctx = new_context(algorithm);
  std::unique_ptr<char[]> buffer(new char[1 << 16]);
  while (true) {
    ssize_t n = read(fd, buffer.get(), 1 << 16);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      close(fd);
      return fail(Error::from_errno("read " + path, e));
    }
    if (n == 0) break;
    EVP_DigestUpdate(ctx.get(), buffer.get(), static_cast<size_t>(n));
  }
  close(fd);
  return finish_hex(ctx.get());
}

Result<ExpectedDigest> parse_digest(std::string_view text) {
  std::string value = trim(text);
  std::string_view hex = value;
  std::optional<DigestAlgorithm> named;
  if (starts_with(hex, "sha256:")) {
    named = DigestAlgorithm::kSha256;
    hex.remove_prefix(7);
  } else if (starts_with(hex, "sha512:")) {
    named = DigestAlgorithm::kSha512;
    hex.remove_prefix(7);
  }
  std::optional<DigestAlgorithm> by_length;
  if (hex.size() == 64) by_length = DigestAlgorithm::kSha256;
  if (hex.size() == 128) by_length = DigestAlgorithm::kSha512;
  if (!all_hex(hex) || !by_length || (named && named != by_length)) {
    return fail(
        Error::usage("digest '" + value + "': expected 64 (sha256) or 128 (sha512) hex digits"));
  }
  return ExpectedDigest{*by_length, lower(hex)};
}

Result<std::vector<ChecksumEntry>> parse_checksum_file(std::string_view text,
                                                       const std::string& source) {
  std::vector<ChecksumEntry> entries;
  std::vector<std::string> lines = split(text, '\n');
  size_t nameless_line = 0;  // a bare digest is only valid as the file's one entry
  // name and algorithm → (line, index into entries): one name must not carry two digests.
  std::map<std::pair<std::string, DigestAlgorithm>, std::pair<size_t, size_t>> seen;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string line = trim(lines[i]);
    if (line.empty() || line[0] == '#') continue;
    size_t space = line.find_first_of(" \t");
    std::string hex = line.substr(0, space);
    std::string name = space == std::string::npos ? "" : trim(line.substr(space));
    if (!name.empty() && name[0] == '*') name.erase(0, 1);  // sha256sum's binary-mode marker
    auto digest = parse_digest(hex);
    bool lone_digest_ok = name.empty() && entries.empty() && nameless_line == 0;
    if (!digest || (name.empty() && !lone_digest_ok) || (nameless_line && !name.empty())) {
      return fail(Error(source + " line " + std::to_string(i + 1) +
                        ": expected '<hex>  <name>' (sha256sum or sha512sum output)"));
    }
    if (name.empty()) nameless_line = i + 1;
    auto [it, fresh] = seen.try_emplace({name, digest->algorithm}, i + 1, entries.size());
    if (!fresh && entries[it->second.second].digest.hex != digest->hex) {
      return fail(Error(source + " line " + std::to_string(i + 1) + ": " + name +
                        " is listed twice with different " + algorithm_name(digest->algorithm) +
                        " digests (lines " + std::to_string(it->second.first) + " and " +
                        std::to_string(i + 1) + ")"));
    }
    entries.push_back({*digest, name});
  }
  if (entries.empty()) return fail(Error(source + ": no checksums in file"));
  return entries;
}

Result<ExpectedDigest> find_checksum(const std::vector<ChecksumEntry>& entries,
                                     const std::string& file_name, const std::string& source) {
  if (entries.size() == 1 && entries[0].name.empty()) return entries[0].digest;
  std::string wanted = base_name(file_name);
  const ChecksumEntry* found = nullptr;
  for (const auto& entry : entries) {
    if (base_name(entry.name) != wanted) continue;
    if (!found) {
      found = &entry;
    } else if (entry.digest.algorithm == found->digest.algorithm &&
               entry.digest.hex != found->digest.hex) {
      // "amd64/x" and "arm64/x" in one file: matching on the base name cannot pick one.
      return fail(Error(source + " lists 2 different " + algorithm_name(found->digest.algorithm) +
                        " digests for " + wanted + " (" + found->name + ", " + entry.name +
                        "): cannot tell which one to trust"));
    }
  }
  if (!found) return fail(Error(source + " lists no checksum for " + wanted));
  return found->digest;
}

Result<void> verify_file(const std::string& path, const ExpectedDigest& expected,
                         const std::string& display_name) {
  auto actual = file_digest_hex(path, expected.algorithm);
  if (!actual) return fail(actual.error().wrap("verify " + display_name));
  if (*actual != expected.hex) {
    return fail(Error("checksum mismatch for " + display_name + ": expected " +
                      algorithm_name(expected.algorithm) + " " + expected.hex + ", got " +
                      *actual));
  }
  return {};
}

}  // namespace mkata::artifacts
