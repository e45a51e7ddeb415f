// autoscale's memory guard: a bloat request's memory is reserved before a page of it is touched,
// and only if it fits under everything that would otherwise get the server OOM-killed:
// MemAvailable, and the limit of every memory cgroup above the process (cgroup v1
// memory.limit_in_bytes, v2 memory.max and memory.high, up to the mount root of the hierarchy
// as the process sees it) minus what that cgroup already uses. Parallel requests see each other's
// reservations, so N of them cannot each find the same free memory and together exceed it.
// A reservation shrinks as its pages are touched (then the kernel's usage counts them), so
// memory is never counted twice for long and requests that fit are served as before.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mkata::workload {

/// The value of a cgroup memory limit file in bytes: v1 memory.limit_in_bytes (a number; the
/// kernel writes "unlimited" as 9223372036854771712, and any value from 2^62 up counts as
/// unlimited) or v2 memory.max / memory.high ("max" is unlimited). Unlimited is UINT64_MAX.
/// Returns false for any other text; the caller then ignores the file.
bool parse_memory_limit(std::string_view text, std::uint64_t& bytes);

/// A memory cgroup directory that bounds this process, as a path under the root.
struct MemoryCgroupDir {
  std::string path;  ///< e.g. "/sys/fs/cgroup/memory/kubepods/pod1/c1"
  bool v2 = false;   ///< v2 files (memory.max, memory.high, memory.current) instead of v1's
  bool operator==(const MemoryCgroupDir&) const = default;
};

/// This process's memory cgroup directories and their ancestors up to the mount point of each
/// hierarchy, innermost first (v1 first, then v2), from the texts of /proc/self/cgroup (the v1
/// line naming the "memory" controller, the v2 line "0::/path") and /proc/self/mountinfo (the
/// "cgroup" mount with the memory option, the "cgroup2" mount). A cgroup path is taken relative
/// to the mount's root (in a container without a cgroup namespace the mount root is the
/// container's own cgroup); a path outside the mount's root gives the mount point alone. Empty
/// mountinfo text falls back to /sys/fs/cgroup/memory (v1) and /sys/fs/cgroup (v2).
std::vector<MemoryCgroupDir> memory_cgroup_dirs(std::string_view self_cgroup,
                                                std::string_view mountinfo);

/// What the process may still allocate right now, and what sets that bound.
struct MemoryHeadroom {
  std::uint64_t bytes = UINT64_MAX;  ///< UINT64_MAX when nothing readable bounds it
  /// The tightest bound, for the 503: "MemAvailable 900 MiB" or
  /// "limit 300 MiB in /sys/fs/cgroup/memory/x/memory.limit_in_bytes, 40 MiB in use"; empty
  /// when nothing bounds it.
  std::string bound;
};

/// Reads the headroom now from the files under root ("" for this system's own /proc and
/// /sys): MemAvailable of /proc/meminfo, and for each directory of memory_cgroup_dirs() that has
/// a limit, the limit minus its usage (v1 memory.usage_in_bytes, v2 memory.current) less its
/// inactive file pages (memory.stat), which the kernel reclaims before it OOM-kills. The
/// smallest wins. Unreadable or unparsable files are skipped.
MemoryHeadroom read_memory_headroom(const std::string& root);

/// read_memory_headroom() for a long-running process, about 8 times cheaper: the cgroup
/// directories are derived again only when the text of /proc/self/cgroup changes (mountinfo is
/// the costliest file to read), and every file stays open and is read again from offset 0 (the
/// kernel produces fresh text on each read). A file that cannot be opened counts as absent until
/// the directories change. Not thread-safe: MemoryGuard calls it under its lock.
class MemoryHeadroomReader {
 public:
  explicit MemoryHeadroomReader(std::string root);
  MemoryHeadroom read();

 private:
  // A file kept open for reading from the start again and again.
  class OpenFile {
   public:
    OpenFile() = default;
    explicit OpenFile(std::string path) : path_(std::move(path)) {}
    OpenFile(OpenFile&& other) noexcept;
    OpenFile& operator=(OpenFile&& other) noexcept;
    ~OpenFile();
    /// The whole text now, or nullopt when the file cannot be opened or read.
    std::optional<std::string> text();

   private:
    std::string path_;
    int fd_ = -1;
    bool opened_ = false;  // tried once: a missing file is not tried again
  };
  struct Dir {
    MemoryCgroupDir where;
    OpenFile limit, high, usage, stat;  // high: v2 only
  };
  void apply(Dir& dir, MemoryHeadroom& headroom);

  std::string root_;
  OpenFile self_cgroup_, meminfo_;
  std::optional<std::string> dirs_for_;  // the /proc/self/cgroup text dirs_ were derived from
  std::vector<Dir> dirs_;
};

class MemoryGuard;

/// Bytes reserved from a MemoryGuard and not yet in use. Move-only; the destructor gives back
/// whatever was not charged.
class MemoryReservation {
 public:
  MemoryReservation(MemoryReservation&& other) noexcept;
  MemoryReservation& operator=(MemoryReservation&&) = delete;
  MemoryReservation(const MemoryReservation&) = delete;
  ~MemoryReservation();
  /// Records that `bytes` more of the reservation are now really in use (their pages touched):
  /// the kernel's usage counts them from now on, so the reservation no longer does.
  void charged(std::uint64_t bytes);
  std::uint64_t uncharged() const { return uncharged_; }

 private:
  friend class MemoryGuard;
  MemoryReservation(MemoryGuard* guard, std::uint64_t bytes) : guard_(guard), uncharged_(bytes) {}
  MemoryGuard* guard_;
  std::uint64_t uncharged_;
};

/// Decides, one request at a time, whether a request's memory fits, and keeps the sum of the
/// reservations not yet in use.
class MemoryGuard {
 public:
  /// The OS seam: read_memory_headroom() for real, a fake in unit tests.
  using Measure = std::function<MemoryHeadroom()>;
  /// spare_bytes are kept free for the server itself (threads, buffers) and the kernel.
  MemoryGuard(Measure measure, std::uint64_t spare_bytes)
      : measure_(std::move(measure)), spare_(spare_bytes) {}

  /// Reserves `bytes` when they fit into the headroom less the spare bytes and less the
  /// reservations of the requests in flight that are not yet in use. Otherwise returns nullopt
  /// and sets error to one line, e.g. "cannot allocate 500 MiB: only 236 MiB available (limit
  /// 300 MiB in /sys/fs/cgroup/memory/x/memory.limit_in_bytes, 31 MiB in use, 0 MiB reserved
  /// by requests in flight, 32 MiB kept free)" (sizes rounded down to whole MiB).
  std::optional<MemoryReservation> reserve(std::uint64_t bytes, std::string& error);

  /// The reserved bytes not yet in use, over all reservations alive.
  std::uint64_t uncharged() const { return uncharged_.load(); }

 private:
  friend class MemoryReservation;
  Measure measure_;
  const std::uint64_t spare_;
  std::mutex decide_;  // one decision at a time: measure, compare, reserve
  std::atomic<std::uint64_t> uncharged_{0};
};

/// The guard of this process over the real system (a MemoryHeadroomReader of ""), keeping
/// 32 MiB free.
MemoryGuard& process_memory_guard();

}  // namespace mkata::workload
