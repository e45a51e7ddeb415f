#include "image/workload_binaries.h"

#include <elf.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "core/files.h"
#include "core/strings.h"

namespace mkata::image {

namespace {

std::string self_exe() {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? "" : p.string();
}

std::vector<std::string> missing_in(const std::string& dir) {
  std::vector<std::string> missing;
  for (const auto& name : kWorkloadNames) {
    if (access((dir + "/" + name).c_str(), X_OK) != 0) missing.push_back(name);
  }
  return missing;
}

}  // namespace

std::vector<std::string> workload_dir_candidates(const std::string& explicit_dir,
                                                 const std::string& env_dir,
                                                 const std::string& exe_path) {
  if (!explicit_dir.empty()) return {explicit_dir};
  if (!env_dir.empty()) return {env_dir};
  std::vector<std::string> dirs;
  if (!exe_path.empty()) {
    auto exe_dir = std::filesystem::path(exe_path).parent_path();
    dirs.push_back((exe_dir / ".." / ".." / "workloads").lexically_normal().string());     // build
    dirs.push_back((exe_dir / ".." / "lib/mkata/workloads").lexically_normal().string());  // .deb
  }
  dirs.push_back(kInstalledWorkloadDir);
  return dirs;
}

Result<std::string> find_workload_dir(const std::vector<std::string>& candidates) {
  std::vector<std::string> tried;
  for (const auto& dir : candidates) {
    auto missing = missing_in(dir);
    if (missing.empty()) return dir;
    tried.push_back(dir + " (missing " + join(missing, ", ") + ")");
  }
  return fail(Error("find workload binaries: no directory holds " + join(kWorkloadNames, ", ") +
                    "; searched: " + join(tried, "; "))
                  .with_hint("build them (ninja -C build helloworld autoscale pause) or pass "
                             "--workloads DIR (or set MKATA_WORKLOAD_DIR)"));
}

Result<std::string> find_workload_dir(const std::string& explicit_dir) {
  const char* env = std::getenv("MKATA_WORKLOAD_DIR");
  return find_workload_dir(workload_dir_candidates(explicit_dir, env ? env : "", self_exe()));
}

Result<void> check_static_executable(const std::string& path, const std::string& bytes) {
  auto bad = [&](const std::string& why) {
    return fail(path + " is not a static x86-64 executable: " + why);
  };
  Elf64_Ehdr eh;
  if (bytes.size() < sizeof eh || std::memcmp(bytes.data(), ELFMAG, SELFMAG) != 0) {
    return bad("not an ELF file");
  }
  std::memcpy(&eh, bytes.data(), sizeof eh);
  if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_machine != EM_X86_64) {
    return bad("not x86-64 (ELF machine " + std::to_string(eh.e_machine) + ")");
  }
  if (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) return bad("not an executable");
  for (unsigned i = 0; i < eh.e_phnum; ++i) {
    size_t offset = eh.e_phoff + size_t{i} * eh.e_phentsize;
    Elf64_Phdr ph;
    if (eh.e_phentsize < sizeof ph || offset + sizeof ph > bytes.size()) {
      return bad("truncated program headers");
    }
    std::memcpy(&ph, bytes.data() + offset, sizeof ph);
    if (ph.p_type == PT_INTERP) return bad("dynamically linked (has an ELF interpreter)");
  }
  return {};
}

}  // namespace mkata::image
