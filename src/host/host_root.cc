// Two HostRoots share the file reading (a prefix before every absolute path) and differ in the
// three things a fixture tree cannot hold: device nodes, the KVM ioctls, and running a tool.
#include "host/host_root.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "core/files.h"
#include "core/process.h"
#include "core/strings.h"

namespace mkata::host {
namespace {

// Reads prefix + path but reports errors with the host path the user knows.
Result<std::string> read_prefixed(const std::string& prefix, const std::string& path) {
  auto text = mkata::read_file(prefix + path);
  if (!text) {
    const std::string& m = text.error().message();
    size_t colon = m.rfind(": ");
    return fail("read " + path + (colon == std::string::npos ? "" : m.substr(colon)));
  }
  return text;
}

class LiveHost final : public HostRoot {
 public:
  std::string describe() const override { return "/"; }
  Result<std::string> read_file(const std::string& path) const override {
    return read_prefixed("", path);
  }
  bool exists(const std::string& path) const override { return path_exists(path); }
  bool is_executable(const std::string& path) const override {
    struct stat st {};
    return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(path.c_str(), X_OK) == 0;
  }
  DeviceNode device(const std::string& path) const override {
    DeviceNode node;
    struct stat st {};
    if (stat(path.c_str(), &st) != 0) {
      node.detail = "absent";
      return node;
    }
    if (!S_ISCHR(st.st_mode)) {
      node.detail = "not a character device";
      return node;
    }
    node.exists = true;
    // access() checks the real uid, which is what a runtime started by this user would get.
    node.accessible = access(path.c_str(), R_OK | W_OK) == 0;
    char text[128];
    std::snprintf(text, sizeof text, "character device %u:%u, mode %04o, owner %u:%u",
                  major(st.st_rdev), minor(st.st_rdev), st.st_mode & 07777, st.st_uid, st.st_gid);
    node.detail = text;
    return node;
  }
  KvmIoctlResult kvm_ioctls() const override { return run_kvm_ioctls("/dev/kvm"); }
  Result<std::string> tool_version(const std::string& path) const override {
    RunOptions options;
    options.timeout = std::chrono::seconds(1);
    // crun creates its state root (/run/crun as root, else $XDG_RUNTIME_DIR/crun) even for
    // --version; a directory that does not exist keeps the probe from writing to the host.
    options.env = {"XDG_RUNTIME_DIR=/nonexistent/mkata-check"};
    auto result = run({path, "--version"}, options);
    if (!result) return fail(result.error());
    if (!result->ok()) return fail(path + " --version: " + result->describe());
    return result->out.empty() ? result->err : result->out;
  }
  unsigned uid() const override { return geteuid(); }
};

// Fixture conventions (docs/check.md): dev/<name> is a regular file whose first word is
// "accessible" or "denied"; fixture/kvm-ioctls, fixture/versions/<tool> and fixture/uid stand
// for what the live host would learn from the kernel and from running the tools.
class FixtureHost final : public HostRoot {
 public:
  explicit FixtureHost(std::string dir) : dir_(std::move(dir)) {}
  std::string describe() const override { return dir_; }
  Result<std::string> read_file(const std::string& path) const override {
    return read_prefixed(dir_, path);
  }
  bool exists(const std::string& path) const override { return path_exists(dir_ + path); }
  bool is_executable(const std::string& path) const override {
    struct stat st {};
    return stat((dir_ + path).c_str(), &st) == 0 && S_ISREG(st.st_mode);
  }
  DeviceNode device(const std::string& path) const override {
    DeviceNode node;
    auto text = read_file(path);
    if (!text) {
      node.detail = "absent";
      return node;
    }
    std::string line = trim(*text);
    node.exists = true;
    node.accessible = starts_with(line, "accessible");
    size_t space = line.find(' ');
    node.detail = space == std::string::npos ? "fixture device" : trim(line.substr(space + 1));
    return node;
  }
  KvmIoctlResult kvm_ioctls() const override;
  Result<std::string> tool_version(const std::string& path) const override {
    std::string name = path.substr(path.rfind('/') + 1);
    auto text = read_file("/fixture/versions/" + name);
    if (!text) return fail(path + " --version: no fixture/versions/" + name);
    return text;
  }
  unsigned uid() const override {
    auto text = read_file("/fixture/uid");
    return text ? static_cast<unsigned>(std::strtoul(trim(*text).c_str(), nullptr, 10)) : 0;
  }

 private:
  std::string dir_;
};

KvmIoctlResult FixtureHost::kvm_ioctls() const {
  KvmIoctlResult result;
  DeviceNode node = device("/dev/kvm");
  if (!node.exists || !node.accessible) {
    result.open_errno = node.exists ? EACCES : ENOENT;
    return result;
  }
  // Without a description, an accessible fixture /dev/kvm behaves like a healthy one.
  result.opened = true;
  result.api_version = 12;
  result.create_vm_ok = true;
  auto text = read_file("/fixture/kvm-ioctls");
  if (!text) return result;
  for (const auto& raw : split(*text, '\n')) {
    std::string line = trim(raw);
    size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string key = line.substr(0, eq), value = line.substr(eq + 1);
    if (key == "api_version") result.api_version = std::atoi(value.c_str());
    if (key == "create_vm") {
      result.create_vm_ok = value == "ok";
      result.create_vm_errno = result.create_vm_ok ? 0 : errno_from_name(value);
    }
  }
  return result;
}

}  // namespace

std::unique_ptr<HostRoot> live_host() { return std::make_unique<LiveHost>(); }

Result<std::unique_ptr<HostRoot>> fixture_host(const std::string& dir) {
  struct stat st {};
  if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return fail(Error::usage("host root " + dir + ": not a directory"));
  }
  std::string clean = dir;
  while (clean.size() > 1 && clean.back() == '/') clean.pop_back();
  return std::make_unique<FixtureHost>(clean == "/" ? "" : clean);
}

}  // namespace mkata::host
