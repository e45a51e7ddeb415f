// See download.h. One libcurl easy handle per attempt; the write callback decides, on the first
// body bytes of each attempt, whether the server resumed (206: append) or started over (200:
// truncate), because we send the Range header ourselves (CURLOPT_RANGE) rather than
// CURLOPT_RESUME_FROM, which turns a server without Range support into a hard error.
#include "artifacts/download.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <thread>

#include "core/files.h"
#include "core/interrupt.h"
#include "core/strings.h"

namespace mkata::artifacts {
namespace {

// Where the body goes: a file (resumable) or a bounded string.
struct Sink {
  int fd = -1;
  std::string* memory = nullptr;
  size_t max_bytes = 0;
  uint64_t offset = 0;  // bytes already held before this attempt
};

struct Attempt {
  Sink* sink = nullptr;
  const DownloadOptions* options = nullptr;
  bool first_write = true;
  bool cancelled = false;
  bool too_large = false;
  int write_errno = 0;
  std::string status;  // "404 Not Found" from the last status line
};

struct Outcome {
  CURLcode code = CURLE_OK;
  long http = 0;
  std::string reason;  // human reason when not ok
  bool transient = false;
  bool interrupted = false;
};

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* attempt = static_cast<Attempt*>(user);
  std::string_view line(data, size * count);
  if (starts_with(line, "HTTP/")) {
    size_t space = line.find(' ');
    attempt->status = space == std::string_view::npos ? "" : trim(line.substr(space + 1));
  }
  return size * count;
}

// First body bytes of an attempt: start over unless the server really resumed.
bool restart_if_not_resumed(Attempt& attempt, CURL* curl) {
  long code = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
  Sink& sink = *attempt.sink;
  if (code == 206 || sink.offset == 0) return true;
  sink.offset = 0;
  if (sink.memory) sink.memory->clear();
  if (sink.fd >= 0 && (ftruncate(sink.fd, 0) != 0 || lseek(sink.fd, 0, SEEK_SET) != 0)) {
    attempt.write_errno = errno;
    return false;
  }
  return true;
}

struct WriteContext {
  Attempt* attempt;
  CURL* curl;
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* ctx = static_cast<WriteContext*>(user);
  Attempt& attempt = *ctx->attempt;
  size_t bytes = size * count;
  if (attempt.first_write) {
    attempt.first_write = false;
    if (!restart_if_not_resumed(attempt, ctx->curl)) return 0;
  }
  Sink& sink = *attempt.sink;
  if (sink.memory) {
    if (sink.memory->size() + bytes > sink.max_bytes) {
      attempt.too_large = true;
      return 0;
    }
    sink.memory->append(data, bytes);
    return bytes;
  }
  size_t done = 0;
  while (done < bytes) {
    ssize_t n = write(sink.fd, data + done, bytes - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      attempt.write_errno = errno;
      return 0;
    }
    done += static_cast<size_t>(n);
  }
  return bytes;
}

int on_progress(void* user, curl_off_t total, curl_off_t now, curl_off_t, curl_off_t) {
  auto* attempt = static_cast<Attempt*>(user);
  const DownloadOptions& options = *attempt->options;
  bool stop = options.cancelled ? options.cancelled() : interrupted();
  if (stop) {
    attempt->cancelled = true;
    return 1;
  }
  if (options.progress && now > 0) {
    uint64_t base = attempt->sink->offset;
    std::optional<uint64_t> whole;
    if (total > 0) whole = base + static_cast<uint64_t>(total);
    options.progress(base + static_cast<uint64_t>(now), whole);
  }
  return 0;
}

bool transient_curl_error(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_PARTIAL_FILE:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return true;
    default:
      return false;
  }
}

// Which protocols a URL may use: https always; http only on loopback (tests).
Result<std::string> allowed_protocols(const std::string& url) {
  if (starts_with(url, "https://")) return std::string("https");
  if (!starts_with(url, "http://")) {
    return fail(Error::usage("download " + url + ": not an https:// URL"));
  }
  CURLU* parsed = curl_url();
  char* host = nullptr;
  bool loopback = false;
  if (curl_url_set(parsed, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK &&
      curl_url_get(parsed, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
    std::string h = host;
    loopback = h == "127.0.0.1" || h == "localhost" || h == "[::1]";
    curl_free(host);
  }
  curl_url_cleanup(parsed);
  if (!loopback) {
    return fail(Error::usage("download " + url +
                             ": plain http is only accepted for 127.0.0.1 and localhost; use "
                             "https://"));
  }
  return std::string("http,https");
}

Outcome classify(CURLcode code, long http, const Attempt& attempt, const char* errbuf) {
  Outcome out{code, http, "", false, false};
  if (code == CURLE_OK && http >= 200 && http < 300) return out;
  if (attempt.cancelled) {
    out.interrupted = true;
    out.reason = "interrupted";
  } else if (attempt.write_errno) {
    out.reason = std::string("write: ") + std::strerror(attempt.write_errno);
  } else if (attempt.too_large) {
    out.reason = "response too large";
  } else if (code == CURLE_HTTP_RETURNED_ERROR || (code == CURLE_OK && http >= 300)) {
    out.reason = "HTTP " + (attempt.status.empty() ? std::to_string(http) : attempt.status);
    out.transient = http >= 500 || http == 408 || http == 429;
  } else {
    out.reason = *errbuf ? errbuf : curl_easy_strerror(code);
    out.transient = transient_curl_error(code);
  }
  return out;
}

Outcome run_attempt(const std::string& url, const std::string& protocols, Sink& sink,
                    const DownloadOptions& options) {
  CURL* curl = curl_easy_init();
  Attempt attempt;
  attempt.sink = &sink;
  attempt.options = &options;
  WriteContext ctx{&attempt, curl};
  char errbuf[CURL_ERROR_SIZE] = "";
  std::string range = std::to_string(sink.offset) + "-";
  std::string agent = std::string("mkata/") + MKATA_VERSION;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, protocols.c_str());
  curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt(curl, CURLOPT_FAILONERROR, 1L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, agent.c_str());
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME,
                   std::max(1L, static_cast<long>(options.stall_timeout.count() / 1000)));
  if (sink.offset > 0) curl_easy_setopt(curl, CURLOPT_RANGE, range.c_str());
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &attempt);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &ctx);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &attempt);
  CURLcode code = curl_easy_perform(curl);
  long http = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &http);
  curl_easy_cleanup(curl);
  return classify(code, http, attempt, errbuf);
}

// Waits before the next try, in small steps so that Ctrl-C is not held up by a backoff.
bool backoff(std::chrono::milliseconds delay, const DownloadOptions& options) {
  auto until = std::chrono::steady_clock::now() + delay;
  while (std::chrono::steady_clock::now() < until) {
    if (options.cancelled ? options.cancelled() : interrupted()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

// The retry loop shared by files and text. `held` reports the bytes kept between attempts.
Result<void> fetch(const std::string& url, Sink& sink, const DownloadOptions& options,
                   const std::function<uint64_t()>& held) {
  init_curl_once();
  auto protocols = allowed_protocols(url);
  if (!protocols) return fail(protocols.error());
  std::chrono::milliseconds delay = options.first_backoff;
  int attempts = std::max(1, options.attempts);
  for (int i = 1;; ++i) {
    sink.offset = held();
    Outcome out = run_attempt(url, *protocols, sink, options);
    if (out.reason.empty()) return {};
    if (out.interrupted) {
      return fail(Error("download " + url + ": interrupted", ErrorKind::kInterrupted));
    }
    if (out.http == 416 && sink.offset > 0 && sink.fd >= 0 && ftruncate(sink.fd, 0) == 0) {
      out.transient = true;  // our partial file is not a prefix the server knows: start over
    }
    if (!out.transient) return fail(Error("download " + url + ": " + out.reason));
    if (i >= attempts) {
      return fail(Error("download " + url + ": " + out.reason + " (after " +
                        std::to_string(attempts) + " attempts)"));
    }
    if (!backoff(delay, options)) {
      return fail(Error("download " + url + ": interrupted", ErrorKind::kInterrupted));
    }
    delay *= 2;
  }
}

}  // namespace

bool is_url(const std::string& source) {
  return starts_with(source, "https://") || starts_with(source, "http://");
}

std::string url_file_name(const std::string& url) {
  std::string path = url.substr(0, url.find_first_of("?#"));
  size_t scheme = path.find("://");
  if (scheme != std::string::npos) path = path.substr(scheme + 3);
  size_t slash = path.find('/');
  path = slash == std::string::npos ? "" : path.substr(slash);
  while (!path.empty() && path.back() == '/') path.pop_back();
  std::string name = path.substr(path.rfind('/') + 1);
  return name.empty() || name == "." || name == ".." ? "download" : name;
}

Result<std::string> download_file(const std::string& url, const std::string& dir,
                                  const std::string& file_name, const DownloadOptions& options) {
  std::string final_path = dir + "/" + file_name;
  std::string part = final_path + ".part";
  int fd = open(part.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return fail(Error::from_errno("download " + url + ": create " + part, errno));
  Sink sink;
  sink.fd = fd;
  auto held = [fd]() -> uint64_t {
    struct stat st {};
    return fstat(fd, &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
  };
  auto fetched = fetch(url, sink, options, held);
  if (fetched && fsync(fd) != 0) {
    fetched = fail(Error::from_errno("download " + url + ": write " + part, errno));
  }
  close(fd);
  if (fetched && rename(part.c_str(), final_path.c_str()) != 0) {
    fetched = fail(Error::from_errno("download " + url + ": rename " + part, errno));
  }
  if (!fetched) {
    unlink(part.c_str());
    return fail(fetched.error());
  }
  return final_path;
}

Result<std::string> download_text(const std::string& url, const DownloadOptions& options,
                                  size_t max_bytes) {
  std::string body;
  Sink sink;
  sink.memory = &body;
  sink.max_bytes = max_bytes;
  // Text is small: every attempt starts from zero.
  auto fetched = fetch(url, sink, options, [&body]() -> uint64_t {
    body.clear();
    return 0;
  });
  if (!fetched) return fail(fetched.error());
  return body;
}

Result<std::string> read_text_source(const std::string& file_or_url,
                                     const DownloadOptions& options) {
  if (is_url(file_or_url)) return download_text(file_or_url, options);
  return read_file(file_or_url);
}

ProgressCallback terminal_progress(const std::string& label) {
  if (!isatty(STDERR_FILENO)) return {};
  auto last = std::make_shared<std::chrono::steady_clock::time_point>();
  return [label, last](uint64_t received, std::optional<uint64_t> total) {
    auto now = std::chrono::steady_clock::now();
    bool done = total && received >= *total;
    if (!done && now - *last < std::chrono::milliseconds(200)) return;
    *last = now;
    double mib = static_cast<double>(received) / (1 << 20);
    if (total) {
      double all = static_cast<double>(*total) / (1 << 20);
      std::fprintf(stderr, "\r    %s: %.1f / %.1f MiB (%d%%)", label.c_str(), mib, all,
                   static_cast<int>(100.0 * static_cast<double>(received) /
                                    static_cast<double>(std::max<uint64_t>(*total, 1))));
    } else {
      std::fprintf(stderr, "\r    %s: %.1f MiB", label.c_str(), mib);
    }
    if (done) std::fprintf(stderr, "\n");
  };
}

}  // namespace mkata::artifacts
