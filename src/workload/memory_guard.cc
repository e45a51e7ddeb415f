// The memory guard: parsing of /proc/self/cgroup, /proc/self/mountinfo and the cgroup memory
// files, and the reservation arithmetic. The limits, usages and MemAvailable are read again for
// each bloat request (a limit changed at run time, e.g. a pod resized in place, is seen at once),
// through files kept open: on the development VM a fresh open+read of one of these files costs
// 9-50 us of CPU, a pread of an open one 1-10 us.
#include "workload/memory_guard.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <utility>

#include "workload/info.h"

namespace mkata::workload {
namespace {

constexpr std::uint64_t kMiB = 1024 * 1024;
// v1 writes "no limit" as PAGE_COUNTER_MAX pages (9223372036854771712 with 4 KiB pages, a little
// less with larger ones); no machine has 4 EiB, so everything from here up is no limit.
constexpr std::uint64_t kUnlimitedFrom = 1ull << 62;

std::string mib(std::uint64_t bytes) { return std::to_string(bytes / kMiB) + " MiB"; }

// A path for the one-line 503: control bytes (a cgroup name may hold a newline) as \xNN.
std::string printable(std::string_view path) {
  std::string out;
  for (unsigned char c : path) {
    if (c >= 0x20 && c != 0x7f) {
      out += static_cast<char>(c);
    } else {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    }
  }
  return out;
}

std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) {
  return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

// Calls f(line) for each line of text (without the '\n').
template <typename F>
void for_each_line(std::string_view text, F f) {
  while (!text.empty()) {
    std::size_t end = text.find('\n');
    f(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
}

// The space-separated fields of a line.
std::vector<std::string_view> fields(std::string_view line) {
  std::vector<std::string_view> out;
  while (!line.empty()) {
    std::size_t end = line.find(' ');
    if (end != 0) out.push_back(line.substr(0, end));
    if (end == std::string_view::npos) break;
    line.remove_prefix(end + 1);
  }
  return out;
}

bool has_word(std::string_view list, std::string_view word, char separator) {
  while (true) {
    std::size_t end = list.find(separator);
    if (list.substr(0, end) == word) return true;
    if (end == std::string_view::npos) return false;
    list.remove_prefix(end + 1);
  }
}

// mountinfo writes space, tab, newline and backslash in paths as \040, \011, \012, \134.
std::string unescape_octal(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 3 < text.size() && text[i + 1] >= '0' && text[i + 1] <= '3' &&
        text[i + 2] >= '0' && text[i + 2] <= '7' && text[i + 3] >= '0' && text[i + 3] <= '7') {
      out += static_cast<char>((text[i + 1] - '0') * 64 + (text[i + 2] - '0') * 8 +
                               (text[i + 3] - '0'));
      i += 3;
    } else {
      out += text[i];
    }
  }
  return out;
}

struct CgroupMount {
  std::string root;         // the cgroup path the mount shows at its mount point
  std::string mount_point;  // where it is mounted
};

// The first mount of the v1 hierarchy with the memory controller (v2: the cgroup2 mount).
std::optional<CgroupMount> find_mount(std::string_view mountinfo, bool v2) {
  std::optional<CgroupMount> found;
  for_each_line(mountinfo, [&](std::string_view line) {
    if (found) return;
    // "36 35 0:30 <root> <mount point> <options> [optional fields] - <type> <source> <super>"
    std::vector<std::string_view> f = fields(line);
    std::size_t dash = 6;
    while (dash < f.size() && f[dash] != "-") ++dash;
    if (dash + 1 >= f.size()) return;
    std::string_view type = f[dash + 1];
    std::string_view super = dash + 3 < f.size() ? f[dash + 3] : std::string_view();
    if (v2 ? type != "cgroup2" : (type != "cgroup" || !has_word(super, "memory", ','))) return;
    found = CgroupMount{unescape_octal(f[3]), unescape_octal(f[4])};
  });
  return found;
}

// The directories from mount_point + (path relative to root) up to mount_point.
void add_dirs(std::string_view path, const CgroupMount& mount, bool v2,
              std::vector<MemoryCgroupDir>& dirs) {
  std::string_view root = mount.root;
  if (!root.empty() && root.back() == '/') root.remove_suffix(1);
  std::string relative;
  if (path.substr(0, root.size()) == root &&
      (path.size() == root.size() || path[root.size()] == '/'))
    relative = path.substr(root.size());
  // Outside the mount's root (or climbing out of a cgroup namespace with "/.."): only the mount
  // point can be read.
  if ((relative + "/").find("/../") != std::string::npos) relative.clear();
  while (!relative.empty() && relative.back() == '/') relative.pop_back();
  std::string base = mount.mount_point;
  while (base.size() > 1 && base.back() == '/') base.pop_back();
  while (true) {
    dirs.push_back({base + relative, v2});
    if (relative.empty()) break;
    relative.resize(relative.rfind('/'));
  }
}

// The value of "key <n>" in a memory.stat text, 0 if absent.
std::uint64_t stat_value(std::string_view stat, std::string_view key) {
  std::uint64_t value = 0;
  for_each_line(stat, [&](std::string_view line) {
    if (line.size() > key.size() && line.substr(0, key.size()) == key && line[key.size()] == ' ')
      parse_memory_limit(line.substr(key.size() + 1), value);
  });
  return value;
}

std::optional<std::uint64_t> limit_value(const std::optional<std::string>& text) {
  std::uint64_t bytes = 0;
  if (!text || !parse_memory_limit(*text, bytes)) return std::nullopt;
  return bytes;
}

}  // namespace

bool parse_memory_limit(std::string_view text, std::uint64_t& bytes) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  if (text == "max") {
    bytes = UINT64_MAX;
    return true;
  }
  if (text.empty() || text.size() > 20) return false;
  std::uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    const std::uint64_t digit = static_cast<std::uint64_t>(c - '0');
    if (value > (UINT64_MAX - digit) / 10) return false;
    value = value * 10 + digit;
  }
  bytes = value >= kUnlimitedFrom ? UINT64_MAX : value;
  return true;
}

std::vector<MemoryCgroupDir> memory_cgroup_dirs(std::string_view self_cgroup,
                                                std::string_view mountinfo) {
  std::vector<MemoryCgroupDir> dirs;
  for (bool v2 : {false, true}) {
    // "4:memory:/path" (v1, controllers comma-separated) or "0::/path" (v2).
    std::optional<std::string> path;
    for_each_line(self_cgroup, [&](std::string_view line) {
      std::size_t first = line.find(':');
      std::size_t second = first == std::string_view::npos ? first : line.find(':', first + 1);
      if (path || second == std::string_view::npos) return;
      std::string_view controllers = line.substr(first + 1, second - first - 1);
      if (v2 ? (line.substr(0, first) == "0" && controllers.empty())
             : has_word(controllers, "memory", ','))
        path = std::string(line.substr(second + 1));
    });
    if (!path) continue;
    std::optional<CgroupMount> mount =
        mountinfo.empty() ? CgroupMount{"/", v2 ? "/sys/fs/cgroup" : "/sys/fs/cgroup/memory"}
                          : find_mount(mountinfo, v2);
    if (mount) add_dirs(*path, *mount, v2, dirs);
  }
  return dirs;
}

MemoryHeadroom read_memory_headroom(const std::string& root) {
  return MemoryHeadroomReader(root).read();
}

MemoryHeadroomReader::OpenFile::OpenFile(OpenFile&& other) noexcept
    : path_(std::move(other.path_)), fd_(std::exchange(other.fd_, -1)), opened_(other.opened_) {}

MemoryHeadroomReader::OpenFile& MemoryHeadroomReader::OpenFile::operator=(
    OpenFile&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    path_ = std::move(other.path_);
    fd_ = std::exchange(other.fd_, -1);
    opened_ = other.opened_;
  }
  return *this;
}

MemoryHeadroomReader::OpenFile::~OpenFile() {
  if (fd_ >= 0) ::close(fd_);
}

std::optional<std::string> MemoryHeadroomReader::OpenFile::text() {
  if (!opened_) {
    opened_ = true;
    fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  }
  if (fd_ < 0) return std::nullopt;
  std::string text;
  char buf[4096];
  ssize_t n;
  // The files are small (memory.stat about 1 KiB); 1 MiB bounds a surprise.
  while ((n = ::pread(fd_, buf, sizeof buf, static_cast<off_t>(text.size()))) > 0 &&
         text.size() < (1u << 20))
    text.append(buf, static_cast<std::size_t>(n));
  if (n < 0) return std::nullopt;
  return text;
}

MemoryHeadroomReader::MemoryHeadroomReader(std::string root)
    : root_(std::move(root)),
      self_cgroup_(root_ + "/proc/self/cgroup"),
      meminfo_(root_ + "/proc/meminfo") {}

MemoryHeadroom MemoryHeadroomReader::read() {
  MemoryHeadroom headroom;
  std::optional<std::string> self_cgroup = self_cgroup_.text();
  if (self_cgroup != dirs_for_) {
    // Moved to another cgroup (or the first time): find the directories and open their files.
    dirs_.clear();
    if (self_cgroup) {
      auto mountinfo = read_small_file((root_ + "/proc/self/mountinfo").c_str());
      for (MemoryCgroupDir& where : memory_cgroup_dirs(*self_cgroup, mountinfo.value_or(""))) {
        const std::string at = root_ + where.path + "/";
        Dir dir{where, OpenFile(at + (where.v2 ? "memory.max" : "memory.limit_in_bytes")),
                OpenFile(where.v2 ? at + "memory.high" : std::string()),
                OpenFile(at + (where.v2 ? "memory.current" : "memory.usage_in_bytes")),
                OpenFile(at + "memory.stat")};
        dirs_.push_back(std::move(dir));
      }
    }
    dirs_for_ = std::move(self_cgroup);
  }
  for (Dir& dir : dirs_) apply(dir, headroom);
  if (auto meminfo = meminfo_.text()) {
    const std::uint64_t available = meminfo_bytes(*meminfo, "MemAvailable");
    if (available != 0 && available < headroom.bytes) {
      headroom.bytes = available;
      headroom.bound = "MemAvailable " + mib(available);
    }
  }
  return headroom;
}

// Tightens headroom with one cgroup directory's limit, if it has one.
void MemoryHeadroomReader::apply(Dir& dir, MemoryHeadroom& headroom) {
  const bool v2 = dir.where.v2;
  std::uint64_t limit = limit_value(dir.limit.text()).value_or(UINT64_MAX);
  const char* limit_file = v2 ? "memory.max" : "memory.limit_in_bytes";
  if (v2) {
    if (std::uint64_t high = limit_value(dir.high.text()).value_or(UINT64_MAX); high < limit) {
      limit = high;
      limit_file = "memory.high";
    }
  }
  if (limit == UINT64_MAX) return;
  std::optional<std::uint64_t> usage = limit_value(dir.usage.text());
  if (!usage) return;
  if (auto stat = dir.stat.text()) {
    const std::uint64_t inactive = stat_value(*stat, v2 ? "inactive_file" : "total_inactive_file");
    *usage -= inactive < *usage ? inactive : *usage;
  }
  const std::uint64_t left = limit > *usage ? limit - *usage : 0;
  if (left >= headroom.bytes) return;
  headroom.bytes = left;
  headroom.bound = "limit " + mib(limit) + " in " + printable(dir.where.path) + "/" + limit_file +
                   ", " + mib(*usage) + " in use";
}

MemoryReservation::MemoryReservation(MemoryReservation&& other) noexcept
    : guard_(other.guard_), uncharged_(other.uncharged_) {
  other.uncharged_ = 0;
}

MemoryReservation::~MemoryReservation() { charged(uncharged_); }

void MemoryReservation::charged(std::uint64_t bytes) {
  if (bytes > uncharged_) bytes = uncharged_;
  uncharged_ -= bytes;
  guard_->uncharged_.fetch_sub(bytes);
}

std::optional<MemoryReservation> MemoryGuard::reserve(std::uint64_t bytes, std::string& error) {
  std::lock_guard<std::mutex> lock(decide_);
  // The reservations are read before the usage: a page touched (and then uncharged) in between
  // is counted twice, which is safe, never not at all.
  const std::uint64_t reserved = uncharged_.load();
  const MemoryHeadroom headroom = measure_();
  const std::uint64_t taken = saturating_add(reserved, spare_);
  const std::uint64_t free = headroom.bytes > taken ? headroom.bytes - taken : 0;
  if (bytes > free) {
    error = "cannot allocate " + mib(bytes) + ": only " + mib(free) + " available (" +
            (headroom.bound.empty() ? "" : headroom.bound + ", ") + mib(reserved) +
            " reserved by requests in flight, " + mib(spare_) + " kept free)";
    return std::nullopt;
  }
  uncharged_.fetch_add(bytes);
  return MemoryReservation(this, bytes);
}

MemoryGuard& process_memory_guard() {
  static MemoryHeadroomReader reader("");
  static MemoryGuard guard([] { return reader.read(); }, 32 * kMiB);
  return guard;
}

}  // namespace mkata::workload
