// See daemon_signal.h.
#include "engine/daemon_signal.h"

#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/files.h"
#include "core/strings.h"

namespace mkata::engine {

namespace {

// Closes a file descriptor when it goes out of scope.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

Result<pid_t> unix_socket_owner(const std::string& path) {
  sockaddr_un addr{};
  if (path.size() >= sizeof addr.sun_path) {
    return fail("connect to " + path + ": the path is longer than a unix socket address allows");
  }
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  Fd s{::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)};
  if (s.fd < 0) return fail(Error::from_errno("connect to " + path, errno));
  if (::connect(s.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    return fail(Error::from_errno("connect to " + path, errno));
  }
  ucred cred{};
  socklen_t len = sizeof cred;
  if (::getsockopt(s.fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
    return fail(Error::from_errno("read the peer credentials of " + path, errno));
  }
  if (cred.pid <= 0) return fail("read the peer credentials of " + path + ": no PID");
  return cred.pid;
}

Result<std::string> process_program(pid_t pid) {
  std::error_code ec;
  std::string proc = "/proc/" + std::to_string(pid);
  auto exe = std::filesystem::read_symlink(proc + "/exe", ec);
  if (!ec) {
    std::string name = exe.filename().string();
    if (ends_with(name, " (deleted)")) name.resize(name.size() - 10);  // upgraded on disk
    return name;
  }
  auto comm = read_file(proc + "/comm");
  if (!comm) return fail("PID " + std::to_string(pid) + ": " + ec.message());
  return trim(*comm);
}

namespace {

Result<void> check_program(const std::string& socket_path, pid_t pid, const std::string& program) {
  auto name = process_program(pid);
  if (!name) return fail(name.error());
  if (*name != program) {
    return fail("the process listening on " + socket_path + " is PID " + std::to_string(pid) +
                " (" + *name + "), not " + program + ": mkata signals only " + program);
  }
  return {};
}

}  // namespace

Result<pid_t> check_socket_owner(const std::string& socket_path, const std::string& program) {
  auto pid = unix_socket_owner(socket_path);
  if (!pid) return fail(pid.error());
  if (auto ok = check_program(socket_path, *pid, program); !ok) return fail(ok.error());
  return pid;
}

Result<pid_t> sighup_socket_owner(const std::string& socket_path, const std::string& program) {
  auto pid = unix_socket_owner(socket_path);
  if (!pid) return fail(pid.error());
  // The pidfd pins this process: if it exits and its PID is reused, the signal fails (ESRCH).
  Fd pidfd{static_cast<int>(::syscall(SYS_pidfd_open, *pid, 0))};
  if (pidfd.fd < 0 && errno != ENOSYS) {
    return fail(Error::from_errno("open PID " + std::to_string(*pid), errno));
  }
  if (auto ok = check_program(socket_path, *pid, program); !ok) return fail(ok.error());
  int rc = pidfd.fd >= 0
               ? static_cast<int>(::syscall(SYS_pidfd_send_signal, pidfd.fd, SIGHUP, nullptr, 0))
               : ::kill(*pid, SIGHUP);
  if (rc != 0) {
    return fail(Error::from_errno(
        "send SIGHUP to " + program + " (PID " + std::to_string(*pid) + ")", errno));
  }
  return *pid;
}

}  // namespace mkata::engine
