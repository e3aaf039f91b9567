// The text side of omk's LCB runner (benches.md §8): structural filter, selection filter,
// prompt, and clean_lcb_completion.
#include <string>

#include "benches/common/py_regex.h"
#include "benches/common/unicode.h"
#include "benches/livecodebench/livecodebench.h"

namespace harness::benches::livecodebench {

std::optional<std::string> method_name(const nlohmann::json& row, std::string* why) {
  auto say = [&](const char* reason) -> std::optional<std::string> {
    if (why) *why = reason;
    return std::nullopt;
  };
  auto pub = row.find("public_test_cases");
  if (pub == row.end() || !pub->is_string()) return say("no public_test_cases string");
  nlohmann::json tests = nlohmann::json::parse(pub->get<std::string>(), nullptr, false);
  if (tests.is_discarded() || !tests.is_array() || tests.empty())
    return say("public_test_cases is empty or not a JSON list");
  if (!tests[0].is_object() || tests[0].value("testtype", "") != "functional")
    return say("not a functional problem");
  auto starter = row.find("starter_code");
  if (starter == row.end() || !starter->is_string()) return say("no starter_code");
  auto m = py::search(R"(def\s+(\w+)\s*\(\s*self)", starter->get<std::string>());
  if (!m) return say("starter_code has no method taking self");
  return m->group(1);
}

std::string first_testtype(const nlohmann::json& row) {
  auto pub = row.find("public_test_cases");
  if (pub == row.end() || !pub->is_string()) return "";
  nlohmann::json tests = nlohmann::json::parse(pub->get<std::string>(), nullptr, false);
  if (!tests.is_array() || tests.empty() || !tests[0].is_object()) return "";
  return tests[0].value("testtype", "");
}

bool passes_filter(const nlohmann::json& doc, std::string_view difficulty,
                   std::string_view min_date, std::string_view max_date) {
  if (!difficulty.empty() && doc.value("difficulty", "") != difficulty) return false;
  std::string date = doc.value("contest_date", "").substr(0, 10);
  if (date.empty()) return true;  // the reference lets undated problems through
  if (!min_date.empty() && date < min_date) return false;
  if (!max_date.empty() && date > max_date) return false;
  return true;
}

std::string build_user_message(std::string_view question_content, std::string_view starter_code) {
  std::string msg =
      "Solve the following Python coding problem. Respond with ONLY the completed Solution "
      "class in a Python markdown block, no explanations.\n\n";
  msg += question_content;
  msg += "\n\n```python\n";
  msg += starter_code;
  msg += "\n```";
  return msg;
}

std::string build_stdin_user_message(std::string_view question_content) {
  std::string msg =
      "Solve the following Python coding problem. Respond with ONLY a complete Python program "
      "that reads the input from standard input and writes the answer to standard output, in "
      "a Python markdown block, no explanations.\n\n";
  msg += question_content;
  return msg;
}

std::vector<const Problem*> filter_problems(const std::vector<Problem>& problems,
                                            const nlohmann::json& filter) {
  auto text = [&](const char* key) -> std::string {
    if (!filter.contains(key)) return "";
    if (!filter[key].is_string())
      throw DataError(std::string("selection.filter.") + key + " must be a string");
    return filter[key].get<std::string>();
  };
  if (!filter.is_object()) throw DataError("selection.filter must be a map of filter keys");
  for (const auto& [key, value] : filter.items())
    if (key != "difficulty" && key != "min_date" && key != "max_date" && key != "testtype")
      throw DataError("selection.filter." + key +
                      " is not a livecodebench filter key; use difficulty, min_date, max_date "
                      "or testtype");
  std::string testtype = filter.contains("testtype") ? text("testtype") : "functional";
  if (testtype != "functional" && testtype != "stdin" && testtype != "any")
    throw DataError("selection.filter.testtype \"" + testtype +
                    "\" is unknown; use functional, stdin or any");
  std::string difficulty = text("difficulty"), min_date = text("min_date"),
              max_date = text("max_date");
  std::vector<const Problem*> kept;
  for (const auto& p : problems) {
    if (testtype != "any" && p.doc.value("testtype", "") != testtype) continue;
    if (passes_filter(p.doc, difficulty, min_date, max_date)) kept.push_back(&p);
  }
  return kept;
}

namespace {
std::string join_lines(const std::vector<std::string>& lines, size_t begin, size_t end) {
  std::string out;
  for (size_t i = begin; i < end; ++i) {
    if (i > begin) out += "\n";
    out += lines[i];
  }
  return out;
}
std::string strip_trailing_fence(const std::string& s) {
  return py::sub(R"(\n?```\s*$)", "", s, py::kIgnoreCase);
}

std::vector<std::string> split_newline(std::string_view text) {
  std::vector<std::string> lines;  // text.split("\n")
  for (size_t start = 0;;) {
    size_t nl = text.find('\n', start);
    lines.emplace_back(text.substr(start, nl == std::string_view::npos ? nl : nl - start));
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  return lines;
}

std::vector<size_t> fence_lines(const std::vector<std::string>& lines) {
  std::vector<size_t> fences;
  for (size_t i = 0; i < lines.size(); ++i)
    if (lines[i].find("```") != std::string::npos) fences.push_back(i);
  return fences;
}
}  // namespace

std::string extract_code_official(std::string_view text) {
  std::vector<std::string> lines = split_newline(text);
  std::vector<size_t> fences = fence_lines(lines);
  if (fences.size() < 2) return "";
  return join_lines(lines, fences[fences.size() - 2] + 1, fences.back());
}

std::string extract_code(std::string_view text) {
  std::vector<std::string> lines = split_newline(text);
  std::vector<size_t> fences = fence_lines(lines);
  if (fences.size() >= 2) return join_lines(lines, fences[fences.size() - 2] + 1, fences.back());
  if (fences.size() == 1) {
    std::string before = join_lines(lines, 0, fences[0]);
    std::string after = join_lines(lines, fences[0] + 1, lines.size());
    return strip_trailing_fence(py::strip(before).empty() ? after : before);
  }
  return strip_trailing_fence(std::string(text));
}

}  // namespace harness::benches::livecodebench
