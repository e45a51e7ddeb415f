// The socket owner is found by SO_PEERCRED and checked by its program before any signal: a socket
// this test listens on belongs to this test's PID, and a request to reload "dockerd" there is
// refused without a signal (a SIGHUP would end this test).
#include "engine/daemon_signal.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include "support/test_env.h"

namespace mkata::engine {
namespace {

// Listens on dir/name; returns the socket (closed by the caller) or -1.
int listen_on(const std::string& path) {
  int s = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  if (::bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(s, 4) != 0) {
    ::close(s);
    return -1;
  }
  return s;
}

TEST(DaemonSignal, TheSocketOwnerIsTheProcessThatListens) {
  test::TempDir dir("mkata-peer");
  std::string path = dir / "d.sock";
  int s = listen_on(path);
  ASSERT_GE(s, 0);
  auto owner = unix_socket_owner(path);
  ASSERT_TRUE(owner) << owner.error().message();
  EXPECT_EQ(*owner, ::getpid());
  auto program = process_program(::getpid());
  ASSERT_TRUE(program) << program.error().message();
  EXPECT_EQ(*program, "daemon_signal_test");

  auto checked = check_socket_owner(path, "daemon_signal_test");
  ASSERT_TRUE(checked) << checked.error().message();
  EXPECT_EQ(*checked, ::getpid());
  EXPECT_FALSE(check_socket_owner(path, "dockerd"));

  auto refused = sighup_socket_owner(path, "dockerd");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message(),
            "the process listening on " + path + " is PID " + std::to_string(::getpid()) +
                " (daemon_signal_test), not dockerd: mkata signals only dockerd");
  ::close(s);
}

TEST(DaemonSignal, NoListenerIsAnError) {
  test::TempDir dir("mkata-peer");
  auto none = unix_socket_owner(dir / "none.sock");
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().message(),
            "connect to " + dir / "none.sock" + ": No such file or directory");
}

}  // namespace
}  // namespace mkata::engine
