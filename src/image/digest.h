// Content digests as OCI writes them: "sha256:<64 lowercase hex>". Every blob of an image (layer,
// config, manifest) is named by its digest, and containerd recomputes it on import, so this is the
// one function that decides whether an archive is accepted. OpenSSL's libcrypto does the hashing
// (the distribution's audited implementation, already a dependency).
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"

namespace mkata::image {

/// The SHA-256 of data as 64 lowercase hex digits. Fails only if libcrypto cannot hash
/// (allocation failure): "sha256: libcrypto failed".
Result<std::string> sha256_hex(std::string_view data);

/// The OCI digest of data: "sha256:" + sha256_hex(data).
Result<std::string> sha256_digest(std::string_view data);

/// True when text is a well-formed "sha256:<64 lowercase hex>" digest.
bool is_sha256_digest(std::string_view text);

/// The hex part of a digest ("sha256:ab…" → "ab…"); text without the prefix is returned as is.
std::string_view digest_hex(std::string_view digest);

}  // namespace mkata::image
