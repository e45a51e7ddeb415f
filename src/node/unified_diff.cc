// Unified diff in linear space (see unified_diff.h): Myers' O(ND) algorithm with the
// divide-and-conquer "middle snake" (Myers 1986, section 4b; the same scheme as GNU diff), so that
// memory grows with N+M, not N*M. The LCS table this replaced needed 4*N*M bytes: 1.6 GB for a
// 20k-line file and the OOM killer for a 15 MiB one.
//
// Memory: a string_view per line of both texts, a line id per line of the part between the common
// head and tail (usually tiny: an install appends or removes a block), two diagonal vectors and a
// change mark per line. Time: O((N+M)·D); past a cost bound the split point is chosen
// heuristically, as GNU diff does, so a file rewritten from end to end (re-indented JSON) still
// diffs quickly, with a correct if not always minimal diff.
#include "node/unified_diff.h"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace mkata::node {

namespace {

constexpr size_t kContext = 3;
constexpr long kMinTooExpensive = 4096;

std::vector<std::string_view> lines_with_eol(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    size_t end = nl == std::string::npos ? text.size() : nl + 1;
    lines.push_back(text.substr(pos, end - pos));
    pos = end;
  }
  return lines;
}

// The shortest edit script between two sequences of line ids, as marks: deleted[i] for lines of a
// that go, inserted[j] for lines of b that come.
class Myers {
 public:
  Myers(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b, std::vector<char>& deleted,
        std::vector<char>& inserted)
      : a_(a), b_(b), deleted_(deleted), inserted_(inserted) {
    long diagonals = static_cast<long>(a.size() + b.size()) + 3;
    forward_.assign(static_cast<size_t>(diagonals), 0);
    backward_.assign(static_cast<size_t>(diagonals), 0);
    offset_ = static_cast<long>(b.size()) + 1;
    too_expensive_ = 1;
    for (long n = diagonals; n > 0; n >>= 2) too_expensive_ <<= 1;  // ~ sqrt(N+M), as GNU diff
    too_expensive_ = std::max(kMinTooExpensive, too_expensive_);
  }

  void compare(long xoff, long xlim, long yoff, long ylim) {
    while (xoff < xlim && yoff < ylim && a(xoff) == b(yoff)) ++xoff, ++yoff;
    while (xlim > xoff && ylim > yoff && a(xlim - 1) == b(ylim - 1)) --xlim, --ylim;
    if (xoff == xlim) {
      for (long y = yoff; y < ylim; ++y) inserted_[static_cast<size_t>(y)] = 1;
    } else if (yoff == ylim) {
      for (long x = xoff; x < xlim; ++x) deleted_[static_cast<size_t>(x)] = 1;
    } else {
      auto [xmid, ymid] = middle_snake(xoff, xlim, yoff, ylim);
      compare(xoff, xmid, yoff, ymid);
      compare(xmid, xlim, ymid, ylim);
    }
  }

 private:
  uint32_t a(long i) const { return a_[static_cast<size_t>(i)]; }
  uint32_t b(long i) const { return b_[static_cast<size_t>(i)]; }
  long& fd(long d) { return forward_[static_cast<size_t>(d + offset_)]; }
  long& bd(long d) { return backward_[static_cast<size_t>(d + offset_)]; }

  // A point (x, y) on an optimal path from (xoff, yoff) to (xlim, ylim), both sides non-empty.
  std::pair<long, long> middle_snake(long xoff, long xlim, long yoff, long ylim) {
    const long dmin = xoff - ylim, dmax = xlim - yoff;
    const long fmid = xoff - yoff, bmid = xlim - ylim;
    long fmin = fmid, fmax = fmid, bmin = bmid, bmax = bmid;
    const bool odd = ((fmid - bmid) & 1) != 0;
    fd(fmid) = xoff;
    bd(bmid) = xlim;
    for (long c = 1;; ++c) {
      if (fmin > dmin)
        fd(--fmin - 1) = -1;
      else
        ++fmin;
      if (fmax < dmax)
        fd(++fmax + 1) = -1;
      else
        --fmax;
      for (long d = fmax; d >= fmin; d -= 2) {
        long lo = fd(d - 1), hi = fd(d + 1);
        long x = lo >= hi ? lo + 1 : hi;
        long y = x - d;
        while (x < xlim && y < ylim && a(x) == b(y)) ++x, ++y;
        fd(d) = x;
        if (odd && bmin <= d && d <= bmax && bd(d) <= x) return {x, y};
      }
      if (bmin > dmin)
        bd(--bmin - 1) = LONG_MAX;
      else
        ++bmin;
      if (bmax < dmax)
        bd(++bmax + 1) = LONG_MAX;
      else
        --bmax;
      for (long d = bmax; d >= bmin; d -= 2) {
        long lo = bd(d - 1), hi = bd(d + 1);
        long x = lo < hi ? lo : hi - 1;
        long y = x - d;
        while (x > xoff && y > yoff && a(x - 1) == b(y - 1)) --x, --y;
        bd(d) = x;
        if (!odd && fmin <= d && d <= fmax && x <= fd(d)) return {x, y};
      }
      if (c >= too_expensive_)
        return heuristic_split(xoff, xlim, yoff, ylim, fmin, fmax, bmin, bmax);
    }
  }

  // GNU diff's way out of an expensive search: the diagonal that got furthest, forward or back.
  std::pair<long, long> heuristic_split(long xoff, long xlim, long yoff, long ylim, long fmin,
                                        long fmax, long bmin, long bmax) {
    long fxybest = -1, fxbest = xoff;
    for (long d = fmax; d >= fmin; d -= 2) {
      long x = std::min(fd(d), xlim), y = x - d;
      if (ylim < y) x = ylim + d, y = ylim;
      if (fxybest < x + y) fxybest = x + y, fxbest = x;
    }
    long bxybest = LONG_MAX, bxbest = xlim;
    for (long d = bmax; d >= bmin; d -= 2) {
      long x = std::max(xoff, bd(d)), y = x - d;
      if (y < yoff) x = yoff + d, y = yoff;
      if (x + y < bxybest) bxybest = x + y, bxbest = x;
    }
    if ((xlim + ylim) - bxybest < fxybest - (xoff + yoff)) return {fxbest, fxybest - fxbest};
    return {bxbest, bxybest - bxbest};
  }

  const std::vector<uint32_t>& a_;
  const std::vector<uint32_t>& b_;
  std::vector<char>& deleted_;
  std::vector<char>& inserted_;
  std::vector<long> forward_, backward_;
  long offset_ = 0;
  long too_expensive_ = kMinTooExpensive;
};

// One run of changed lines: a[a_begin, a_end) replaced by b[b_begin, b_end).
struct Change {
  size_t a_begin, a_end, b_begin, b_end;
};

std::vector<Change> changes_of(const std::vector<std::string_view>& a,
                               const std::vector<std::string_view>& b) {
  // Common head and tail first: they are most of a config edit and need no ids.
  size_t head = 0;
  while (head < a.size() && head < b.size() && a[head] == b[head]) ++head;
  size_t tail = 0;
  while (tail < a.size() - head && tail < b.size() - head &&
         a[a.size() - 1 - tail] == b[b.size() - 1 - tail]) {
    ++tail;
  }
  size_t n = a.size() - head - tail, m = b.size() - head - tail;
  std::unordered_map<std::string_view, uint32_t> ids;
  auto id_of = [&](std::string_view line) {
    return ids.emplace(line, static_cast<uint32_t>(ids.size())).first->second;
  };
  std::vector<uint32_t> x(n), y(m);
  for (size_t i = 0; i < n; ++i) x[i] = id_of(a[head + i]);
  for (size_t j = 0; j < m; ++j) y[j] = id_of(b[head + j]);
  ids = {};
  std::vector<char> deleted(n, 0), inserted(m, 0);
  if (n + m > 0) {
    Myers(x, y, deleted, inserted).compare(0, static_cast<long>(n), 0, static_cast<long>(m));
  }
  std::vector<Change> out;
  size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && !deleted[i] && !inserted[j]) {
      ++i, ++j;
      continue;
    }
    Change c{head + i, 0, head + j, 0};
    while (i < n && deleted[i]) ++i;
    while (j < m && inserted[j]) ++j;
    c.a_end = head + i;
    c.b_end = head + j;
    out.push_back(c);
  }
  return out;
}

std::string range(size_t start, size_t count) {
  // diff -u prints the line before an empty range, and omits a count of 1.
  size_t first = count == 0 ? start : start + 1;
  return std::to_string(first) + (count == 1 ? "" : "," + std::to_string(count));
}

void emit(std::string& out, char op, std::string_view line) {
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
  auto changes = changes_of(a, b);
  std::string out = "--- " + from_label + "\n+++ " + to_label + "\n";
  for (size_t k = 0; k < changes.size();) {
    // A hunk: changes at most 2*kContext equal lines apart, with kContext lines around them.
    size_t last = k;
    while (last + 1 < changes.size() &&
           changes[last + 1].a_begin - changes[last].a_end <= 2 * kContext) {
      ++last;
    }
    size_t lead = std::min(kContext, changes[k].a_begin);
    size_t a_start = changes[k].a_begin - lead, b_start = changes[k].b_begin - lead;
    size_t trail = std::min(kContext, a.size() - changes[last].a_end);
    size_t a_stop = changes[last].a_end + trail, b_stop = changes[last].b_end + trail;
    out += "@@ -" + range(a_start, a_stop - a_start) + " +" + range(b_start, b_stop - b_start) +
           " @@\n";
    size_t at = a_start;
    for (size_t c = k; c <= last; ++c) {
      for (; at < changes[c].a_begin; ++at) emit(out, ' ', a[at]);
      for (size_t x = changes[c].a_begin; x < changes[c].a_end; ++x) emit(out, '-', a[x]);
      for (size_t y = changes[c].b_begin; y < changes[c].b_end; ++y) emit(out, '+', b[y]);
      at = changes[c].a_end;
    }
    for (; at < a_stop; ++at) emit(out, ' ', a[at]);
    k = last + 1;
  }
  return out;
}

}  // namespace mkata::node
