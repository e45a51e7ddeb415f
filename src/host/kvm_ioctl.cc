#include "host/kvm_ioctl.h"

#include <fcntl.h>
#include <linux/kvm.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

namespace mkata::host {
namespace {

constexpr std::pair<int, const char*> kErrnoNames[] = {
    {ENOENT, "ENOENT"}, {EACCES, "EACCES"}, {EPERM, "EPERM"},   {EBUSY, "EBUSY"},
    {ENOMEM, "ENOMEM"}, {EINVAL, "EINVAL"}, {ENODEV, "ENODEV"}, {ENXIO, "ENXIO"},
    {EIO, "EIO"},       {ENOTTY, "ENOTTY"}, {EMFILE, "EMFILE"},
};

}  // namespace

std::string errno_name(int err) {
  for (const auto& [value, name] : kErrnoNames) {
    if (value == err) return name;
  }
  return "errno " + std::to_string(err);
}

int errno_from_name(const std::string& name) {
  for (const auto& [value, known] : kErrnoNames) {
    if (name == known) return value;
  }
  return 0;
}

KvmIoctlResult run_kvm_ioctls(const std::string& path) {
  KvmIoctlResult result;
  int fd = open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    result.open_errno = errno;
    return result;
  }
  result.opened = true;
  result.api_version = ioctl(fd, KVM_GET_API_VERSION, 0);
  // KVM_CREATE_VM's argument is the machine type; 0 is the default on x86.
  int vm = ioctl(fd, KVM_CREATE_VM, 0);
  if (vm >= 0) {
    result.create_vm_ok = true;
    close(vm);
  } else {
    result.create_vm_errno = errno;
  }
  close(fd);
  return result;
}

}  // namespace mkata::host
