// fork/exec with pipes and poll(): simple, dependency-free, and it lets us close every inherited
// descriptor in the child, set a session and kill on timeout.
#include "core/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <thread>

extern char** environ;

namespace mkata {
namespace {

using Clock = std::chrono::steady_clock;

// Builds envp: the inherited environment with `extra` overriding entries of the same key.
std::vector<std::string> merged_environment(const std::vector<std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string entry(*e);
    std::string key = entry.substr(0, entry.find('='));
    bool overridden = false;
    for (const auto& x : extra) {
      if (x.substr(0, x.find('=')) == key) overridden = true;
    }
    if (!overridden) env.push_back(entry);
  }
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// In the child after fork(): only async-signal-safe calls until exec.
[[noreturn]] void exec_child(const char* path, char** argv, char** envp, const char* cwd) {
  if (cwd && *cwd && chdir(cwd) != 0) _exit(127);
  // Reset signal dispositions that exec would otherwise keep ignored.
  struct sigaction sa {};
  sa.sa_handler = SIG_DFL;
  for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGCHLD}) sigaction(sig, &sa, nullptr);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  execve(path, argv, envp);
  _exit(127);
}

// In the child after fork(): "0" is the writing process itself (cgroup v1 and v2).
void join_cgroup(const char* procs) {
  int fd = open(procs, O_WRONLY | O_CLOEXEC);
  if (fd >= 0 && write(fd, "0", 1) == 1) {
    close(fd);
    return;
  }
  static constexpr char kMessage[] = "mkata: cannot join cgroup ";
  (void)!write(2, kMessage, sizeof kMessage - 1);
  (void)!write(2, procs, strlen(procs));
  (void)!write(2, "\n", 1);
  _exit(127);
}

std::string last_line(const std::string& text) {
  size_t end = text.find_last_not_of("\n\r ");
  if (end == std::string::npos) return "";
  size_t start = text.rfind('\n', end);
  return text.substr(start == std::string::npos ? 0 : start + 1, end + 1 - (start == std::string::npos ? 0 : start + 1));
}

}  // namespace

std::string ProcessResult::describe() const {
  if (timed_out) return "timed out";
  std::string what = signal ? "killed by signal " + std::to_string(signal)
                            : "exit " + std::to_string(exit_code);
  std::string line = last_line(err.empty() ? out : err);
  return line.empty() ? what : what + ": " + line;
}

std::optional<std::string> find_executable(const std::string& name,
                                           const std::vector<std::string>& extra_dirs) {
  auto executable = [](const std::string& p) {
    struct stat st {};
    return stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(p.c_str(), X_OK) == 0;
  };
  if (name.find('/') != std::string::npos) {
    return executable(name) ? std::optional(name) : std::nullopt;
  }
  std::vector<std::string> dirs = extra_dirs;
  const char* path = std::getenv("PATH");
  std::string p = path ? path : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  size_t start = 0;
  while (start <= p.size()) {
    size_t end = p.find(':', start);
    if (end == std::string::npos) end = p.size();
    if (end > start) dirs.push_back(p.substr(start, end - start));
    start = end + 1;
  }
  for (const auto& d : dirs) {
    std::string candidate = d + "/" + name;
    if (executable(candidate)) return candidate;
  }
  return std::nullopt;
}

Result<ProcessResult> run(const std::vector<std::string>& argv, const RunOptions& options) {
  if (argv.empty()) return fail("run: empty command line");
  auto path = find_executable(argv[0]);
  if (!path) return fail("run " + argv[0] + ": executable not found in PATH");

  int out_pipe[2], err_pipe[2], in_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) return fail(Error::from_errno("run " + argv[0], errno));
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    close(out_pipe[0]), close(out_pipe[1]);
    return fail(Error::from_errno("run " + argv[0], errno));
  }
  if (pipe2(in_pipe, O_CLOEXEC) != 0) {
    close(out_pipe[0]), close(out_pipe[1]), close(err_pipe[0]), close(err_pipe[1]);
    return fail(Error::from_errno("run " + argv[0], errno));
  }
  std::vector<std::string> args = argv;
  std::vector<std::string> env = merged_environment(options.env);
  auto c_args = c_strings(args);
  auto c_env = c_strings(env);

  pid_t pid = fork();
  if (pid < 0) return fail(Error::from_errno("run " + argv[0] + ": fork", errno));
  if (pid == 0) {
    dup2(in_pipe[0], 0);
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    if (!options.input) {
      int devnull = open("/dev/null", O_RDONLY);
      if (devnull >= 0) dup2(devnull, 0);
    }
    exec_child(path->c_str(), c_args.data(), c_env.data(), options.cwd.c_str());
  }
  close(out_pipe[1]);
  close(err_pipe[1]);
  close(in_pipe[0]);

  ProcessResult result;
  std::string input = options.input.value_or("");
  size_t written = 0;
  int in_fd = in_pipe[1];
  if (!options.input || input.empty()) {
    close(in_fd);
    in_fd = -1;
  } else {
    fcntl(in_fd, F_SETFL, O_NONBLOCK);
  }
  auto deadline = Clock::now() + options.timeout;
  bool out_open = true, err_open = true;
  char buffer[65536];
  while (out_open || err_open) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      result.timed_out = true;
      kill(pid, SIGKILL);
      break;
    }
    pollfd fds[3];
    int n = 0;
    if (out_open) fds[n++] = {out_pipe[0], POLLIN, 0};
    if (err_open) fds[n++] = {err_pipe[0], POLLIN, 0};
    if (in_fd >= 0) fds[n++] = {in_fd, POLLOUT, 0};
    int ready = poll(fds, n, static_cast<int>(std::min<long>(left.count(), 1000)));
    if (ready < 0 && errno != EINTR) break;
    for (int i = 0; i < n && ready > 0; ++i) {
      if (!fds[i].revents) continue;
      if (fds[i].fd == in_fd) {
        ssize_t w = write(in_fd, input.data() + written, input.size() - written);
        if (w > 0) written += static_cast<size_t>(w);
        if (w < 0 && errno != EAGAIN) written = input.size();
        if (written >= input.size()) {
          close(in_fd);
          in_fd = -1;
        }
        continue;
      }
      ssize_t r = read(fds[i].fd, buffer, sizeof buffer);
      if (r > 0) {
        (fds[i].fd == out_pipe[0] ? result.out : result.err).append(buffer, static_cast<size_t>(r));
      } else if (r == 0 || (r < 0 && errno != EINTR && errno != EAGAIN)) {
        (fds[i].fd == out_pipe[0] ? out_open : err_open) = false;
      }
    }
  }
  if (in_fd >= 0) close(in_fd);
  close(out_pipe[0]);
  close(err_pipe[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  if (result.exit_code == 127 && result.err.empty() && !result.timed_out) {
    return fail("run " + argv[0] + ": could not execute " + *path);
  }
  return result;
}

Result<std::string> run_checked(const std::vector<std::string>& argv, const RunOptions& options) {
  auto result = run(argv, options);
  if (!result) return fail(result.error());
  if (!result->ok()) return fail(argv[0] + " failed: " + result->describe());
  return std::move(result->out);
}

Result<ChildProcess> spawn(const std::vector<std::string>& argv, const SpawnOptions& options) {
  if (argv.empty()) return fail("spawn: empty command line");
  auto path = find_executable(argv[0]);
  if (!path) return fail("start " + argv[0] + ": executable not found in PATH");
  auto open_log = [](const std::string& p) {
    return p.empty() ? open("/dev/null", O_WRONLY | O_CLOEXEC)
                     : open(p.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  };
  int out_fd = open_log(options.stdout_path);
  if (out_fd < 0) return fail(Error::from_errno("open " + options.stdout_path, errno));
  int err_fd = options.stderr_path.empty() ? dup(out_fd) : open_log(options.stderr_path);
  if (err_fd < 0) {
    close(out_fd);
    return fail(Error::from_errno("open " + options.stderr_path, errno));
  }
  std::vector<std::string> args = argv;
  std::vector<std::string> env = merged_environment(options.env);
  auto c_args = c_strings(args);
  auto c_env = c_strings(env);
  pid_t pid = fork();
  if (pid < 0) return fail(Error::from_errno("start " + argv[0] + ": fork", errno));
  if (pid == 0) {
    if (options.new_session) setsid();
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, 0);
    dup2(out_fd, 1);
    dup2(err_fd, 2);
    if (!options.cgroup_procs.empty()) join_cgroup(options.cgroup_procs.c_str());
    exec_child(path->c_str(), c_args.data(), c_env.data(), options.cwd.c_str());
  }
  close(out_fd);
  close(err_fd);
  return ChildProcess(pid);
}

bool ChildProcess::running() {
  if (pid_ <= 0 || status_) return false;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    status_ = status;
    return false;
  }
  return r == 0;
}

std::optional<int> ChildProcess::wait_for(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return 0;
  if (status_) return status_;
  auto deadline = Clock::now() + timeout;
  while (true) {
    int status = 0;
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_ || (r < 0 && errno == ECHILD)) {
      status_ = status;
      return status_;
    }
    if (Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

int ChildProcess::stop(std::chrono::milliseconds grace) {
  if (pid_ <= 0) return 0;
  if (status_) return *status_;
  kill(pid_, SIGTERM);
  if (auto s = wait_for(grace)) return *s;
  kill(pid_, SIGKILL);
  return wait_for(std::chrono::seconds(30)).value_or(-1);
}

}  // namespace mkata
