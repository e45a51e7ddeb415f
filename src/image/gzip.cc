#include "image/gzip.h"

#include <zlib.h>

#include <cstring>

namespace mkata::image {

namespace {

constexpr int kLevel = 9;
constexpr int kGzipWindowBits = 15 + 16;  // 32 KiB window, gzip wrapper
constexpr int kMemLevel = 8;              // zlib's default
constexpr int kOsUnix = 3;
constexpr size_t kChunk = 64 * 1024;

std::string zlib_message(const z_stream& stream, int code) {
  if (stream.msg) return stream.msg;
  return "zlib error " + std::to_string(code);
}

}  // namespace

Result<std::string> gzip_compress(std::string_view data) {
  z_stream stream{};
  int rc =
      deflateInit2(&stream, kLevel, Z_DEFLATED, kGzipWindowBits, kMemLevel, Z_DEFAULT_STRATEGY);
  if (rc != Z_OK) return fail("gzip: " + zlib_message(stream, rc));
  // Spell the header out rather than trusting defaults: mtime 0, no name/comment, OS = Unix.
  gz_header header{};
  header.time = 0;
  header.os = kOsUnix;
  deflateSetHeader(&stream, &header);
  std::string out;
  out.resize(deflateBound(&stream, data.size()) + 64);
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  rc = deflate(&stream, Z_FINISH);
  if (rc != Z_STREAM_END) {
    std::string message = zlib_message(stream, rc);
    deflateEnd(&stream);
    return fail("gzip: " + message);
  }
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

Result<std::string> gzip_decompress(std::string_view data) {
  z_stream stream{};
  int rc = inflateInit2(&stream, kGzipWindowBits);
  if (rc != Z_OK) return fail("gunzip: " + zlib_message(stream, rc));
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char buffer[kChunk];
  do {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    rc = inflate(&stream, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      std::string message = rc == Z_BUF_ERROR ? "truncated stream" : zlib_message(stream, rc);
      inflateEnd(&stream);
      return fail("gunzip: " + message);
    }
    out.append(buffer, sizeof buffer - stream.avail_out);
  } while (rc != Z_STREAM_END);
  inflateEnd(&stream);
  return out;
}

}  // namespace mkata::image
