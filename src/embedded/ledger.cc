// See ledger.h. nlohmann::json throws on malformed input; every call is wrapped here (the one
// file that uses it for the ledger), so a corrupt line becomes "skipped", never an exception.
#include "embedded/ledger.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <nlohmann/json.hpp>

#include "core/files.h"
#include "core/strings.h"

namespace mkata::embedded {

std::string encode_change(const HostChange& change) {
  nlohmann::json j = {{"kind", change.kind}, {"name", change.name}};
  if (!change.before.empty()) j["before"] = change.before;
  if (!change.detail.empty()) j["detail"] = change.detail;
  if (change.pid > 0) j["pid"] = change.pid;
  if (change.start > 0) j["start"] = change.start;
  if (!change.program.empty()) j["program"] = change.program;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::vector<HostChange> parse_ledger(const std::string& text) {
  std::vector<HostChange> changes;
  for (const auto& line : split(text, '\n')) {
    if (trim(line).empty()) continue;
    try {
      auto j = nlohmann::json::parse(line);
      if (!j.is_object() || !j.contains("kind") || !j["kind"].is_string()) continue;
      HostChange c;
      c.kind = j["kind"].get<std::string>();
      c.name = j.value("name", "");
      c.before = j.value("before", "");
      c.detail = j.value("detail", "");
      c.pid = j.value("pid", 0);
      c.start = j.value("start", 0ULL);
      c.program = j.value("program", "");
      changes.push_back(std::move(c));
    } catch (const nlohmann::json::exception&) {
      // A torn write from a crash: the change it described had not been made yet.
    }
  }
  return changes;
}

Result<void> Ledger::record(const HostChange& change) const {
  auto context = "record " + change.kind + " " + change.name + " in ledger " + path_;
  int fd = open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return fail(Error::from_errno(context, errno));
  std::string line = encode_change(change) + "\n";
  ssize_t n = write(fd, line.data(), line.size());
  int err = errno;
  bool ok = n == static_cast<ssize_t>(line.size()) && fsync(fd) == 0;
  if (!ok && n >= 0) err = n == static_cast<ssize_t>(line.size()) ? errno : EIO;
  close(fd);
  if (!ok) return fail(Error::from_errno(context, err));
  return {};
}

Result<std::vector<HostChange>> Ledger::read() const {
  if (!path_exists(path_)) return std::vector<HostChange>{};
  auto text = read_file(path_);
  if (!text) return fail(text.error().wrap("read ledger"));
  return parse_ledger(*text);
}

bool Ledger::exists() const { return path_exists(path_); }

Result<void> Ledger::remove() const {
  if (unlink(path_.c_str()) != 0 && errno != ENOENT) {
    return fail(Error::from_errno("remove ledger " + path_, errno));
  }
  return {};
}

}  // namespace mkata::embedded
