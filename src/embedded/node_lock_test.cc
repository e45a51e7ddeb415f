#include "embedded/node_lock.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "core/files.h"
#include "support/test_env.h"

namespace mkata::embedded {
namespace {

NodeLayout layout_in(const std::string& dir) {
  NodeOptions o;
  o.state_dir = dir;
  return NodeLayout::of(o);
}

TEST(NodeLock, ASecondRunIsRefusedWithTheHoldersPid) {
  test::TempDir dir("mkata-node-lock");
  auto layout = layout_in(dir.path());
  auto first = NodeLock::acquire(layout);
  ASSERT_TRUE(first) << first.error().message();
  EXPECT_EQ(node_lock_holder(layout), getpid());
  // flock(2) conflicts between open file descriptions, also inside one process.
  auto second = NodeLock::acquire(layout);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().message(), "node " + dir.path() +
                                          " is in use by another mkata run (pid " +
                                          std::to_string(getpid()) + ")");
  EXPECT_EQ(second.error().kind(), ErrorKind::kEnvironment);
  EXPECT_EQ(exit_code_for(second.error()), 2);
  first = NodeLock::acquire(layout_in(dir / "missing"));  // releases the first lock
  EXPECT_FALSE(first);
  EXPECT_TRUE(NodeLock::acquire(layout)) << "released when its holder goes away";
}

TEST(NodeLock, HeldByAnotherProcessUntilItExits) {
  test::TempDir dir("mkata-node-lock");
  auto layout = layout_in(dir.path());
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto lock = NodeLock::acquire(layout);
    char c = lock ? 'y' : 'n';
    (void)!write(ready[1], &c, 1);
    pause();  // killed by the parent, lock still held: the kernel releases it
    _exit(0);
  }
  char c = 0;
  ASSERT_EQ(read(ready[0], &c, 1), 1);
  ASSERT_EQ(c, 'y');
  auto refused = NodeLock::acquire(layout);
  ASSERT_FALSE(refused);
  EXPECT_EQ(
      refused.error().message(),
      "node " + dir.path() + " is in use by another mkata run (pid " + std::to_string(child) + ")");
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  close(ready[0]);
  close(ready[1]);
  EXPECT_TRUE(NodeLock::acquire(layout)) << "a killed holder leaves no stale lock";
}

}  // namespace
}  // namespace mkata::embedded
