// See http_client.h.
#include "core/http_client.h"

#include <curl/curl.h>

#include <mutex>

namespace mkata {
namespace {

size_t append_body(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

}  // namespace

Result<HttpResponse> http_request(const HttpRequest& request) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  std::string what = request.method + " " + request.url +
                     (request.unix_socket.empty() ? "" : " on " + request.unix_socket);
  CURL* curl = curl_easy_init();
  if (!curl) return fail(what + ": cannot create a curl handle");
  HttpResponse response;
  char error_text[CURL_ERROR_SIZE] = {0};
  curl_slist* headers = nullptr;
  long timeout_ms = static_cast<long>(request.timeout.count());
  if (!request.unix_socket.empty()) {
    curl_easy_setopt(curl, CURLOPT_UNIX_SOCKET_PATH, request.unix_socket.c_str());
  }
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  if (request.method != "GET")
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  for (const auto& h : request.headers) headers = curl_slist_append(headers, h.c_str());
  if (!request.body.empty()) {
    std::string content_type = "Content-Type: " + request.content_type;
    headers = curl_slist_append(headers, content_type.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(request.body.size()));
  }
  if (headers) curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_text);
  CURLcode code = curl_easy_perform(curl);
  if (code == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  if (code != CURLE_OK) {
    return fail(what + ": " + (error_text[0] ? error_text : curl_easy_strerror(code)));
  }
  return response;
}

}  // namespace mkata
