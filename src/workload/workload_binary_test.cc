// The budgets of the built binaries (issue 2, Done means): statically linked (no ELF interpreter,
// so the image needs no libc), stripped, well under 2 MiB compressed, and under 4 MiB of RSS when
// idle. Sanitizer builds link dynamically and are much larger, so they skip.
#include <elf.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include <fstream>
#include <iterator>
#include <thread>

#include "workload/info.h"
#include "workload/test_workload_process.h"

namespace mkata::workload::testing {
namespace {

using namespace std::chrono_literals;

std::string read_binary(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Program-header types and section names of a 64-bit ELF file.
bool has_program_header(const std::string& elf, std::uint32_t type) {
  const auto* header = reinterpret_cast<const Elf64_Ehdr*>(elf.data());
  for (int i = 0; i < header->e_phnum; ++i) {
    const auto* ph =
        reinterpret_cast<const Elf64_Phdr*>(elf.data() + header->e_phoff + i * header->e_phentsize);
    if (ph->p_type == type) return true;
  }
  return false;
}

bool has_section_type(const std::string& elf, std::uint32_t type) {
  const auto* header = reinterpret_cast<const Elf64_Ehdr*>(elf.data());
  for (int i = 0; i < header->e_shnum; ++i) {
    const auto* sh =
        reinterpret_cast<const Elf64_Shdr*>(elf.data() + header->e_shoff + i * header->e_shentsize);
    if (sh->sh_type == type) return true;
  }
  return false;
}

std::size_t compressed_size(const std::string& data) {
  uLongf size = compressBound(data.size());
  std::string out(size, '\0');
  compress2(reinterpret_cast<Bytef*>(out.data()), &size,
            reinterpret_cast<const Bytef*>(data.data()), data.size(), 9);
  return size;
}

class WorkloadBinary : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
#ifdef WORKLOAD_SANITIZED
    GTEST_SKIP() << "sanitizer build: the workloads are linked dynamically";
#endif
  }
};

TEST_P(WorkloadBinary, StaticStrippedAndSmall) {
  const std::string elf = read_binary(workload_binary(GetParam()));
  ASSERT_GT(elf.size(), sizeof(Elf64_Ehdr));
  ASSERT_EQ(elf.compare(0, 4, ELFMAG), 0);
  EXPECT_FALSE(has_program_header(elf, PT_INTERP)) << "dynamically linked";
  EXPECT_FALSE(has_program_header(elf, PT_DYNAMIC)) << "dynamically linked";
  EXPECT_FALSE(has_section_type(elf, SHT_SYMTAB)) << "not stripped";
  EXPECT_LT(compressed_size(elf), 2u << 20);
  RecordProperty("bytes", static_cast<int>(elf.size()));
  RecordProperty("compressed_bytes", static_cast<int>(compressed_size(elf)));
}

TEST_P(WorkloadBinary, IdleRssUnder4MiB) {
  const std::string name = GetParam();
  std::unique_ptr<WorkloadProcess> server;
  pid_t pid;
  ChildProcess pause;
  if (name == "pause") {
    auto child = spawn({workload_binary("pause")});
    ASSERT_TRUE(child.has_value());
    pause = std::move(*child);
    pid = pause.pid();
    std::this_thread::sleep_for(200ms);
  } else {
    server = std::make_unique<WorkloadProcess>(name);
    ASSERT_TRUE(server->ok()) << server->error();
    pid = server->child().pid();
  }
  auto status = read_small_file(("/proc/" + std::to_string(pid) + "/status").c_str());
  ASSERT_TRUE(status.has_value());
  const std::uint64_t rss = meminfo_bytes(*status, "VmRSS");
  EXPECT_GT(rss, 0u);
  EXPECT_LT(rss, 4u << 20) << name << " idle RSS " << rss / 1024 << " KiB";
  if (pause.valid()) pause.stop(5s);
}

INSTANTIATE_TEST_SUITE_P(Each, WorkloadBinary,
                         ::testing::Values("helloworld", "autoscale", "pause"));

}  // namespace
}  // namespace mkata::workload::testing
