// Response serialisation. Headers: Content-Type, Content-Length, Date (RFC 9110 §6.6.1: an origin
// server with a clock sends it), and Connection: close when the server will close.
#include "workload/http_response.h"

#include <algorithm>
#include <charconv>

namespace mkata::workload {

HttpResponse text_response(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

std::string_view status_reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 413:
      return "Content Too Large";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Unknown";
  }
}

void format_http_date(std::time_t when, char* buf) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::tm tm{};
  gmtime_r(&when, &tm);
  // Hand-formatted: strftime would depend on the locale, and this runs once a second per thread.
  auto two = [](char* p, int v) {
    p[0] = static_cast<char>('0' + v / 10 % 10);
    p[1] = static_cast<char>('0' + v % 10);
  };
  std::string_view day = kDays[tm.tm_wday % 7], month = kMonths[tm.tm_mon % 12];
  int year = tm.tm_year + 1900;
  char* p = buf;
  p = std::copy(day.begin(), day.end(), p);
  *p++ = ',';
  *p++ = ' ';
  two(p, tm.tm_mday);
  p += 2;
  *p++ = ' ';
  p = std::copy(month.begin(), month.end(), p);
  *p++ = ' ';
  two(p, year / 100);
  two(p + 2, year % 100);
  p += 4;
  *p++ = ' ';
  two(p, tm.tm_hour);
  p[2] = ':';
  two(p + 3, tm.tm_min);
  p[5] = ':';
  two(p + 6, tm.tm_sec);
  p += 8;
  std::string_view gmt = " GMT";
  p = std::copy(gmt.begin(), gmt.end(), p);
  *p = '\0';
}

void append_response(std::string& out, const HttpResponse& response, bool head_only, bool close,
                     std::string_view date) {
  char number[24];
  out += "HTTP/1.1 ";
  auto end = std::to_chars(number, number + sizeof number, response.status).ptr;
  out.append(number, end);
  out += ' ';
  out += status_reason(response.status);
  out += "\r\nContent-Type: ";
  out += response.content_type;
  out += "\r\nContent-Length: ";
  end = std::to_chars(number, number + sizeof number, response.body.size()).ptr;
  out.append(number, end);
  out += "\r\nDate: ";
  out += date;
  out += "\r\n";
  out += response.extra_headers;
  if (close) out += "Connection: close\r\n";
  out += "\r\n";
  if (!head_only) out += response.body;
}

}  // namespace mkata::workload
