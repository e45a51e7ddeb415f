// Deterministic gzip for image layers. The compressed layer's digest names the blob, so the same
// tar must always give the same bytes: no file name, mtime 0, a fixed OS byte (3 = Unix), level 9,
// default strategy and window. zlib's deflate output is a pure function of its input and these
// parameters for a given zlib version (Debian 12 ships 1.2.13); a different zlib could in principle
// choose different matches, which is why the archives record the *uncompressed* diff_id too.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"

namespace mkata::image {

/// gzip (RFC 1952) of data with the fixed header above. Error: "gzip: <zlib message>".
Result<std::string> gzip_compress(std::string_view data);

/// Inverse of gzip_compress (any single-member gzip stream). Error on a corrupt or truncated
/// stream: "gunzip: <zlib message>".
Result<std::string> gzip_decompress(std::string_view data);

}  // namespace mkata::image
