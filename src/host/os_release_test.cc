#include "host/os_release.h"

#include <gtest/gtest.h>

#include "host/host_fixture_test_util.h"

namespace mkata::host {
namespace {

TEST(OsRelease, ParsesQuotedAndBareValues) {
  OsRelease os = parse_os_release(
      "# comment\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nVERSION_ID='12'\nID=debian\n"
      "broken line\n");
  EXPECT_EQ(os.pretty_name, "Debian GNU/Linux 12 (bookworm)");
  EXPECT_EQ(os.version_id, "12");
  EXPECT_EQ(os.id, "debian");
}

TEST(OsRelease, FallsBackToUsrLibAndSaysWhenAbsent) {
  testing::FixtureCopy host("kvm-no-vsock");
  host.remove("/etc/os-release");
  OsRelease none = probe_os_release(**fixture_host(host.dir()));
  EXPECT_EQ(none.pretty_name, "");
  EXPECT_EQ(none.evidence[0], (Evidence{"/etc/os-release", "absent"}));
  host.write("/usr/lib/os-release", "ID=ubuntu\nPRETTY_NAME=\"Ubuntu 20.04.6 LTS\"\n");
  OsRelease ubuntu = probe_os_release(**fixture_host(host.dir()));
  EXPECT_EQ(ubuntu.id, "ubuntu");
  EXPECT_EQ(ubuntu.evidence[0], (Evidence{"/usr/lib/os-release", "Ubuntu 20.04.6 LTS"}));
}

TEST(OsRelease, LabHost) {
  OsRelease os = probe_os_release(**fixture_host(testing::fixture_dir("lab-vm-kvm-pvm")));
  EXPECT_EQ(os.pretty_name, "Debian GNU/Linux 12 (bookworm)");
}

}  // namespace
}  // namespace mkata::host
