// See staging_dir.h.
#include "artifacts/staging_dir.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <vector>

#include "core/strings.h"

namespace mkata::artifacts {
namespace {

namespace fs = std::filesystem;

// Removes staging directories of this runtime that a killed run left behind.
void remove_stale(const std::string& dir, const std::string& prefix_name) {
  std::error_code ec;
  auto cutoff = fs::file_time_type::clock::now() - std::chrono::hours(24);
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (!starts_with(name, prefix_name) || !entry.is_directory(ec)) continue;
    if (fs::last_write_time(entry.path(), ec) < cutoff) fs::remove_all(entry.path(), ec);
  }
}

}  // namespace

std::string nearest_existing_parent(const std::string& path) {
  std::string dir = path;
  while (true) {
    size_t slash = dir.rfind('/');
    dir = slash == 0 || slash == std::string::npos ? "/" : dir.substr(0, slash);
    struct stat st {};
    if (dir == "/" || (stat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode))) return dir;
  }
}

Result<StagingDir> StagingDir::create_for(const std::string& prefix, const std::string& runtime) {
  std::string parent = nearest_existing_parent(prefix);
  std::string name = ".mkata-staging-" + runtime + "-";
  remove_stale(parent, name);
  std::string tmpl = (parent == "/" ? "" : parent) + "/" + name + "XXXXXX";
  std::vector<char> buffer(tmpl.begin(), tmpl.end());
  buffer.push_back('\0');
  if (!mkdtemp(buffer.data())) {
    return fail(Error::from_errno("create staging directory in " + parent, errno));
  }
  return StagingDir(buffer.data());
}

StagingDir::StagingDir(StagingDir&& other) noexcept : path_(std::move(other.path_)) {
  other.path_.clear();
}

StagingDir::~StagingDir() {
  if (path_.empty()) return;
  std::error_code ec;
  fs::remove_all(path_, ec);
}

Result<std::string> StagingDir::subdir(const std::string& name) const {
  std::string path = path_ + "/" + name;
  if (mkdir(path.c_str(), 0755) != 0) return fail(Error::from_errno("create " + path, errno));
  return path;
}

}  // namespace mkata::artifacts
