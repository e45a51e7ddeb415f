#include "image/image_set.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/build_paths.h"
#include "core/files.h"
#include "image/digest.h"
#include "image/gzip.h"
#include "image/tar_reader.h"
#include "image/tar_writer.h"
#include "image/workload_binaries.h"
#include "support/test_env.h"

namespace mkata::image {

namespace {

// The real workloads when the build has them (static: a sanitizer build links them
// dynamically), else the static stub under the three names.
bool real_workloads_built(const std::string& dir) {
  if (!find_workload_dir(std::vector<std::string>{dir})) return false;
  for (const auto& name : kWorkloadNames) {
    auto bytes = read_file(dir + "/" + name);
    if (!bytes || !check_static_executable(name, *bytes)) return false;
  }
  return true;
}

std::string workload_dir(const test::TempDir& tmp, bool* real) {
  std::string built = binary_path("/workloads");
  *real = real_workloads_built(built);
  if (*real) return built;
  std::filesystem::create_directories(tmp / "bin");
  for (const auto& name : kWorkloadNames) {
    std::filesystem::copy_file(MKATA_IMAGE_TEST_STUB, tmp / "bin/" + name);
  }
  return tmp / "bin";
}

}  // namespace

TEST(ImageSet, References) {
  EXPECT_EQ(image_reference("helloworld"), std::string("mkata.local/helloworld:") + MKATA_VERSION);
  EXPECT_EQ(pause_image_reference(), std::string("mkata.local/pause:") + MKATA_VERSION);
  EXPECT_EQ(archive_file_name("autoscale"), "autoscale.oci.tar");
}

TEST(ImageSet, LayerHoldsBinaryUsersAndTmp) {
  auto spec = workload_image_spec("helloworld", "ELF...");
  ASSERT_TRUE(spec) << spec.error().message();
  auto entries = read_tar(spec->layer_tar);
  ASSERT_TRUE(entries);
  std::vector<std::string> paths;
  for (const auto& e : *entries) paths.push_back(e.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"etc/", "etc/group", "etc/passwd", "helloworld",
                                             "home/", "home/nonroot/", "tmp/"}));
  EXPECT_EQ(find_entry(*entries, "helloworld")->mode, 0755u);
  EXPECT_EQ(find_entry(*entries, "helloworld")->content, "ELF...");
  EXPECT_EQ(find_entry(*entries, "tmp/")->mode, 01777u);
  EXPECT_EQ(find_entry(*entries, "home/nonroot/")->uid, 65532);
  EXPECT_NE(find_entry(*entries, "etc/passwd")->content.find("nonroot:x:65532:65532:"),
            std::string::npos);
  EXPECT_NE(find_entry(*entries, "etc/group")->content.find("nonroot:x:65532:"), std::string::npos);
}

TEST(ImageSet, ConfigsRunTheBinaryAsNonRoot) {
  auto hello = workload_image_spec("helloworld", "x");
  auto pause = workload_image_spec("pause", "x");
  ASSERT_TRUE(hello && pause);
  EXPECT_EQ(hello->config.entrypoint, std::vector<std::string>{"/helloworld"});
  EXPECT_EQ(hello->config.user, "65532:65532");
  EXPECT_EQ(hello->config.exposed_ports, std::vector<std::string>{"8080/tcp"});
  EXPECT_EQ(hello->config.env,
            (std::vector<std::string>{
                "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "PORT=8080"}));
  EXPECT_EQ(hello->config.architecture, "amd64");
  EXPECT_EQ(hello->config.os, "linux");
  EXPECT_EQ(pause->config.entrypoint, std::vector<std::string>{"/pause"});
  EXPECT_EQ(pause->config.user, "65532:65532");
  EXPECT_TRUE(pause->config.exposed_ports.empty());
}

TEST(ImageSet, BuildTwiceGivesIdenticalArchivesAndReadsBack) {
  test::TempDir tmp("mkata-images-set");
  bool real = false;
  std::string bins = workload_dir(tmp, &real);
  auto first = build_image_set({.workload_dir = bins, .out_dir = tmp / "a"});
  ASSERT_TRUE(first) << first.error().message();
  auto second = build_image_set({.workload_dir = bins, .out_dir = tmp / "b/nested"});
  ASSERT_TRUE(second) << second.error().message();
  ASSERT_EQ(first->size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    const auto& a = (*first)[i];
    EXPECT_EQ(a.name, kWorkloadNames[i]);
    EXPECT_EQ(a.archive_path, tmp / "a/" + a.name + ".oci.tar");
    EXPECT_EQ(*read_file(a.archive_path), *read_file((*second)[i].archive_path)) << a.name;
    EXPECT_EQ(a.manifest_digest, (*second)[i].manifest_digest);
    EXPECT_EQ(a.archive_size, std::filesystem::file_size(a.archive_path));
    if (real) {
      EXPECT_LT(a.compressed_size, 2u * 1024 * 1024) << a.name;
      EXPECT_LT(a.archive_size, 2u * 1024 * 1024) << a.name;
    }
    // The layer holds the very binary that was given, and the diff_id matches the layer.
    auto entries = read_tar(*read_file(a.archive_path));
    ASSERT_TRUE(entries);
    auto manifest = parse_manifest(
        find_entry(*entries, "blobs/sha256/" + a.manifest_digest.substr(7))->content);
    ASSERT_TRUE(manifest);
    auto layer = gzip_decompress(
        find_entry(*entries, "blobs/sha256/" + manifest->layers[0].digest.substr(7))->content);
    ASSERT_TRUE(layer);
    EXPECT_EQ(a.config.diff_ids, std::vector<std::string>{*sha256_digest(*layer)});
    auto files = read_tar(*layer);
    ASSERT_TRUE(files);
    EXPECT_EQ(find_entry(*files, a.name)->content, *read_file(bins + "/" + a.name));
  }
  auto read_back = read_image_set(tmp / "a");
  ASSERT_TRUE(read_back) << read_back.error().message();
  for (size_t i = 0; i < 3; ++i) {
    const auto& r = (*read_back)[i];
    const auto& b = (*first)[i];
    EXPECT_EQ(r.name, b.name);
    EXPECT_EQ(r.reference, b.reference);
    EXPECT_EQ(r.manifest_digest, b.manifest_digest);
    EXPECT_EQ(r.config_digest, b.config_digest);
    EXPECT_EQ(r.compressed_size, b.compressed_size);
    EXPECT_EQ(r.archive_size, b.archive_size);
    EXPECT_EQ(r.config, b.config);
  }
}

// Not libFuzzer (clang-14 cannot compile <expected> from libstdc++ 12), but the same idea with a
// fixed seed: thousands of corrupted archives must each give an error or a value, never a crash
// (run under -DMKATA_SANITIZE=ON to catch memory errors too).
TEST(ImageSet, CorruptedArchivesFailCleanly) {
  auto spec = workload_image_spec("pause", std::string(3000, 'x'));
  ASSERT_TRUE(spec);
  auto archive = build_oci_archive(*spec);
  ASSERT_TRUE(archive);
  ASSERT_TRUE(parse_image_archive(archive->bytes));
  uint64_t state = 0x9e3779b97f4a7c15ULL;
  auto next = [&state] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  int errors = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string bytes = archive->bytes;
    int flips = 1 + static_cast<int>(next() % 8);
    for (int f = 0; f < flips; ++f) {
      bytes[next() % bytes.size()] = static_cast<char>(next());
    }
    if (round % 10 == 0) bytes.resize(next() % bytes.size());
    if (!parse_image_archive(bytes)) ++errors;
  }
  EXPECT_GT(errors, 0);
  // Nothing at all.
  EXPECT_FALSE(parse_image_archive(""));
}

TEST(ImageSet, HostileIndexIsAnError) {
  TarWriter tar;
  ASSERT_TRUE(tar.add_file("index.json",
                           R"({"manifests":[{"mediaType":"m","digest":"x","size":1}]})", 0644));
  auto parsed = parse_image_archive(*tar.finish());
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().message(), "invalid digest 'x'");
  TarWriter tar2;
  ASSERT_TRUE(tar2.add_file("index.json", R"({"manifests":7})", 0644));
  auto parsed2 = parse_image_archive(*tar2.finish());
  ASSERT_FALSE(parsed2);
  EXPECT_TRUE(parsed2.error().message().starts_with("parse index: ")) << parsed2.error().message();
}

TEST(ImageSet, DynamicBinaryIsRefused) {
  test::TempDir tmp("mkata-images-set");
  std::filesystem::create_directories(tmp / "bin");
  for (const auto& name : kWorkloadNames) {
    std::filesystem::copy_file("/proc/self/exe", tmp / "bin/" + name);
  }
  auto built = build_image_set({.workload_dir = tmp / "bin", .out_dir = tmp / "out"});
  ASSERT_FALSE(built);
  EXPECT_EQ(built.error().message(), "build images: helloworld: " + tmp / "bin/helloworld" +
                                         " is not a static x86-64 executable: dynamically linked "
                                         "(has an ELF interpreter)");
  EXPECT_FALSE(std::filesystem::exists(tmp / "out/helloworld.oci.tar"));
}

TEST(ImageSet, ReadingAMissingArchiveNamesIt) {
  test::TempDir tmp("mkata-images-set");
  auto images = read_image_set(tmp.path());
  ASSERT_FALSE(images);
  EXPECT_EQ(images.error().message(),
            "read " + tmp / "helloworld.oci.tar" + ": No such file or directory");
}

}  // namespace mkata::image
