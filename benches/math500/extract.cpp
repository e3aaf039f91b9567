// find_answer_candidates(): runs math-verify's extraction patterns over a text and turns
// each match into a candidate the way parser.py's extract_latex/extract_expr read it.
#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "benches/common/py_regex.h"
#include "benches/common/unicode.h"
#include "benches/math500/extract.h"
#include "benches/math500/extract_patterns.h"
#include "benches/math500/extract_regex.h"

namespace harness::benches::math500 {
namespace {

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// A match reduced to what candidate building needs: named group spans.
struct GroupSpan {
  std::string_view name;
  size_t begin = py::kNoPos, end = py::kNoPos;
  bool has_value() const { return begin != py::kNoPos && end > begin; }
};
struct RawMatch {
  size_t start = 0, end = 0;
  std::vector<GroupSpan> groups;
};

// The compiled pattern i of extraction_patterns() (none for the hand-scanned bare box).
const ExtractionRegex& compiled(size_t i) {
  static const std::vector<std::unique_ptr<ExtractionRegex>> regexes = [] {
    std::vector<std::unique_ptr<ExtractionRegex>> out;
    for (const ExtractionPattern& p : extraction_patterns()) {
      out.push_back(p.bare_boxed ? nullptr : std::make_unique<ExtractionRegex>(p.source, p.dotall));
    }
    return out;
  }();
  return *regexes.at(i);
}

// Spans of a match found in text.substr(base).
RawMatch raw_match(const ExtractionPattern& p, const RegexSpans& m, size_t base) {
  const auto shift = [base](size_t at) { return at == RegexSpans::kUnset ? py::kNoPos : base + at; };
  RawMatch r{base + m.begin[0], base + m.end[0], {}};
  for (size_t g = 0; g < p.group_names.size(); ++g) {
    r.groups.push_back({p.group_names[g], shift(m.begin[g + 1]), shift(m.end[g + 1])});
  }
  return r;
}

std::vector<RawMatch> run_regex(size_t index, std::string_view text) {
  const ExtractionPattern& p = extraction_patterns()[index];
  std::vector<RawMatch> out;
  for (const RegexSpans& m : compiled(index).finditer(text)) out.push_back(raw_match(p, m, 0));
  return out;
}

// A superset of the regex's expression characters [\d.\s+\-*×/^()÷] and operators: every
// non-ASCII byte counts as both (Unicode digits and spaces, × and ÷), which keeps runs
// cut at ASCII characters only, so that run bounds are character bounds.
bool maybe_operator(unsigned char c) {
  return c >= 0x80 || (c != 0 && std::strchr("+-*/^()", c) != nullptr);
}
bool maybe_expr_char(unsigned char c) {
  return maybe_operator(c) || (c >= '0' && c <= '9') || c == '.' || c == ' ' ||
         (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

// Same matches as run_regex for an `operator_runs` pattern: finditer restricted to each
// run that holds an operator, with one character on each side.
std::vector<RawMatch> run_regex_in_runs(size_t index, std::string_view text) {
  const ExtractionPattern& p = extraction_patterns()[index];
  std::vector<RawMatch> out;
  size_t resume = 0;
  for (size_t a = 0; a < text.size();) {
    if (!maybe_expr_char(text[a])) {
      ++a;
      continue;
    }
    size_t b = a;
    bool has_operator = false;
    for (; b < text.size() && maybe_expr_char(text[b]); ++b) {
      has_operator = has_operator || maybe_operator(text[b]);
    }
    if (has_operator) {
      // The subject starts at the non-expression character before the run: "^" can match
      // there only where the text starts, since an expression cannot begin with that
      // character. The pattern has no lookbehind.
      const size_t base = a > 0 ? a - 1 : 0;
      std::string_view subject = text.substr(base, std::min(b + 1, text.size()) - base);
      for (const RegexSpans& m : compiled(index).finditer(subject)) {
        RawMatch r = raw_match(p, m, base);
        if (r.start < resume) continue;
        resume = r.end;
        out.push_back(std::move(r));
      }
    }
    a = b;
  }
  return out;
}

// (?P<first_latexBoxed>\\boxed{.+}) with DOTALL: from the first "\boxed{" to the last "}"
// of the text, at least one character between the braces; at most one match.
std::vector<RawMatch> run_bare_boxed(std::string_view text) {
  size_t open = text.find("\\boxed{");
  size_t close = text.rfind('}');
  if (open == std::string_view::npos || close == std::string_view::npos ||
      close < open + 8) {
    return {};
  }
  return {RawMatch{open, close + 1, {{"first_latexBoxed", open, close + 1}}}};
}

const GroupSpan* first_with_value(const RawMatch& m, std::string_view prefix) {
  for (const GroupSpan& g : m.groups) {
    if (starts_with(g.name, prefix) && g.has_value()) return &g;
  }
  return nullptr;
}

AnswerCandidate latex_candidate(const RawMatch& m, std::string_view text) {
  AnswerCandidate c;
  c.kind = CandidateKind::Latex;
  static const char* const kPrefixes[] = {"first_", "next1_", "next2_", "next3_", "next4_",
                                          "next5_"};
  for (const char* prefix : kPrefixes) {
    const GroupSpan* env = first_with_value(m, std::string(prefix) + "latex");
    if (env == nullptr) continue;
    const GroupSpan* percent = first_with_value(m, std::string(prefix) + "percent");
    const BoxedMode mode = env->name.substr(env->name.find('_') + 1) == "latexBoxed"
                               ? BoxedMode::Last
                               : BoxedMode::All;
    std::string_view raw = text.substr(env->begin, env->end - env->begin);
    c.parts.push_back({normalize_latex(raw, mode), percent != nullptr});
    if (c.parts.size() == 1) {
      c.value_start = env->begin;
      c.value_end = env->end;
    }
  }
  for (size_t i = 0; i < c.parts.size(); ++i) {
    if (i > 0) c.text += " and ";
    c.text += c.parts[i].text;
  }
  c.matched = c.text;
  return c;
}

AnswerCandidate expr_candidate(const RawMatch& m, std::string_view text) {
  AnswerCandidate c;
  c.kind = CandidateKind::Expr;
  const GroupSpan* integer = first_with_value(m, "integer");
  const GroupSpan* decimal = first_with_value(m, "decimal");
  const GroupSpan* percent = first_with_value(m, "percent");
  const GroupSpan* expr = first_with_value(m, "expr");
  const auto span = [&](const GroupSpan* g) { return text.substr(g->begin, g->end - g->begin); };
  if (integer != nullptr || decimal != nullptr) {
    std::string digits;
    if (integer != nullptr) {
      for (char ch : span(integer)) {
        if (ch != ',' && ch != ' ') digits += ch;
      }
    }
    // lstrip("0"), and "" back to "0".
    const size_t nonzero = digits.find_first_not_of('0');
    digits = nonzero == std::string::npos ? std::string(1, '0') : digits.substr(nonzero);
    std::string fraction = decimal != nullptr ? std::string(span(decimal)) : std::string();
    std::replace(fraction.begin(), fraction.end(), ',', '.');
    c.matched = digits + fraction;
    c.number_raises = std::any_of(c.matched.begin(), c.matched.end(),
                                  [](char ch) { return static_cast<unsigned char>(ch) >= 0x80; });
    c.text = percent != nullptr ? c.matched + "%" : c.matched;
    c.value_start = integer != nullptr ? integer->begin : decimal->begin;
    c.value_end = decimal != nullptr ? decimal->end : integer->end;
  } else if (expr != nullptr) {
    c.text = c.matched = std::string(span(expr));
    c.value_start = expr->begin;
    c.value_end = expr->end;
  }
  return c;
}

// Steps the lazy \[…\] and \(…\) environments spend on openers that no closer follows:
// each scans to the end of the text (of the line for \(…\)) before failing. Python's
// `re` does the same, so past some size math-verify hits its 5 s budget instead.
double unclosed_environment_cost(std::string_view text) {
  double cost = 0;
  const size_t last_display = text.rfind("\\]");
  for (size_t p = text.find("\\["); p != std::string_view::npos; p = text.find("\\[", p + 2)) {
    if (last_display == std::string_view::npos || p > last_display) cost += double(text.size() - p);
  }
  for (size_t line = 0; line < text.size();) {
    size_t line_end = text.find('\n', line);
    if (line_end == std::string_view::npos) line_end = text.size();
    std::string_view row = text.substr(line, line_end - line);
    const size_t last_close = row.rfind("\\)");
    for (size_t p = row.find("\\("); p != std::string_view::npos; p = row.find("\\(", p + 2)) {
      if (last_close == std::string_view::npos || p > last_close) cost += double(row.size() - p);
    }
    line = line_end + 1;
  }
  return cost;
}

// Roughly what Python's `re` gets through in math-verify's 5 s parse budget.
constexpr double kTimeoutCost = 5e7;

struct Found {
  AnswerCandidate candidate;
  size_t order;  // generation order, for the stable tie-break
};

}  // namespace

std::vector<std::vector<AnswerCandidate>> find_answer_candidates(std::string_view raw) {
  // Python sees a decoded str; invalid bytes become U+FFFD as its decode(errors="replace")
  // does, and offsets then refer to that repaired text.
  std::string repaired;
  if (!py::is_valid_utf8(raw)) repaired = py::to_valid_utf8(raw);
  const std::string_view text = repaired.empty() ? raw : std::string_view(repaired);
  // parse() returns [] on its timeout; a text that would take math-verify there gives no
  // candidates instead of keeping us busy for minutes.
  if (unclosed_environment_cost(text) > kTimeoutCost) return {};
  const std::vector<ExtractionPattern>& patterns = extraction_patterns();
  std::vector<int> priorities;
  for (const ExtractionPattern& p : patterns) priorities.push_back(p.priority);
  std::sort(priorities.begin(), priorities.end());
  priorities.erase(std::unique(priorities.begin(), priorities.end()), priorities.end());

  std::vector<std::vector<AnswerCandidate>> groups;
  for (int priority : priorities) {
    std::vector<Found> found;
    for (size_t i = 0; i < patterns.size(); ++i) {
      const ExtractionPattern& p = patterns[i];
      if (p.priority != priority) continue;
      std::vector<RawMatch> matches;
      try {
        matches = p.bare_boxed      ? run_bare_boxed(text)
                  : p.operator_runs ? run_regex_in_runs(i, text)
                                    : run_regex(i, text);
      } catch (const ExtractionTimeout&) {
        return {};  // what parse() gives on its timeout
      }
      for (const RawMatch& m : matches) {
        AnswerCandidate c = p.kind == CandidateKind::Latex ? latex_candidate(m, text)
                                                           : expr_candidate(m, text);
        c.priority = priority;
        c.start = m.start;
        c.end = m.end;
        found.push_back({std::move(c), found.size()});
      }
    }
    if (found.empty()) continue;
    std::stable_sort(found.begin(), found.end(), [](const Found& a, const Found& b) {
      if (a.candidate.end != b.candidate.end) return a.candidate.end > b.candidate.end;
      return a.candidate.start < b.candidate.start;
    });
    std::vector<AnswerCandidate> group;
    for (Found& f : found) group.push_back(std::move(f.candidate));
    groups.push_back(std::move(group));
  }
  return groups;
}

}  // namespace harness::benches::math500
