#include "image/digest.h"

#include <openssl/evp.h>

namespace mkata::image {

namespace {
constexpr std::string_view kPrefix = "sha256:";
}  // namespace

Result<std::string> sha256_hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), md, &length, EVP_sha256(), nullptr) != 1) {
    return fail("sha256: libcrypto failed");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[md[i] >> 4]);
    hex.push_back(kHex[md[i] & 0xf]);
  }
  return hex;
}

Result<std::string> sha256_digest(std::string_view data) {
  auto hex = sha256_hex(data);
  if (!hex) return fail(hex.error());
  return std::string(kPrefix) + *hex;
}

bool is_sha256_digest(std::string_view text) {
  if (text.size() != kPrefix.size() + 64 || text.substr(0, kPrefix.size()) != kPrefix) {
    return false;
  }
  for (char c : text.substr(kPrefix.size())) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string_view digest_hex(std::string_view digest) {
  if (digest.substr(0, kPrefix.size()) == kPrefix) digest.remove_prefix(kPrefix.size());
  return digest;
}

}  // namespace mkata::image
