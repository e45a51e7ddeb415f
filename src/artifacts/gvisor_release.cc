// See gvisor_release.h.
#include "artifacts/gvisor_release.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "artifacts/checksum.h"
#include "artifacts/prefix_install.h"
#include "artifacts/staging_dir.h"
#include "core/files.h"
#include "core/process.h"
#include "core/strings.h"
#include "core/utf8.h"

namespace mkata::artifacts {
namespace {

namespace fs = std::filesystem;

// "runsc version release-20221219.0" → "release-20221219.0"; "unknown" when runsc will not run.
std::string runsc_version(const std::string& runsc) {
  RunOptions options;
  options.timeout = std::chrono::seconds(10);
  auto out = run_checked({runsc, "--version"}, options);
  if (!out) return "unknown";
  std::string first = trim(split(*out, '\n')[0]);
  const std::string lead = "runsc version ";
  return starts_with(first, lead) ? first.substr(lead.size()) : (first.empty() ? "unknown" : first);
}

Result<InstalledRuntime> use_distribution(const GvisorInstallOptions& o) {
  if (access(o.distribution_runsc.c_str(), X_OK) != 0) {
    return fail(Error("no --from given and Debian's runsc package is not installed (" +
                      o.distribution_runsc + " is missing)")
                    .with_hint("apt-get install runsc, or pass --from URL|DIR holding runsc, "
                               "containerd-shim-runsc-v1 and their .sha512 files"));
  }
  InstalledRuntime r;
  r.runtime = "gvisor";
  r.from_distribution = true;
  r.binary_path = o.distribution_runsc;
  r.version = runsc_version(o.distribution_runsc);
  auto package = run({"dpkg-query", "-W", "-f=${Version}", "runsc"});
  bool packaged = package && package->ok() && !package->out.empty();
  r.source = packaged ? "Debian's runsc package " + package->out : o.distribution_runsc;
  auto shim = find_executable("containerd-shim-runsc-v1");
  r.shim_path = shim.value_or("");
  r.runtime_type = shim ? "io.containerd.runsc.v1" : "io.containerd.runc.v2";
  if (!shim) {
    r.notes.push_back(
        "no containerd-shim-runsc-v1: the handler uses io.containerd.runc.v2 with "
        "BinaryName " +
        o.distribution_runsc + " (on containerd 1.6, mkata's runsc adapter; see docs/adapters.md)");
  }
  return r;
}

// A local source: a directory, or the path of runsc inside it.
std::string source_dir(const std::string& source) {
  struct stat st {};
  if (stat(source.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
    return fs::path(source).parent_path().string();
  }
  return source;
}

std::string url_base(std::string url) {
  while (ends_with(url, "/")) url.pop_back();
  if (ends_with(url, "/runsc")) url.resize(url.size() - 6);
  return url;
}

// Fetches one binary and its .sha512 into dir, verifies it, and makes it executable.
Result<void> fetch_verified(const GvisorInstallOptions& o, const std::string& name,
                            const std::string& download_dir, const std::string& root) {
  bool remote = is_url(o.source);
  std::string base = remote ? url_base(o.source) : source_dir(o.source);
  std::string sums_source = base + "/" + name + ".sha512";
  auto sums = read_text_source(sums_source, o.download);
  if (!sums) return fail(sums.error());
  auto entries = parse_checksum_file(*sums, sums_source);
  if (!entries) return fail(entries.error());
  auto expected = find_checksum(*entries, name, sums_source);
  if (!expected) return fail(expected.error());
  std::string staged = root + "/" + name;
  if (remote) {
    DownloadOptions download = o.download;
    if (!download.progress) download.progress = terminal_progress(name);
    auto path = download_file(base + "/" + name, download_dir, name, download);
    if (!path) return fail(path.error());
    if (auto ok = verify_file(*path, *expected, name); !ok) return fail(ok.error());
    if (rename(path->c_str(), staged.c_str()) != 0) {
      return fail(Error::from_errno("stage " + staged, errno));
    }
  } else {
    if (auto ok = verify_file(base + "/" + name, *expected, name); !ok) return fail(ok.error());
    auto bytes = read_file(base + "/" + name);
    if (!bytes) return fail(bytes.error());
    // Verify the copy too: the source file could change between the two reads.
    if (auto w = write_file_atomic(staged, *bytes, 0755); !w) return fail(w.error());
    if (auto ok = verify_file(staged, *expected, name); !ok) return fail(ok.error());
  }
  if (chmod(staged.c_str(), 0755) != 0) return fail(Error::from_errno("chmod " + staged, errno));
  return {};
}

Result<InstalledRuntime> install(const GvisorInstallOptions& o) {
  if (o.source.empty()) return use_distribution(o);
  std::string prefix = o.prefix;
  while (prefix.size() > 1 && ends_with(prefix, "/")) prefix.pop_back();
  if (prefix.empty() || prefix[0] != '/' || prefix == "/") {
    return fail(Error::usage("prefix '" + o.prefix +
                             "': expected an absolute directory such as /usr/local/bin"));
  }
  if (!is_valid_utf8(prefix)) {
    return fail(
        Error::usage("prefix '" + printable(o.prefix) +
                     "': not valid UTF-8 (installed paths are recorded in a JSON manifest)"));
  }
  std::string manifest_path = manifest_path_for("gvisor", o.manifest_dir);
  auto previous = load_manifest_with_journal(manifest_path);
  if (!previous) return fail(previous.error());
  auto staging = StagingDir::create_for(prefix, "gvisor");
  if (!staging) return fail(staging.error());
  auto download_dir = staging->subdir("download");
  auto root = staging->subdir("root");
  if (!download_dir || !root) return fail(download_dir ? root.error() : download_dir.error());
  for (const char* name : kGvisorBinaries) {
    if (auto ok = fetch_verified(o, name, *download_dir, *root); !ok) return fail(ok.error());
  }
  InstalledRuntime r;
  r.version = runsc_version(*root + "/runsc");
  const InstallManifest* before = *previous ? &**previous : nullptr;
  r.runtime = "gvisor";
  r.source = o.source;
  r.verified = true;
  r.prefix = prefix;
  r.binary_path = prefix + "/runsc";
  r.shim_path = prefix + "/containerd-shim-runsc-v1";
  r.runtime_type = "io.containerd.runsc.v1";
  auto commit = [&](const Placement& placed) {
    InstallRecord record{"gvisor", r.version, o.source, "", prefix};
    return record_placement(placed, record, before, manifest_path, r);
  };
  PlaceOptions place{*root, prefix, before, o.force, journal_path_for(manifest_path), "gvisor"};
  if (auto placed = place_tree(place, commit); !placed) return fail(placed.error());
  return r;
}

}  // namespace

Result<InstalledRuntime> install_gvisor_release(const GvisorInstallOptions& options) {
  auto installed = install(options);
  if (!installed) return fail(installed.error().wrap("install gvisor"));
  return installed;
}

}  // namespace mkata::artifacts
