// See github_summary.h. Fitting the limit: the summary is rendered with the whole evidence, and
// while it is too big again with every evidence text cut shorter (64 KiB, 4 KiB, 512 bytes, then
// none); the status line and the table come first and are kept, and a summary still too big
// (thousands of node × runtime entries) is cut at a line with a note.
#include "report/github_summary.h"

#include <algorithm>
#include <optional>

#include "core/strings.h"
#include "core/utf8.h"
#include "report/markup_escape.h"
#include "report/run_checks.h"

namespace mkata::report {
namespace {

std::string icon(const std::string& status) {
  if (status == "passed") return "✅";
  if (status == "failed") return "❌";
  return "⏭";
}

// Outside text inline or in a table cell.
std::string inline_text(const std::string& text) {
  std::string out;
  for (char c : markup_text(text)) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n') {
      out += "<br>";
    } else if (c != '\r') {
      out += c;
    }
  }
  return out;
}

// The first max bytes of text, not splitting a UTF-8 sequence.
std::string cut_utf8(const std::string& text, size_t max) {
  if (text.size() <= max) return text;
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xc0) == 0x80) --n;
  return text.substr(0, n);
}

// Outside text as a fenced code block, at most cap bytes of it (nullopt: all).
std::string code_block(const std::string& text, std::optional<size_t> cap) {
  std::string shown = cap ? cut_utf8(text, *cap) : text;
  std::vector<std::string> lines;
  for (const auto& line : split(shown, '\n')) lines.push_back(printable(line));
  std::string body = join(lines, "\n");
  size_t run = 0, longest = 0;
  for (char c : body) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  std::string fence(std::max<size_t>(3, longest + 1), '`');
  std::string md = fence + "text\n" + body + "\n" + fence + "\n";
  if (shown.size() < text.size()) {
    md += "\n*… " + std::to_string(text.size() - shown.size()) +
          " more bytes cut to stay under GitHub's 1 MiB step-summary limit (the JSON, HTML and "
          "JUnit reports have all of it)*\n";
  }
  return md;
}

std::string ms_text(long long ms) { return ms < 0 ? "" : " " + std::to_string(ms) + " ms"; }

std::string runtime_title(const RuntimeOutcome& r) {
  return r.name + (r.node.empty() ? "" : " @ " + r.node);
}

long long total_of(const std::vector<PhaseTiming>& timings) {
  for (const auto& t : timings) {
    if (t.phase == "total") return t.ms;
  }
  return -1;
}

std::string details(const ValidationRecord& record, const RuntimeChecks& rc,
                    std::optional<size_t> cap) {
  const RuntimeOutcome& r = *rc.runtime;
  std::string md = "<details><summary>" + icon(r.status) + " <b>" + markup_text(runtime_title(r)) +
                   "</b> (" + markup_text(r.display_name) + ") — " + r.status +
                   ms_text(total_of(r.timings)) + "</summary>\n\n";
  if (!r.reason.empty()) md += "**Reason:** " + inline_text(r.reason) + "\n\n";
  if (!r.handler.empty()) {
    md += "- " + std::string(record.target == "embedded" ? "CRI runtime handler" : "runtime") +
          ": `" + inline_text(r.handler) + "`\n\n";
  }
  if (cap && *cap == 0) {
    md +=
        "*Evidence left out to stay under GitHub's 1 MiB step-summary limit (the JSON, HTML and "
        "JUnit reports have it).*\n\n";
  } else {
    for (const auto& c : rc.checks) {
      if (c.status != "failed") continue;
      md += "❌ **" + inline_text(c.name) + "**\n\n" + code_block(c.evidence, cap) + "\n";
    }
    for (const auto& [workload, answer] : r.answers) {
      md += "**" + inline_text(workload) + "** answered:\n\n" + code_block(answer, cap) + "\n";
    }
  }
  if (!r.evidence.empty()) {
    md += "| field | pod | host | rule | ok |\n|---|---|---|---|---|\n";
    for (const auto& e : r.evidence) {
      md += "| " + inline_text(e.field) + " | " + inline_text(e.pod) + " | " + inline_text(e.host) +
            " | " + inline_text(e.rule) + " | " + (e.ok ? "✅" : "❌") + " |\n";
    }
    md += "\n";
  }
  if (!r.timings.empty()) {
    md += "| phase | ms |\n|---|---:|\n";
    for (const auto& t : r.timings) {
      md += "| " + inline_text(t.phase) + " | " + std::to_string(t.ms) + " |\n";
    }
    md += "\n";
  }
  return md + "</details>\n\n";
}

std::string render(const ValidationRecord& record, std::optional<size_t> cap) {
  auto all = checks_of(record);
  bool any_failed = std::any_of(all.begin(), all.end(), [](const RuntimeChecks& rc) {
    return rc.runtime->status == "failed";
  });
  std::string md = "## " + std::string(record.passed ? "✅" : "❌") + " mkata validate on " +
                   inline_text(record.target) + ": " + (record.passed ? "PASSED" : "FAILED") +
                   "\n\n";
  std::vector<std::string> status;
  for (const auto& rc : all) {
    status.push_back(icon(rc.runtime->status) + " " + inline_text(runtime_title(*rc.runtime)));
  }
  md += (status.empty() ? "(no runtime)" : join(status, " · ")) + "\n\n";
  std::vector<std::string> facts;
  if (!record.target_description.empty()) facts.push_back(inline_text(record.target_description));
  if (!record.started_utc.empty()) facts.push_back(inline_text(record.started_utc));
  if (!record.host_name.empty()) facts.push_back("host " + inline_text(record.host_name));
  if (long long total = total_of(record.timings); total >= 0) {
    facts.push_back(std::to_string(total) + " ms");
  }
  md += join(facts, " · ") + "\n\n";
  for (const auto& note : record.target_notes) md += "- " + inline_text(note) + "\n";
  if (!record.target_notes.empty()) md += "\n";
  if (!record.error.empty()) md += "> ❌ **Error:** " + inline_text(record.error) + "\n\n";
  if (!record.passed && !any_failed && record.error.empty()) {
    md += "> ❌ the run failed outside any runtime\n\n";
  }
  if (!all.empty()) {
    std::vector<std::string> rows;  // check names in order of first appearance
    for (const auto& rc : all) {
      for (const auto& c : rc.checks) {
        if (std::find(rows.begin(), rows.end(), c.name) == rows.end()) rows.push_back(c.name);
      }
    }
    md += "| check |";
    for (const auto& rc : all) md += " " + inline_text(runtime_title(*rc.runtime)) + " |";
    md += "\n|---|";
    for (size_t i = 0; i < all.size(); ++i) md += ":---:|";
    md += "\n";
    for (const auto& row : rows) {
      md += "| " + inline_text(row) + " |";
      for (const auto& rc : all) {
        auto c = std::find_if(rc.checks.begin(), rc.checks.end(),
                              [&](const CheckResult& x) { return x.name == row; });
        md += c == rc.checks.end() ? " — |" : " " + icon(c->status) + ms_text(c->ms) + " |";
      }
      md += "\n";
    }
    md += "\n";
  }
  for (const auto& rc : all) md += details(record, rc, cap);
  md +=
      "<details><summary>Versions and host check</summary>\n\n| component | version |\n"
      "|---|---|\n";
  for (const auto& v : record.versions) {
    md += "| " + inline_text(v.component) + " | " + inline_text(v.version) + " |\n";
  }
  md += "\n| runtime | usable | reasons |\n|---|---|---|\n";
  for (const auto& c : record.check) {
    md += "| " + inline_text(c.runtime) + " | " + (c.usable ? "yes" : "no") + " | " +
          inline_text(join(c.reasons, "; ")) + " |\n";
  }
  return md + "\n</details>\n";
}

}  // namespace

std::string render_github_summary(const ValidationRecord& record, size_t max_bytes) {
  for (std::optional<size_t> cap :
       {std::optional<size_t>{}, std::optional<size_t>{64 * 1024}, std::optional<size_t>{4096},
        std::optional<size_t>{512}, std::optional<size_t>{0}}) {
    std::string md = render(record, cap);
    if (md.size() <= max_bytes) return md;
  }
  std::string md = render(record, 0);
  const std::string note =
      "\n\n*… summary cut to stay under GitHub's 1 MiB step-summary limit (the JSON, HTML and "
      "JUnit reports have all of it)*\n";
  if (max_bytes <= note.size()) return cut_utf8(note, max_bytes);
  std::string kept = cut_utf8(md, max_bytes - note.size());
  if (auto line = kept.rfind('\n'); line != std::string::npos) kept.resize(line);
  return kept + note;
}

}  // namespace mkata::report
