// Fetching release files with libcurl. Release archives are large (Kata's is ~300 MiB) and
// links drop, so a download is retried with exponential backoff and, when the server honours
// HTTP Range requests (GitHub's and Google Cloud Storage's release hosts do), resumed from the
// bytes already on disk instead of starting over. The file is written as "<name>.part" inside a
// caller-owned staging directory and renamed to "<name>" only when complete, so a half-fetched
// file never looks finished. Only https:// is accepted, plus plain http:// to 127.0.0.1 or
// localhost for the loopback tests; redirects (GitHub sends one) must stay on https.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "core/error.h"

namespace mkata::artifacts {

/// Bytes received so far and the total (nullopt when the server does not say).
using ProgressCallback = std::function<void(uint64_t received, std::optional<uint64_t> total)>;

/// How a download behaves.
struct DownloadOptions {
  int attempts = 4;  ///< total tries for transient failures (dropped connection, 5xx, timeout)
  std::chrono::milliseconds first_backoff{1000};  ///< doubled after each failed try
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(20)};
  /// A transfer that moves fewer than 1 byte/s for this long is abandoned (then retried).
  std::chrono::milliseconds stall_timeout{std::chrono::seconds(60)};
  /// Called as bytes arrive (throttled by libcurl to a few times a second); may be empty.
  ProgressCallback progress;
  /// Polled during the transfer; returning true aborts with an ErrorKind::kInterrupted error.
  /// Defaults to mkata::interrupted() (Ctrl-C).
  std::function<bool()> cancelled;
};

/// True for a source that download_file() accepts (starts with https:// or http://).
bool is_url(const std::string& source);

/// The last path component of a URL without query or fragment ("kata-static-3.2.0-amd64.tar.xz"
/// from ".../download/3.2.0/kata-static-3.2.0-amd64.tar.xz?x=1"); "download" when empty.
std::string url_file_name(const std::string& url);

/// Downloads url into "<dir>/<file_name>" (dir must exist) and returns that path. Retries
/// transient failures, resuming via Range when the server answers 206. An HTTP error status
/// (404, 403, ...) is permanent and not retried. Errors name the URL and the reason:
/// "download <url>: HTTP 404 Not Found", "download <url>: <curl reason> (after 4 attempts)",
/// "download <url>: plain http is only accepted for 127.0.0.1 and localhost; use https://".
/// On failure nothing is left in dir under file_name (the .part file is removed).
Result<std::string> download_file(const std::string& url, const std::string& dir,
                                  const std::string& file_name,
                                  const DownloadOptions& options = {});

/// Downloads a small text file (a checksum list) into memory, with the same rules and retries;
/// refuses bodies larger than max_bytes.
Result<std::string> download_text(const std::string& url, const DownloadOptions& options = {},
                                  size_t max_bytes = 1 << 20);

/// The text of a small file given as a local path or a URL (a checksum list).
Result<std::string> read_text_source(const std::string& file_or_url,
                                     const DownloadOptions& options = {});

/// A ProgressCallback that draws "    <label>: 12.5 / 301.2 MiB (4%)" on stderr, rewriting the
/// line in place; it draws nothing when stderr is not a terminal.
ProgressCallback terminal_progress(const std::string& label);

}  // namespace mkata::artifacts
