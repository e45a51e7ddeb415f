// Unified diff via a longest-common-subsequence table (see unified_diff.h).
#include "node/unified_diff.h"

#include <algorithm>
#include <vector>

namespace mkata::node {

namespace {

constexpr size_t kContext = 3;

struct DiffLine {
  char op;  // ' ', '-', '+'
  size_t a, b;  // line indexes in before/after (valid for ' ' and '-' / ' ' and '+')
};

std::vector<std::string> lines_with_eol(const std::string& text) {
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    size_t end = nl == std::string::npos ? text.size() : nl + 1;
    lines.push_back(text.substr(pos, end - pos));
    pos = end;
  }
  return lines;
}

std::vector<DiffLine> diff_lines(const std::vector<std::string>& a,
                                 const std::vector<std::string>& b) {
  size_t n = a.size(), m = b.size();
  std::vector<std::vector<unsigned>> lcs(n + 1, std::vector<unsigned>(m + 1, 0));
  for (size_t i = n; i-- > 0;) {
    for (size_t j = m; j-- > 0;) {
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  std::vector<DiffLine> out;
  size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] == b[j]) {
      out.push_back({' ', i++, j++});
    } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
      out.push_back({'-', i++, j});  // deletions first, as diff prints them
    } else {
      out.push_back({'+', i, j++});
    }
  }
  return out;
}

std::string range(size_t start, size_t count) {
  // diff -u prints the line before an empty range, and omits a count of 1.
  size_t first = count == 0 ? start : start + 1;
  return std::to_string(first) + (count == 1 ? "" : "," + std::to_string(count));
}

void emit(std::string& out, char op, const std::string& line) {
  out += op;
  out += line;
  if (line.empty() || line.back() != '\n') out += "\n\\ No newline at end of file\n";
}

}  // namespace

std::string unified_diff(const std::string& before, const std::string& after,
                         const std::string& from_label, const std::string& to_label) {
  if (before == after) return "";
  auto a = lines_with_eol(before);
  auto b = lines_with_eol(after);
  auto d = diff_lines(a, b);
  std::string out = "--- " + from_label + "\n+++ " + to_label + "\n";
  size_t k = 0;
  while (k < d.size()) {
    if (d[k].op == ' ') {
      ++k;
      continue;
    }
    // A hunk: from kContext lines before this change to kContext lines after the last change
    // that is at most 2*kContext lines away from the previous one.
    size_t start = k >= kContext ? k - kContext : 0;
    size_t end = k;
    while (end < d.size()) {
      size_t next = end;
      while (next < d.size() && d[next].op == ' ') ++next;
      if (next == d.size() || next - end > 2 * kContext) break;
      end = next;
      while (end < d.size() && d[end].op != ' ') ++end;
    }
    size_t stop = std::min(d.size(), end + kContext);
    size_t a_start = d[start].a, b_start = d[start].b, a_count = 0, b_count = 0;
    for (size_t x = start; x < stop; ++x) {
      if (d[x].op != '+') ++a_count;
      if (d[x].op != '-') ++b_count;
    }
    out += "@@ -" + range(a_start, a_count) + " +" + range(b_start, b_count) + " @@\n";
    for (size_t x = start; x < stop; ++x) {
      emit(out, d[x].op, d[x].op == '+' ? b[d[x].b] : a[d[x].a]);
    }
    k = stop;
  }
  return out;
}

}  // namespace mkata::node
