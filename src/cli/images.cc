// mkata images build|import: the sample workload images as reproducible OCI archives, and their
// import into a running containerd. Thin: parse, call image::build_image_set / import_images,
// print (text or --json). See docs/images.md.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/args.h"
#include "cli/commands.h"
#include "image/image_import.h"
#include "image/image_set.h"

namespace mkata::cli {

namespace {

constexpr char kSummary[] =
    "Build the sample workload images (helloworld, autoscale, pause) as reproducible OCI\n"
    "archives, or import them into a running containerd.\n\n"
    "  build   write DIR/{helloworld,autoscale,pause}.oci.tar (default DIR: ./images) from the\n"
    "          static workload binaries, found in --workloads DIR, else $MKATA_WORKLOAD_DIR,\n"
    "          else <mkata's dir>/../../workloads (the build tree), else\n"
    "          /usr/local/lib/mkata/workloads. Building twice gives byte-identical archives.\n"
    "  import  import the archives in --dir into the containerd at --address (MicroK8s:\n"
    "          /var/snap/microk8s/common/run/containerd.sock) with ctr, then verify each\n"
    "          image is listed with its digest.";

struct Options {
  std::vector<std::string> subcommand;
  std::string out = "images", dir = "images", workloads, address, ns = image::kCriNamespace,
              snapshotter;
  bool json = false;
};

std::string human_size(uint64_t bytes) {
  char text[32];
  if (bytes < 1024) {
    std::snprintf(text, sizeof text, "%llu B", static_cast<unsigned long long>(bytes));
  } else if (bytes < 1024 * 1024) {
    std::snprintf(text, sizeof text, "%.1f KiB", static_cast<double>(bytes) / 1024);
  } else {
    std::snprintf(text, sizeof text, "%.2f MiB", static_cast<double>(bytes) / (1024 * 1024));
  }
  return text;
}

void print_json(const nlohmann::json& j) {
  // Replace rather than throw on a non-UTF-8 path: output must never abort the command.
  std::printf("%s\n", j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
}

Result<int> build(const Options& o) {
  auto images = image::build_image_set({.workload_dir = o.workloads, .out_dir = o.out});
  if (!images) return fail(images.error());
  nlohmann::json list = nlohmann::json::array();
  for (const auto& i : *images) {
    if (o.json) {
      list.push_back({{"name", i.name},
                      {"reference", i.reference},
                      {"archive", i.archive_path},
                      {"manifest_digest", i.manifest_digest},
                      {"config_digest", i.config_digest},
                      {"archive_bytes", i.archive_size},
                      {"compressed_bytes", i.compressed_size}});
    } else {
      std::printf("%-32s %s  %s compressed  %s\n", i.reference.c_str(), i.manifest_digest.c_str(),
                  human_size(i.compressed_size).c_str(), i.archive_path.c_str());
    }
  }
  if (o.json) print_json({{"images", list}});
  return kExitOk;
}

Result<int> import(const Options& o) {
  if (o.address.empty()) {
    return fail(usage_error("images", "import needs --address SOCKET (MicroK8s: " +
                                          std::string(image::kMicroK8sContainerdSocket) + ")"));
  }
  // The socket first: without a containerd there is nothing to import into.
  if (auto ok = image::check_containerd_socket(o.address); !ok) {
    return fail(ok.error().wrap("import images"));
  }
  auto images = image::read_image_set(o.dir);
  if (!images) {
    return fail(images.error()
                    .wrap("import images")
                    .with_hint("build them first: mkata images build --out " + o.dir));
  }
  image::ImportOptions options;
  options.address = o.address;
  options.ns = o.ns;
  options.snapshotter = o.snapshotter;
  auto imported = image::import_images(options, *images);
  if (!imported) return fail(imported.error());
  nlohmann::json list = nlohmann::json::array();
  for (const auto& i : *imported) {
    if (o.json) {
      list.push_back({{"name", i.name}, {"reference", i.reference}, {"digest", i.digest}});
    } else {
      std::printf("imported %-32s %s\n", i.reference.c_str(), i.digest.c_str());
    }
  }
  if (o.json) {
    print_json({{"address", o.address}, {"namespace", o.ns}, {"images", list}});
  } else {
    std::printf("into %s (namespace %s)\n", o.address.c_str(), o.ns.c_str());
  }
  return kExitOk;
}

// Options that belong to one subcommand only: naming them with the other is a usage error.
Result<void> reject_foreign(const std::vector<std::string>& args, const std::string& sub,
                            const std::vector<std::string>& foreign) {
  for (const auto& a : args) {
    for (const auto& f : foreign) {
      if (a == "--" + f || a.starts_with("--" + f + "=")) {
        return fail(usage_error("images", "option '--" + f + "' does not apply to '" + sub + "'"));
      }
    }
  }
  return {};
}

}  // namespace

Result<int> images_command(const CommandArgs& args) {
  Options o;
  ArgParser parser("images", kSummary);
  parser.positionals(&o.subcommand, "build|import");
  parser.option("out", &o.out, "DIR", "build: where to write the archives (default: images)");
  parser.option("workloads", &o.workloads, "DIR", "build: directory of the workload binaries");
  parser.option("address", &o.address, "SOCKET", "import: containerd's socket (required)");
  parser.option("namespace", &o.ns, "NS", "import: containerd namespace (default: k8s.io)");
  parser.option("dir", &o.dir, "DIR", "import: where the archives are (default: images)");
  parser.option("snapshotter", &o.snapshotter, "NAME",
                "import: unpack into this snapshotter (default: containerd's)");
  parser.flag("json", &o.json, "print the result as JSON");
  auto parsed = parser.parse(args);
  if (!parsed) return fail(parsed.error());
  if (!*parsed) return kExitOk;
  if (o.subcommand.empty()) {
    return fail(usage_error("images", "missing subcommand (accepted: build, import)"));
  }
  if (o.subcommand[0] != "build" && o.subcommand[0] != "import") {
    return fail(usage_error(
        "images", "unknown subcommand '" + o.subcommand[0] + "' (accepted: build, import)"));
  }
  if (o.subcommand.size() > 1) {
    return fail(usage_error("images", "unexpected argument '" + o.subcommand[1] + "'"));
  }
  if (o.subcommand[0] == "build") {
    if (auto ok = reject_foreign(args, "build", {"address", "namespace", "dir", "snapshotter"});
        !ok) {
      return fail(ok.error());
    }
    return build(o);
  }
  if (auto ok = reject_foreign(args, "import", {"out", "workloads"}); !ok) return fail(ok.error());
  return import(o);
}

}  // namespace mkata::cli
