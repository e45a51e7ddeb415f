// A private directory for downloads and unpacking, removed (with everything in it) when the
// install ends — successfully or not. It is created next to the install prefix (in the nearest
// existing ancestor of the prefix's parent) so that moving files into place is a rename on the
// same file system, and so that nothing is written to the prefix itself until every checksum has
// been verified. A staging directory left by a killed run (SIGKILL, power loss) is removed by the
// next install of the same runtime once it is older than a day.
#pragma once

#include <string>

#include "core/error.h"

namespace mkata::artifacts {

/// Owns "<dir>/.mkata-staging-<runtime>-XXXXXX"; the destructor removes it recursively.
class StagingDir {
 public:
  /// Creates the staging directory for installing runtime under prefix (an absolute path).
  /// Error: "create staging directory in <dir>: <strerror>".
  static Result<StagingDir> create_for(const std::string& prefix, const std::string& runtime);

  StagingDir(StagingDir&& other) noexcept;
  StagingDir& operator=(StagingDir&&) = delete;
  StagingDir(const StagingDir&) = delete;
  StagingDir& operator=(const StagingDir&) = delete;
  ~StagingDir();

  const std::string& path() const { return path_; }
  /// A new empty subdirectory "<path>/<name>" (mode 0755), returned as a path.
  Result<std::string> subdir(const std::string& name) const;

 private:
  explicit StagingDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

/// The nearest existing ancestor of path's parent ("/opt" for "/opt/kata"; "/" at worst).
std::string nearest_existing_parent(const std::string& path);

}  // namespace mkata::artifacts
