// The memory guard's parsing through a fake root directory (the /proc and cgroup files of a
// hybrid v1 host, a container without a cgroup namespace, a pure v2 host) and its reservation
// arithmetic, alone and under 16 concurrent requests against a simulated kernel usage counter.
// The real kernel's view is proven by memory_guard_cgroup_test.cc.
#include "workload/memory_guard.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <latch>
#include <thread>

#include "support/test_env.h"
#include "workload/autoscale.h"

namespace mkata::workload {

// For readable failures (found by ADL, so outside the anonymous namespace).
void PrintTo(const MemoryCgroupDir& dir, std::ostream* out) {
  *out << (dir.v2 ? "v2 " : "v1 ") << dir.path;
}

namespace {

constexpr std::uint64_t kMiB = 1024 * 1024;
const std::string kV1Unlimited = "9223372036854771712\n";

std::string bytes(std::uint64_t mib) { return std::to_string(mib * kMiB) + "\n"; }

// A fake root: files written under it by their absolute path.
class FakeRoot {
 public:
  void write(const std::string& path, const std::string& text) {
    std::filesystem::path file = dir_.path() + path;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file) << text;
  }
  const std::string& path() const { return dir_.path(); }

 private:
  test::TempDir dir_{"mkata-memory-guard"};
};

const char* const kHybridMountinfo =
    "25 31 0:23 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw\n"
    "30 25 0:26 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "31 30 0:27 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n"
    "32 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
    "35 30 0:31 / /sys/fs/cgroup/memory rw,relatime shared:9 - cgroup cgroup rw,memory\n";

TEST(MemoryLimit, V1AndV2Texts) {
  std::uint64_t value = 0;
  EXPECT_TRUE(parse_memory_limit("314572800\n", value));
  EXPECT_EQ(value, 300 * kMiB);
  EXPECT_TRUE(parse_memory_limit(kV1Unlimited, value));
  EXPECT_EQ(value, UINT64_MAX) << "v1's unlimited";
  EXPECT_TRUE(parse_memory_limit("9223372036854710272\n", value));
  EXPECT_EQ(value, UINT64_MAX) << "v1's unlimited with 64 KiB pages";
  EXPECT_TRUE(parse_memory_limit("max\n", value));
  EXPECT_EQ(value, UINT64_MAX) << "v2's unlimited";
  EXPECT_TRUE(parse_memory_limit("0\n", value));
  EXPECT_EQ(value, 0u);
  for (const char* bad : {"", "\n", "-1\n", "12k\n", "max1\n", "18446744073709551616\n"})
    EXPECT_FALSE(parse_memory_limit(bad, value)) << bad;
}

TEST(MemoryCgroupDirs, HybridV1HostFromTheLeafToTheMountRoot) {
  const auto dirs = memory_cgroup_dirs(
      "9:name=systemd:/\n4:memory:/process_api/b9f0\n1:cpu:/\n0::/\n", kHybridMountinfo);
  const std::vector<MemoryCgroupDir> expected = {
      {"/sys/fs/cgroup/memory/process_api/b9f0", false},
      {"/sys/fs/cgroup/memory/process_api", false},
      {"/sys/fs/cgroup/memory", false},
      {"/sys/fs/cgroup/unified", true},
  };
  EXPECT_EQ(dirs, expected);
}

TEST(MemoryCgroupDirs, ContainerWithoutCgroupNamespaceSeesItsOwnCgroupAtTheMountPoint) {
  // Docker without a cgroup namespace: /proc/self/cgroup names the host's path, the mount's
  // root is that same cgroup.
  const auto dirs = memory_cgroup_dirs(
      "12:memory:/docker/abc\n0::/\n",
      "700 690 0:31 /docker/abc /sys/fs/cgroup/memory ro,nosuid - cgroup cgroup rw,memory\n");
  EXPECT_EQ(dirs, (std::vector<MemoryCgroupDir>{{"/sys/fs/cgroup/memory", false}}));
}

TEST(MemoryCgroupDirs, PureV2WithACgroupNamespace) {
  const auto dirs = memory_cgroup_dirs(
      "0::/\n", "800 790 0:29 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n");
  EXPECT_EQ(dirs, (std::vector<MemoryCgroupDir>{{"/sys/fs/cgroup", true}}));
}

TEST(MemoryCgroupDirs, PathsOutsideTheMountRootEscapesAndFallbacks) {
  // A process outside its cgroup namespace's root: only the mount point can be read.
  EXPECT_EQ(
      memory_cgroup_dirs("0::/../../other\n", "1 0 0:29 / /sys/fs/cgroup rw - cgroup2 x rw\n"),
      (std::vector<MemoryCgroupDir>{{"/sys/fs/cgroup", true}}));
  EXPECT_EQ(memory_cgroup_dirs("4:memory:/elsewhere\n",
                               "1 0 0:31 /docker/abc /cg rw - cgroup cgroup rw,memory\n"),
            (std::vector<MemoryCgroupDir>{{"/cg", false}}));
  EXPECT_EQ(memory_cgroup_dirs("0::/..x\n", "1 0 0:29 / /cg rw - cgroup2 x rw\n"),
            (std::vector<MemoryCgroupDir>{{"/cg/..x", true}, {"/cg", true}}))
      << "a cgroup named ..x is no escape";
  // "/docker/abcd" is not below "/docker/abc".
  EXPECT_EQ(memory_cgroup_dirs("4:memory:/docker/abcd\n",
                               "1 0 0:31 /docker/abc /cg rw - cgroup cgroup rw,memory\n"),
            (std::vector<MemoryCgroupDir>{{"/cg", false}}));
  // Mount points with escaped spaces, controllers sharing a hierarchy.
  EXPECT_EQ(memory_cgroup_dirs("3:hugetlb,memory:/a\n",
                               "1 0 0:31 / /my\\040cgroups rw - cgroup cgroup rw,hugetlb,memory\n"),
            (std::vector<MemoryCgroupDir>{{"/my cgroups/a", false}, {"/my cgroups", false}}));
  // A v1 hierarchy without the memory controller is not the memory one.
  EXPECT_EQ(memory_cgroup_dirs("4:memory:/a\n", "1 0 0:31 / /cg rw - cgroup cgroup rw,memory_x\n"),
            std::vector<MemoryCgroupDir>{});
  // No mountinfo: the usual mount points.
  EXPECT_EQ(memory_cgroup_dirs("4:memory:/a\n0::/b\n", ""),
            (std::vector<MemoryCgroupDir>{{"/sys/fs/cgroup/memory/a", false},
                                          {"/sys/fs/cgroup/memory", false},
                                          {"/sys/fs/cgroup/b", true},
                                          {"/sys/fs/cgroup", true}}));
  EXPECT_EQ(memory_cgroup_dirs("", kHybridMountinfo), std::vector<MemoryCgroupDir>{});
}

TEST(MemoryHeadroom, V1LimitLessUsageLessInactiveFilePages) {
  FakeRoot root;
  root.write("/proc/self/cgroup", "4:memory:/pod/c\n0::/\n");
  root.write("/proc/self/mountinfo", kHybridMountinfo);
  root.write("/proc/meminfo", "MemTotal: 24683584 kB\nMemAvailable: 24270872 kB\n");
  const std::string c = "/sys/fs/cgroup/memory/pod/c";
  root.write(c + "/memory.limit_in_bytes", bytes(300));
  root.write(c + "/memory.usage_in_bytes", bytes(100));
  root.write(c + "/memory.stat", "inactive_file 1\ntotal_inactive_file " + bytes(20) + "x 1\n");
  root.write("/sys/fs/cgroup/memory/pod/memory.limit_in_bytes", kV1Unlimited);
  root.write("/sys/fs/cgroup/memory/memory.limit_in_bytes", kV1Unlimited);
  MemoryHeadroom headroom = read_memory_headroom(root.path());
  EXPECT_EQ(headroom.bytes, 220 * kMiB);
  EXPECT_EQ(headroom.bound, "limit 300 MiB in " + c + "/memory.limit_in_bytes, 80 MiB in use");
}

TEST(MemoryHeadroom, TheTightestAncestorWins) {
  FakeRoot root;
  root.write("/proc/self/cgroup", "4:memory:/pod/c\n");
  root.write("/proc/self/mountinfo", kHybridMountinfo);
  root.write("/sys/fs/cgroup/memory/pod/c/memory.limit_in_bytes", bytes(300));
  root.write("/sys/fs/cgroup/memory/pod/c/memory.usage_in_bytes", bytes(10));
  root.write("/sys/fs/cgroup/memory/pod/memory.limit_in_bytes", bytes(200));
  root.write("/sys/fs/cgroup/memory/pod/memory.usage_in_bytes", bytes(150));
  MemoryHeadroom headroom = read_memory_headroom(root.path());
  EXPECT_EQ(headroom.bytes, 50 * kMiB);
  EXPECT_EQ(headroom.bound,
            "limit 200 MiB in /sys/fs/cgroup/memory/pod/memory.limit_in_bytes, 150 MiB in use");
  // Usage above the limit (the kernel lets it overshoot a little): nothing left, not a wrap.
  root.write("/sys/fs/cgroup/memory/pod/memory.usage_in_bytes", bytes(201));
  EXPECT_EQ(read_memory_headroom(root.path()).bytes, 0u);
}

TEST(MemoryHeadroom, V2MaxAndHighTheLowerCounts) {
  FakeRoot root;
  root.write("/proc/self/cgroup", "0::/app\n");
  root.write("/proc/self/mountinfo", "1 0 0:29 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n");
  const std::string app = "/sys/fs/cgroup/app";
  root.write(app + "/memory.max", "max\n");
  root.write(app + "/memory.high", bytes(400));
  root.write(app + "/memory.current", bytes(100));
  root.write(app + "/memory.stat", "anon 1\ninactive_file " + bytes(30) + "\n");
  MemoryHeadroom headroom = read_memory_headroom(root.path());
  EXPECT_EQ(headroom.bytes, 330 * kMiB);
  EXPECT_EQ(headroom.bound, "limit 400 MiB in " + app + "/memory.high, 70 MiB in use");

  root.write(app + "/memory.max", bytes(256));
  headroom = read_memory_headroom(root.path());
  EXPECT_EQ(headroom.bytes, 186 * kMiB);
  EXPECT_EQ(headroom.bound, "limit 256 MiB in " + app + "/memory.max, 70 MiB in use");
}

TEST(MemoryHeadroom, MemAvailableWhenItIsTighterAndNothingWhenNothingIsReadable) {
  FakeRoot root;
  root.write("/proc/self/cgroup", "0::/app\n");
  root.write("/proc/self/mountinfo", "1 0 0:29 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n");
  root.write("/sys/fs/cgroup/app/memory.max", bytes(1024));
  root.write("/sys/fs/cgroup/app/memory.current", bytes(0));
  root.write("/proc/meminfo", "MemTotal: 1048576 kB\nMemAvailable: 102400 kB\n");
  MemoryHeadroom headroom = read_memory_headroom(root.path());
  EXPECT_EQ(headroom.bytes, 100 * kMiB);
  EXPECT_EQ(headroom.bound, "MemAvailable 100 MiB");

  FakeRoot empty;
  headroom = read_memory_headroom(empty.path());
  EXPECT_EQ(headroom.bytes, UINT64_MAX);
  EXPECT_EQ(headroom.bound, "");
}

TEST(MemoryHeadroomReader, SeesAChangedLimitAndAMoveToAnotherCgroup) {
  FakeRoot root;
  root.write("/proc/self/cgroup", "0::/a\n");
  root.write("/proc/self/mountinfo", "1 0 0:29 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n");
  for (const char* dir : {"/sys/fs/cgroup/a", "/sys/fs/cgroup/b"}) {
    root.write(std::string(dir) + "/memory.max", bytes(300));
    root.write(std::string(dir) + "/memory.current", bytes(100));
  }
  MemoryHeadroomReader reader(root.path());
  EXPECT_EQ(reader.read().bytes, 200 * kMiB);
  // The files are kept open and read again: a resized limit and a new usage count at once.
  root.write("/sys/fs/cgroup/a/memory.max", bytes(500));
  root.write("/sys/fs/cgroup/a/memory.current", bytes(50));
  EXPECT_EQ(reader.read().bytes, 450 * kMiB);
  root.write("/sys/fs/cgroup/b/memory.max", bytes(120));
  root.write("/proc/self/cgroup", "0::/b\n");
  MemoryHeadroom moved = reader.read();
  EXPECT_EQ(moved.bytes, 20 * kMiB);
  EXPECT_EQ(moved.bound, "limit 120 MiB in /sys/fs/cgroup/b/memory.max, 100 MiB in use");
}

TEST(MemoryHeadroom, ControlBytesInACgroupNameStayOutOfTheOneLineAnswer) {
  FakeRoot root;
  root.write("/proc/self/cgroup", "0::/a\tb\n");
  root.write("/proc/self/mountinfo", "1 0 0:29 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n");
  root.write("/sys/fs/cgroup/a\tb/memory.max", bytes(300));
  root.write("/sys/fs/cgroup/a\tb/memory.current", bytes(100));
  EXPECT_EQ(read_memory_headroom(root.path()).bound,
            "limit 300 MiB in /sys/fs/cgroup/a\\x09b/memory.max, 100 MiB in use");
}

TEST(MemoryGuard, ReservesWhatFitsAndSaysWhyNot) {
  auto measure = [] { return MemoryHeadroom{300 * kMiB, "limit 300 MiB in /x, 0 MiB in use"}; };
  MemoryGuard guard(measure, 32 * kMiB);
  std::string error;
  std::optional<MemoryReservation> first = guard.reserve(200 * kMiB, error);
  ASSERT_TRUE(first.has_value()) << error;
  EXPECT_EQ(guard.uncharged(), 200 * kMiB);
  // 300 − 200 reserved − 32 kept free = 68.
  EXPECT_FALSE(guard.reserve(69 * kMiB, error).has_value());
  EXPECT_EQ(error,
            "cannot allocate 69 MiB: only 68 MiB available (limit 300 MiB in /x, 0 MiB in use, "
            "200 MiB reserved by requests in flight, 32 MiB kept free)");
  std::optional<MemoryReservation> second = guard.reserve(68 * kMiB, error);
  EXPECT_TRUE(second.has_value());
  EXPECT_FALSE(guard.reserve(1 * kMiB, error).has_value());
  EXPECT_EQ(error,
            "cannot allocate 1 MiB: only 0 MiB available (limit 300 MiB in /x, 0 MiB in use, 268 "
            "MiB reserved by requests in flight, 32 MiB kept free)");
  // Charged bytes leave the reservation (the fake's usage does not grow: they are free again).
  first->charged(50 * kMiB);
  EXPECT_EQ(first->uncharged(), 150 * kMiB);
  EXPECT_EQ(guard.uncharged(), 218 * kMiB);
  first->charged(500 * kMiB);  // never below zero
  EXPECT_EQ(guard.uncharged(), 68 * kMiB);
  second.reset();
  EXPECT_EQ(guard.uncharged(), 0u) << "a reservation gives back what it did not charge";
}

TEST(MemoryGuard, HeadroomBelowTheSpareRefusesEverything) {
  MemoryGuard guard([] { return MemoryHeadroom{20 * kMiB, "MemAvailable 20 MiB"}; }, 32 * kMiB);
  std::string error;
  EXPECT_FALSE(guard.reserve(1 * kMiB, error).has_value());
  EXPECT_EQ(error,
            "cannot allocate 1 MiB: only 0 MiB available (MemAvailable 20 MiB, 0 MiB reserved by "
            "requests in flight, 32 MiB kept free)");
}

TEST(MemoryGuard, ConcurrentRequestsNeverTogetherExceedTheLimit) {
  // A simulated cgroup: 300 MiB limit, 10 MiB used by the server, usage grows as pages are
  // "touched" (before they are uncharged, as in allocate_touched) and shrinks when freed.
  constexpr std::uint64_t limit = 300 * kMiB, spare = 32 * kMiB, request = 50 * kMiB;
  std::atomic<std::uint64_t> usage{10 * kMiB};
  MemoryGuard guard(
      [&] {
        const std::uint64_t used = usage.load();
        return MemoryHeadroom{limit > used ? limit - used : 0, "fake"};
      },
      spare);
  constexpr int kRequests = 16;
  std::atomic<int> served{0};
  std::atomic<std::uint64_t> peak{0};
  std::latch all_decided(kRequests);
  std::vector<std::thread> threads;
  for (int i = 0; i < kRequests; ++i)
    threads.emplace_back([&] {
      std::string error;
      std::optional<MemoryReservation> reservation = guard.reserve(request, error);
      if (reservation) {
        ++served;
        for (std::uint64_t done = 0; done < request; done += kMiB) {
          const std::uint64_t now = usage.fetch_add(kMiB) + kMiB;
          for (std::uint64_t seen = peak.load();
               now > seen && !peak.compare_exchange_weak(seen, now);) {
          }
          reservation->charged(kMiB);
          std::this_thread::yield();
        }
      }
      // Every request holds its memory until all have decided, as parallel responses do.
      all_decided.arrive_and_wait();
      if (reservation) usage.fetch_sub(request);
    });
  for (auto& t : threads) t.join();
  // (300 − 10 − 32) / 50 = 5 fit at once, whatever the interleaving.
  EXPECT_EQ(served.load(), 5);
  EXPECT_LE(peak.load(), limit - spare);
  EXPECT_EQ(guard.uncharged(), 0u);
  EXPECT_EQ(usage.load(), 10 * kMiB);
}

TEST(MemoryGuard, AllocateTouchedReservesFirstAndChargesAsItTouches) {
  MemoryGuard guard([] { return MemoryHeadroom{100 * kMiB, "MemAvailable 100 MiB"}; }, 32 * kMiB);
  std::string error;
  EXPECT_EQ(allocate_touched(69, error, guard), nullptr);
  EXPECT_EQ(error,
            "cannot allocate 69 MiB: only 68 MiB available (MemAvailable 100 MiB, 0 MiB reserved "
            "by requests in flight, 32 MiB kept free)");
  std::shared_ptr<void> memory = allocate_touched(68, error, guard);
  ASSERT_NE(memory, nullptr) << error;
  EXPECT_EQ(guard.uncharged(), 0u) << "every touched MiB left the reservation";
}

}  // namespace
}  // namespace mkata::workload
