#include "image/image_set.h"

#include "core/files.h"
#include "core/strings.h"
#include "image/digest.h"
#include "image/tar_reader.h"
#include "image/tar_writer.h"
#include "image/workload_binaries.h"

namespace mkata::image {

namespace {

constexpr char kPath[] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
constexpr char kPasswd[] =
    "root:x:0:0:root:/root:/sbin/nologin\n"
    "nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n";
constexpr char kGroup[] = "root:x:0:\nnonroot:x:65532:\n";

Result<std::string> layer_for(const std::string& name, const std::string& binary) {
  TarWriter tar;
  for (auto r : {tar.add_file("/" + name, binary, 0755), tar.add_file("/etc/passwd", kPasswd, 0644),
                 tar.add_file("/etc/group", kGroup, 0644),
                 tar.add_directory("/home/nonroot", 0700, {kImageUid, kImageUid}),
                 tar.add_directory("/tmp", 01777)}) {
    if (!r) return fail(r.error());
  }
  return tar.finish();
}

Result<BuiltImage> build_one(const std::string& name, const std::string& workload_dir,
                             const std::string& out_dir) {
  std::string binary_path = workload_dir + "/" + name;
  auto binary = read_file(binary_path);
  if (!binary) return fail(binary.error());
  if (auto ok = check_static_executable(binary_path, *binary); !ok) return fail(ok.error());
  auto spec = workload_image_spec(name, *binary);
  if (!spec) return fail(spec.error());
  auto archive = build_oci_archive(*spec);
  if (!archive) return fail(archive.error());
  BuiltImage built{.name = name,
                   .reference = spec->reference,
                   .archive_path = out_dir + "/" + archive_file_name(name),
                   .manifest_digest = archive->manifest.digest,
                   .config_digest = archive->config.digest,
                   .archive_size = archive->bytes.size(),
                   .compressed_size = archive->compressed_size,
                   .config = spec->config};
  built.config.diff_ids = {archive->diff_id};
  if (auto w = write_file_atomic(built.archive_path, archive->bytes, 0644); !w) {
    return fail(w.error());
  }
  return built;
}

Result<std::string> blob(const std::vector<TarEntryInfo>& entries, const std::string& digest) {
  if (!is_sha256_digest(digest)) return fail("invalid digest '" + digest + "'");
  const auto* e = find_entry(entries, "blobs/sha256/" + std::string(digest_hex(digest)));
  if (!e) return fail("blob " + digest + " is missing");
  return e->content;
}

}  // namespace

std::string image_tag() { return MKATA_VERSION; }

std::string image_reference(const std::string& name) {
  return std::string(kImageRegistry) + "/" + name + ":" + image_tag();
}

std::string pause_image_reference() { return image_reference("pause"); }

std::string archive_file_name(const std::string& name) { return name + ".oci.tar"; }

Result<ImageSpec> workload_image_spec(const std::string& name, const std::string& binary) {
  auto layer = layer_for(name, binary);
  if (!layer) return fail(layer.error());
  ImageSpec spec;
  spec.reference = image_reference(name);
  spec.tag = image_tag();
  spec.layer_tar = std::move(*layer);
  ImageConfig& c = spec.config;
  c.entrypoint = {"/" + name};
  c.user = kImageUser;
  c.env = {kPath};
  if (name != "pause") {
    c.env.push_back("PORT=" + std::to_string(kWorkloadPort));
    c.exposed_ports = {std::to_string(kWorkloadPort) + "/tcp"};
  }
  c.history = {"mkata images build: /" + name +
               " (static binary), /etc/passwd, /etc/group, /home/nonroot, /tmp"};
  return spec;
}

Result<std::vector<BuiltImage>> build_image_set(const ImageSetOptions& options) {
  // An explicit directory is the only candidate, but it is still checked for all three.
  auto workload_dir = find_workload_dir(options.workload_dir);
  if (!workload_dir) return fail(workload_dir.error().wrap("build images"));
  if (auto made = make_directories(options.out_dir); !made) {
    return fail(made.error().wrap("build images"));
  }
  std::vector<BuiltImage> images;
  for (const auto& name : kWorkloadNames) {
    auto built = build_one(name, *workload_dir, options.out_dir);
    if (!built) return fail(built.error().wrap("build images: " + name));
    images.push_back(std::move(*built));
  }
  return images;
}

Result<BuiltImage> parse_image_archive(const std::string& bytes) {
  auto entries = read_tar(bytes);
  if (!entries) return fail(entries.error());
  const auto* index_entry = find_entry(*entries, "index.json");
  if (!index_entry) return fail("no index.json");
  auto index = parse_index(index_entry->content);
  if (!index) return fail(index.error());
  if (index->size() != 1) {
    return fail("index.json lists " + std::to_string(index->size()) + " manifests, expected 1");
  }
  BuiltImage image;
  image.archive_size = bytes.size();
  image.manifest_digest = index->front().digest;
  image.reference = index->front().annotations[kAnnotationContainerdName];
  auto manifest_json = blob(*entries, image.manifest_digest);
  if (!manifest_json) return fail(manifest_json.error());
  auto manifest = parse_manifest(*manifest_json);
  if (!manifest) return fail(manifest.error());
  image.config_digest = manifest->config.digest;
  image.compressed_size = manifest_json->size() + manifest->config.size;
  for (const auto& l : manifest->layers) image.compressed_size += l.size;
  auto config_json = blob(*entries, image.config_digest);
  if (!config_json) return fail(config_json.error());
  auto config = parse_image_config(*config_json);
  if (!config) return fail(config.error());
  image.config = std::move(*config);
  return image;
}

Result<BuiltImage> read_image_archive(const std::string& path) {
  auto bytes = read_file(path);
  if (!bytes) return fail(bytes.error());
  auto image = parse_image_archive(*bytes);
  if (!image) return fail(image.error().wrap("read image archive " + path));
  image->archive_path = path;
  std::string file = path.substr(path.find_last_of('/') + 1);
  image->name = ends_with(file, ".oci.tar") ? file.substr(0, file.size() - 8) : file;
  return image;
}

Result<std::vector<BuiltImage>> read_image_set(const std::string& dir) {
  std::vector<BuiltImage> images;
  for (const auto& name : kWorkloadNames) {
    auto image = read_image_archive(dir + "/" + archive_file_name(name));
    if (!image) return fail(image.error());
    images.push_back(std::move(*image));
  }
  return images;
}

}  // namespace mkata::image
