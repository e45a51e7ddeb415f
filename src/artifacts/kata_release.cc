// See kata_release.h. The steps, in order: check options → fetch → verify → unpack (staging) →
// check layout → adapt configuration to the prefix → place → record. Every step before
// "place" writes only inside the staging directory, which is removed on every path out.
#include "artifacts/kata_release.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <optional>

#include "artifacts/archive_unpack.h"
#include "artifacts/checksum.h"
#include "artifacts/prefix_install.h"
#include "artifacts/staging_dir.h"
#include "core/files.h"
#include "core/strings.h"
#include "core/utf8.h"

namespace mkata::artifacts {
namespace {

namespace fs = std::filesystem;

constexpr const char* kShim = "bin/containerd-shim-kata-v2";
constexpr const char* kConfigDir = "share/defaults/kata-containers";
constexpr const char* kGuestDir = "share/kata-containers";

// What the layout check found, relative to the unpacked opt/kata.
struct KataLayout {
  std::string config;  // relative path of the default configuration
  std::vector<std::string> notes;
};

Result<std::string> checked_prefix(const std::string& prefix) {
  std::string p = prefix;
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  if (p.empty() || p[0] != '/' || p == "/" || p.find("/../") != std::string::npos ||
      ends_with(p, "/..")) {
    return fail(
        Error::usage("prefix '" + prefix + "': expected an absolute directory such as /opt/kata"));
  }
  if (!is_valid_utf8(p)) {
    return fail(
        Error::usage("prefix '" + printable(prefix) +
                     "': not valid UTF-8 (installed paths are recorded in a JSON manifest)"));
  }
  return p;
}

Result<void> check_sources(const KataInstallOptions& o) {
  if (o.source.empty()) {
    return fail(Error::usage("no archive given: pass --from FILE|URL (kata-static-*.tar.xz)"));
  }
  if (!o.sha256.empty() && !o.checksum_file.empty()) {
    return fail(Error::usage("--sha256 and --checksum-file are alternatives: pass one"));
  }
  if (is_url(o.source) && o.sha256.empty() && o.checksum_file.empty()) {
    return fail(Error::usage(o.source +
                             " is a download: pass --sha256 HEX or --checksum-file "
                             "FILE|URL so that it can be verified before it is installed"));
  }
  return {};
}

bool is_regular(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

Result<std::string> obtain_archive(const KataInstallOptions& o, const StagingDir& staging) {
  if (!is_url(o.source)) {
    if (!is_regular(o.source)) {
      auto probe = read_file(o.source);  // the OS's reason, e.g. "No such file or directory"
      return fail(probe ? Error("read " + o.source + ": not a regular file") : probe.error());
    }
    return o.source;
  }
  auto dir = staging.subdir("download");
  if (!dir) return fail(dir.error());
  DownloadOptions download = o.download;
  if (!download.progress) download.progress = terminal_progress(url_file_name(o.source));
  return download_file(o.source, *dir, url_file_name(o.source), download);
}

Result<std::optional<ExpectedDigest>> expected_digest(const KataInstallOptions& o,
                                                      const std::string& archive_name) {
  if (!o.sha256.empty()) {
    auto digest = parse_digest(o.sha256);
    if (!digest) return fail(digest.error().wrap("--sha256"));
    return std::optional(*digest);
  }
  if (o.checksum_file.empty()) return std::optional<ExpectedDigest>();
  auto text = read_text_source(o.checksum_file, o.download);
  if (!text) return fail(text.error());
  auto entries = parse_checksum_file(*text, o.checksum_file);
  if (!entries) return fail(entries.error());
  auto digest = find_checksum(*entries, archive_name, o.checksum_file);
  if (!digest) return fail(digest.error());
  return std::optional(*digest);
}

std::vector<std::string> names_in(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) names.push_back(e.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

bool any_name(const std::vector<std::string>& names, const std::string& prefix,
              const std::string& suffix = "") {
  return std::any_of(names.begin(), names.end(), [&](const std::string& n) {
    return starts_with(n, prefix) && ends_with(n, suffix);
  });
}

Result<KataLayout> check_layout(const std::string& root, const std::string& archive) {
  auto not_kata = [&](const std::string& what) {
    return fail(Error(archive + " is not a Kata static release: " + what));
  };
  struct stat st {};
  std::string shim = root + "/" + kShim;
  if (stat(shim.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return not_kata(std::string("opt/kata/") + kShim + " is missing");
  }
  if ((st.st_mode & 0111) == 0)
    return not_kata(std::string("opt/kata/") + kShim + " is not executable");
  KataLayout layout;
  std::vector<std::string> configs = names_in(root + "/" + kConfigDir);
  if (std::find(configs.begin(), configs.end(), "configuration.toml") != configs.end()) {
    layout.config = std::string(kConfigDir) + "/configuration.toml";
  } else if (std::find(configs.begin(), configs.end(), "configuration-qemu.toml") !=
             configs.end()) {
    layout.config = std::string(kConfigDir) + "/configuration-qemu.toml";
  } else if (auto it = std::find_if(configs.begin(), configs.end(),
                                    [](const std::string& n) {
                                      return starts_with(n, "configuration-") &&
                                             ends_with(n, ".toml");
                                    });
             it != configs.end()) {
    layout.config = std::string(kConfigDir) + "/" + *it;
  } else {
    return not_kata(std::string("no configuration*.toml in opt/kata/") + kConfigDir);
  }
  std::vector<std::string> guest = names_in(root + "/" + kGuestDir);
  if (!any_name(guest, "vmlinu"))
    layout.notes.push_back("no guest kernel (vmlinux*) in the archive");
  if (!any_name(guest, "kata-", ".img") && !any_name(guest, "kata-", ".initrd")) {
    layout.notes.push_back("no guest image (kata-*.img) in the archive");
  }
  std::vector<std::string> bins = names_in(root + "/bin");
  if (!any_name(bins, "qemu-system-") && !any_name(bins, "cloud-hypervisor") &&
      !any_name(bins, "firecracker")) {
    layout.notes.push_back("no hypervisor (qemu-system-*, cloud-hypervisor, firecracker) in bin/");
  }
  return layout;
}

// Points the configuration files at the prefix when it is not /opt/kata. Returns how many
// files changed.
Result<size_t> adapt_configuration(const std::string& root, const std::string& prefix) {
  if (prefix == kKataDefaultPrefix) return size_t{0};
  size_t changed = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root + "/" + kConfigDir, ec);
       !ec && it != fs::end(it); it.increment(ec)) {
    std::string path = it->path();
    if (!it->is_regular_file(ec) || it->is_symlink(ec) || !ends_with(path, ".toml")) continue;
    auto text = read_file(path);
    if (!text) return fail(text.error());
    std::string from = std::string(kKataDefaultPrefix) + "/";
    std::string out;
    size_t pos = 0, hit;
    while ((hit = text->find(from, pos)) != std::string::npos) {
      out += text->substr(pos, hit - pos) + prefix + "/";
      pos = hit + from.size();
    }
    if (pos == 0) continue;
    out += text->substr(pos);
    if (auto w = write_file_atomic(path, out); !w) return fail(w.error());
    ++changed;
  }
  return changed;
}

std::string archive_name_of(const std::string& source) {
  return is_url(source) ? url_file_name(source) : fs::path(source).filename().string();
}

// The verified, unpacked and checked release in the staging directory.
struct StagedKata {
  std::string root;  // <staging>/root/opt/kata
  std::string name;  // the archive's file name
  std::string sha256;
  bool verified = false;
  KataLayout layout;
  std::vector<std::string> notes;
};

// Every step that writes only into the staging directory.
Result<StagedKata> stage_release(const KataInstallOptions& o, const std::string& prefix,
                                 const StagingDir& staging) {
  StagedKata staged;
  staged.name = archive_name_of(o.source);
  auto expected = expected_digest(o, staged.name);  // before the download: a bad flag fails fast
  if (!expected) return fail(expected.error());
  auto archive = obtain_archive(o, staging);
  if (!archive) return fail(archive.error());
  if (*expected) {
    if (auto ok = verify_file(*archive, **expected, staged.name); !ok) return fail(ok.error());
  }
  staged.verified = expected->has_value();
  auto sha256 = file_digest_hex(*archive, DigestAlgorithm::kSha256);
  if (!sha256) return fail(sha256.error());
  staged.sha256 = *sha256;
  auto unpack_dir = staging.subdir("root");
  if (!unpack_dir) return fail(unpack_dir.error());
  UnpackOptions unpack{"opt/kata", o.source, o.max_unpacked_bytes, o.max_unpack_ratio};
  auto unpacked = unpack_archive(*archive, *unpack_dir, unpack);
  if (!unpacked) return fail(unpacked.error());
  staged.root = *unpack_dir + "/opt/kata";
  auto layout = check_layout(staged.root, staged.name);
  if (!layout) return fail(layout.error());
  staged.layout = *layout;
  auto adapted = adapt_configuration(staged.root, prefix);
  if (!adapted) return fail(adapted.error());
  if (unpacked->special_bits_dropped) {
    staged.notes.push_back("dropped setuid/setgid/sticky bits from " +
                           std::to_string(unpacked->special_bits_dropped) + " archive entries");
  }
  if (unpacked->write_bits_dropped) {
    staged.notes.push_back("dropped group/world write bits from " +
                           std::to_string(unpacked->write_bits_dropped) + " archive entries");
  }
  if (*adapted) {
    staged.notes.push_back("rewrote /opt/kata paths to " + prefix + " in " +
                           std::to_string(*adapted) + " configuration files");
  }
  return staged;
}

InstalledRuntime describe(const KataInstallOptions& o, const std::string& prefix,
                          const StagedKata& staged) {
  InstalledRuntime r;
  r.runtime = "kata";
  r.version = kata_version_from_name(staged.name);
  r.source = o.source;
  r.verified = staged.verified;
  r.digest = "sha256:" + staged.sha256;
  r.prefix = prefix;
  r.runtime_type = "io.containerd.kata.v2";
  r.shim_path = prefix + "/" + kShim;
  r.binary_path = path_exists(prefix + "/bin/kata-runtime") ? prefix + "/bin/kata-runtime" : "";
  r.config_path = prefix + "/" + staged.layout.config;
  r.notes = staged.layout.notes;
  if (!r.verified) r.notes.push_back("archive not verified: no --sha256 or --checksum-file given");
  r.notes.insert(r.notes.end(), staged.notes.begin(), staged.notes.end());
  return r;
}

Result<InstalledRuntime> install(const KataInstallOptions& o, const std::string& prefix) {
  if (auto ok = check_sources(o); !ok) return fail(ok.error());
  std::string manifest_path = manifest_path_for("kata", o.manifest_dir);
  auto previous = load_manifest_with_journal(manifest_path);
  if (!previous) return fail(previous.error());
  auto staging = StagingDir::create_for(prefix, "kata");
  if (!staging) return fail(staging.error());
  auto staged = stage_release(o, prefix, *staging);
  if (!staged) return fail(staged.error());
  // Only now, with the archive verified and checked, is the prefix written.
  const InstallManifest* before = *previous ? &**previous : nullptr;
  InstalledRuntime r;
  auto commit = [&](const Placement& placed) {
    r = describe(o, prefix, *staged);
    InstallRecord record{"kata", r.version, o.source, r.digest, prefix};
    return record_placement(placed, record, before, manifest_path, r);
  };
  PlaceOptions place{staged->root, prefix, before, o.force, journal_path_for(manifest_path),
                     "kata"};
  if (auto placed = place_tree(place, commit); !placed) return fail(placed.error());
  return r;
}

}  // namespace

std::string kata_version_from_name(const std::string& file_name) {
  // kata-static-<version>-<arch>.tar[.<compression>]; no <regex>: g++ 12 warns inside it
  // under the sanitizers.
  const std::string lead = "kata-static-";
  size_t tar = file_name.rfind(".tar");
  if (!starts_with(file_name, lead) || tar == std::string::npos) return "unknown";
  std::string suffix = file_name.substr(tar);
  if (suffix != ".tar" && suffix.find('.', 1) != 4) return "unknown";
  std::string stem = file_name.substr(lead.size(), tar - lead.size());
  size_t dash = stem.rfind('-');
  if (dash == std::string::npos || dash == 0) return "unknown";
  std::string arch = stem.substr(dash + 1);
  for (const char* known : {"amd64", "x86_64", "arm64", "aarch64", "s390x", "ppc64le"}) {
    if (arch == known) return stem.substr(0, dash);
  }
  return "unknown";
}

Result<InstalledRuntime> install_kata_release(const KataInstallOptions& options) {
  auto prefix = checked_prefix(options.prefix);
  if (!prefix) return fail(prefix.error().wrap("install kata"));
  auto installed = install(options, *prefix);
  if (!installed) return fail(installed.error().wrap("install kata"));
  return installed;
}

}  // namespace mkata::artifacts
