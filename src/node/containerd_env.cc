// Setting KATA_PATH in MicroK8s's containerd-env (see containerd_env.h).
#include "node/containerd_env.h"

#include <cerrno>
#include <vector>

#include "core/file_edit.h"
#include "core/files.h"
#include "core/strings.h"

namespace mkata::node {

namespace {

std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    lines.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

// The index of the first line for which `match` holds, or lines.size().
template <typename Match>
size_t find_line(const std::vector<std::string>& lines, Match match) {
  size_t i = 0;
  while (i < lines.size() && !match(trim(lines[i]))) ++i;
  return i;
}

}  // namespace

std::string with_kata_path(std::string_view text, const std::string& dir) {
  std::vector<std::string> lines = split_lines(text);
  const std::string assignment = "KATA_PATH=" + dir;
  size_t at = find_line(lines, [](const std::string& l) { return starts_with(l, "KATA_PATH="); });
  if (at == lines.size()) {
    at = find_line(lines, [](const std::string& l) { return starts_with(l, "# KATA_PATH="); });
  }
  if (at < lines.size()) {
    lines[at] = assignment;
  } else {
    size_t path = find_line(lines, [](const std::string& l) {
      return starts_with(l, "PATH=") && l.find("$KATA_PATH") != std::string::npos;
    });
    if (path == lines.size()) lines.push_back("PATH=$PATH:$KATA_PATH");
    path = find_line(lines, [](const std::string& l) {
      return starts_with(l, "PATH=") && l.find("$KATA_PATH") != std::string::npos;
    });
    lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(path), assignment);
  }
  return join(lines, "\n") + "\n";
}

Result<bool> set_kata_path(const std::string& env_file, const std::string& dir) {
  auto file = FileEdit::open(env_file);
  if (!file) return fail(file.error());
  if (!file->exists()) return fail(Error::from_errno("read " + env_file, ENOENT));
  std::string updated = with_kata_path(file->content(), dir);
  if (updated == file->content()) return false;
  if (auto backup = file->backup(); !backup) return fail(backup.error());
  if (auto ok = file->commit(updated); !ok) return fail(ok.error());
  return true;
}

}  // namespace mkata::node
