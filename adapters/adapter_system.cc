// See adapter_system.h. The adapters are single-threaded, so the work done between fork() and
// exec() (unshare, mount, open, dup2) is safe.
#include "adapters/adapter_system.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "adapters/mount_namespace.h"
#include "core/files.h"

namespace mkata::adapters {
namespace {

std::vector<char*> c_argv(const std::vector<std::string>& argv) {
  std::vector<char*> out;
  for (const auto& a : argv) out.push_back(const_cast<char*>(a.c_str()));
  out.push_back(nullptr);
  return out;
}

Result<int> wait_child(pid_t pid, const std::string& name) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return fail(Error::from_errno("wait for " + name, errno));
  }
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

// In a child: write a one-line reason to fd 2 and exit (async-signal-safe enough: no allocation).
[[noreturn]] void child_fail(const char* what, int err) {
  const char* why = strerror(err);
  (void)!write(2, what, strlen(what));
  (void)!write(2, ": ", 2);
  (void)!write(2, why, strlen(why));
  (void)!write(2, "\n", 1);
  _exit(127);
}

}  // namespace

Error RealAdapterSystem::exec(const std::vector<std::string>& argv) {
  auto args = c_argv(argv);
  execvp(args[0], args.data());
  return Error::from_errno("exec " + argv[0], errno);
}

Result<int> RealAdapterSystem::run_inheriting(const std::vector<std::string>& argv) {
  auto args = c_argv(argv);
  pid_t pid = fork();
  if (pid < 0) return fail(Error::from_errno("fork for " + argv[0], errno));
  if (pid == 0) {
    execvp(args[0], args.data());
    child_fail(args[0], errno);
  }
  return wait_child(pid, argv[0]);
}

Result<ProcessResult> RealAdapterSystem::run_captured(const std::vector<std::string>& argv,
                                                      std::chrono::milliseconds timeout) {
  RunOptions options;
  options.timeout = timeout;
  return run(argv, options);
}

Result<int> RealAdapterSystem::run_to_file(const std::vector<std::string>& argv,
                                           const std::string& output_path, bool hide_proc_sys_net) {
  auto args = c_argv(argv);
  int out = open(output_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (out < 0) return fail(Error::from_errno("open " + output_path, errno));
  pid_t pid = fork();
  if (pid < 0) {
    close(out);
    return fail(Error::from_errno("fork for " + argv[0], errno));
  }
  if (pid == 0) {
    // stdin is an empty pipe, not /dev/null: runsc chowns the stdio it passes to the sandbox
    // (which runs as nobody), and the host's /dev/null must keep its owner.
    int empty[2];
    int in = pipe(empty) == 0 ? (close(empty[1]), empty[0]) : -1;
    if (in < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0) {
      child_fail("redirect output", errno);
    }
    if (hide_proc_sys_net) {
      if (auto r = enter_private_mount_namespace(); !r)
        child_fail("private mount namespace", errno);
      if (auto r = cover_with_empty_tmpfs("/proc/sys/net"); !r)
        child_fail("hide /proc/sys/net", errno);
    }
    execvp(args[0], args.data());
    child_fail(args[0], errno);
  }
  close(out);
  return wait_child(pid, argv[0]);
}

Result<pid_t> RealAdapterSystem::fork_waiter(const std::function<int()>& body) {
  pid_t pid = fork();
  if (pid < 0) return fail(Error::from_errno("fork the waiter", errno));
  if (pid == 0) {
    // Hold none of the shim's pipes (container I/O, the shim's output capture): a waiter that
    // kept them open would make the shim wait for an EOF that never comes.
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
      dup2(null, 0);
      dup2(null, 1);
      dup2(null, 2);
    }
    close_range(3, ~0U, 0);
    setsid();
    _exit(body() & 0xff);
  }
  return pid;
}

Result<std::string> RealAdapterSystem::read_file(const std::string& path) {
  return mkata::read_file(path);
}

Result<void> RealAdapterSystem::write_file(const std::string& path, const std::string& content) {
  return write_file_atomic(path, content, 0644);
}

void RealAdapterSystem::remove_file(const std::string& path) { unlink(path.c_str()); }

void RealAdapterSystem::sleep_for(std::chrono::milliseconds duration) {
  std::this_thread::sleep_for(duration);
}

Result<void> RealAdapterSystem::hide_mounts(const std::vector<std::string>& mount_points) {
  if (auto r = enter_private_mount_namespace(); !r) return r;
  for (const auto& path : mount_points) {
    if (auto r = detach_mount(path); !r) return r;
  }
  return {};
}

}  // namespace mkata::adapters
