// Digests of release files and the checksum files that publish them. Kata and gVisor publish
// sha256sum/sha512sum output ("<hex>  <name>", or "<hex> *<name>" in binary mode; gVisor puts
// `runsc.sha512` next to `runsc`). We compute digests with OpenSSL's libcrypto EVP interface,
// streaming the file so that a 300 MiB archive never sits in memory, and we pick the algorithm
// from the digest's length (64 hex digits = sha256, 128 = sha512) so one flag fits both.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace mkata::artifacts {

/// The digest algorithms release files are published with.
enum class DigestAlgorithm { kSha256, kSha512 };

/// "sha256" / "sha512".
std::string algorithm_name(DigestAlgorithm algorithm);

/// Lower-case hex digest of a byte string.
std::string digest_hex(std::string_view data, DigestAlgorithm algorithm);

/// Lower-case hex digest of a file's bytes. Error: "read <path>: <strerror>".
Result<std::string> file_digest_hex(const std::string& path, DigestAlgorithm algorithm);

/// An expected digest: the algorithm follows from the hex length.
struct ExpectedDigest {
  DigestAlgorithm algorithm = DigestAlgorithm::kSha256;
  std::string hex;  ///< lower case
};

/// Parses a digest given by the user (--sha256 HEX). Accepts 64 or 128 hex digits, any case,
/// optionally prefixed "sha256:" / "sha512:". Usage error naming the value otherwise:
/// "digest 'xyz': expected 64 (sha256) or 128 (sha512) hex digits".
Result<ExpectedDigest> parse_digest(std::string_view text);

/// One line of a checksum file.
struct ChecksumEntry {
  ExpectedDigest digest;
  std::string name;  ///< as written (may carry a directory, "./" or nothing)
};

/// Parses sha256sum/sha512sum output. Blank lines and '#' comments are skipped; a file holding
/// a bare digest alone (no name) yields one entry with an empty name. Error naming the source
/// and the line number for anything else: "<source> line 3: expected '<hex>  <name>'"; one name
/// with two different digests of one algorithm is an error too ("<source> line 4: <name> is
/// listed twice with different sha256 digests (lines 2 and 4)").
Result<std::vector<ChecksumEntry>> parse_checksum_file(std::string_view text,
                                                       const std::string& source);

/// The digest listed for file_name (matched on the last path component; a single nameless entry
/// matches any file). Error: "<source> lists no checksum for <file_name>"; two entries whose
/// base names match with different digests of one algorithm ("amd64/x", "arm64/x"): "<source>
/// lists 2 different sha256 digests for x (amd64/x, arm64/x): cannot tell which one to trust".
Result<ExpectedDigest> find_checksum(const std::vector<ChecksumEntry>& entries,
                                     const std::string& file_name, const std::string& source);

/// Verifies a file against an expected digest. On mismatch the error names the file and both
/// digests: "checksum mismatch for <display_name>: expected sha256 <hex>, got <hex>".
Result<void> verify_file(const std::string& path, const ExpectedDigest& expected,
                         const std::string& display_name);

}  // namespace mkata::artifacts
