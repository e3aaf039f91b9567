// math-verify 0.8.0's extraction regexes (parser.py: lazy_latex_regex, lazy_expr_regex,
// make_latex_env_pattern), rebuilt piece by piece with the same structure and group names,
// so that PCRE2's leftmost-first backtracking picks the same spans as Python's `re`.
#include "benches/math500/extract_patterns.h"

#include <string_view>

namespace harness::benches::math500 {
namespace {

enum class EnvContext { Plain, Boxed };

// One LaTeX environment (any of six kinds) with an optional percent suffix; group names
// carry `prefix` ("first_", "next1_", …) as the reference's do.
std::string latex_env(const std::string& prefix, EnvContext context) {
  std::string display_dollar = R"((?:[^$]|\$(?!\$)))";
  std::string display_bracket = R"((?:[^\\]|\\(?!\])))";
  std::string inline_dollar = R"((?:\\[$]|[^\n$]))";
  std::string inline_paren = R"((?:[^\\\n]|\\(?!\))))";
  std::string inline_bracket = R"([^\n\]\[])";
  for (std::string* content :
       {&display_dollar, &display_bracket, &inline_dollar, &inline_paren, &inline_bracket}) {
    const std::string c = *content;
    *content = context == EnvContext::Boxed ? c + "*?\\\\boxed{" + c + "+?}" + c + "*?"
                                            : c + "+?";
  }
  std::string envs =
      R"((?<!\\)\$\$(?P<)" + prefix + "latexDisplayDollar>" + display_dollar + R"()(?<!\\)\$\$|)" +
      R"((?<!\\)\\\[(?P<)" + prefix + "latexDisplayBracket>" + display_bracket + R"()(?<!\\)\\\]|)" +
      R"((?<!\\|\d)\$(?P<)" + prefix + "latexInlineDollar>" + inline_dollar + R"()(?<!\\)\$|)" +
      R"((?<!\\)\\\((?P<)" + prefix + "latexInlineParenthesis>" + inline_paren + R"()(?<!\\)\\\)|)" +
      R"(\s\[(?P<)" + prefix + "latexInlineBracket>" + inline_bracket + R"()\]\s)";
  if (context == EnvContext::Plain) {
    const std::string simple_number = R"(-?\d+(?:[.,]\d+)?)";
    envs += "|(?P<" + prefix + R"(latexFraction>-?\\frac{)" + simple_number + "}{" +
            simple_number + "})";
  }
  return "(?:(?:" + envs + R"()\s*(?P<)" + prefix + R"(percent>(?:\\?%|[Pp]ercent|[Pp]ercentage|[Pp]ct))?))";
}

// The first environment and up to five more joined by ","/"and"/"or".
std::string latex_chain(EnvContext context) {
  std::string chain = latex_env("first_", context);
  for (int i = 1; i <= 5; ++i) {
    const std::string next = latex_env("next" + std::to_string(i) + "_", context);
    // The boxed chain has an extra leading \s* (harmless, kept for fidelity).
    chain += context == EnvContext::Boxed ? R"(\s*(?:\s*(?:,?and|,?or|,)\s*)" + next + ")?"
                                          : R"((?:\s*(?:,?and|,?or|,)\s*)" + next + ")?";
  }
  return context == EnvContext::Boxed ? chain : "(?:" + chain + ")";
}

std::vector<std::string> named_groups(std::string_view source) {
  std::vector<std::string> names;
  for (size_t pos = 0; (pos = source.find("(?P<", pos)) != std::string_view::npos;) {
    pos += 4;
    size_t close = source.find('>', pos);
    names.emplace_back(source.substr(pos, close - pos));
  }
  return names;
}

ExtractionPattern make(std::string source, int priority, CandidateKind kind, bool dotall) {
  ExtractionPattern p;
  p.group_names = named_groups(source);
  p.source = std::move(source);
  p.priority = priority;
  p.kind = kind;
  p.dotall = dotall;
  return p;
}

void add_latex_patterns(std::vector<ExtractionPattern>& out) {
  const std::string envs = latex_chain(EnvContext::Plain);
  const auto latex = [&](std::string source, int priority) {
    out.push_back(make(std::move(source), priority, CandidateKind::Latex, true));
  };
  latex(R"((?i:final answer is)\:?\s*)" + envs + R"(\.?\s?I hope)", 0);
  latex(R"((?i:final answer.{0,100}?)\s+is\:?\s*)" + envs, 50);
  latex(R"((?i:answer):.{0,50}?)" + envs, 100);
  latex(R"((?i:answer).{0,50}?)" + envs, 200);
  latex(envs, 300);
  latex(latex_chain(EnvContext::Boxed), 50);
  ExtractionPattern bare;
  bare.priority = 50;
  bare.kind = CandidateKind::Latex;
  bare.dotall = true;
  bare.group_names = {"first_latexBoxed"};
  bare.bare_boxed = true;
  out.push_back(std::move(bare));
}

void add_expr_patterns(std::vector<ExtractionPattern>& out) {
  const std::string number =
      R"((?<!\d)(?:)"
      R"((?P<integer1>-?[1-9]\d{0,2}(?:[ ,]\d{3})+)(?P<decimal1>\.\d+)?|)"
      R"((?P<integer2>-?\d+)(?P<decimal2>[.,]\d+)|)"
      R"((?P<decimal3>\.\d+)|)"
      R"((?P<integer3>-?\d+))"
      R"()(?P<percent>\s*(?:%|[Pp]ercent|\s*[Pp]ercentage|\s*[Pp]ct))?)";
  const std::string ops = R"(\+\-\*×\/\^\(\)÷)";
  const std::string expr_chars = R"([\d\.\s)" + ops + "]";
  const std::string expr = R"((?P<expr>-?\(?-?\d)" + expr_chars + "*[" + ops + "]" +
                           expr_chars + R"(+\)?))";
  // re.escape of the reference's currency string escapes only "$".
  const std::string currency = R"(\$€£¥₹₽₪₩₫฿₡₢₣₤₥₦₧₨₩₪₫₭₮₯₰₱₲₳₴₵₶₷₸₹₺₻₼₽₾₿)";
  const std::string prefix = R"((?:^|\s|\=)(?:\*\*)?)";
  const std::string suffix = R"((?:\*\*)?(?:\.|,|:|\s|\)|\$|$))";
  const std::string expr_with_anchors = "(?:" + prefix + expr + suffix + ")";
  const std::string number_with_anchors = "(?:" + prefix + "[" + currency + "]?" + number + ")";
  const std::string expr_or_number = "(?:" + expr_with_anchors + "|" + number_with_anchors + ")";
  const auto add = [&](std::string source, int priority) {
    out.push_back(make(std::move(source), priority, CandidateKind::Expr, false));
  };
  add(R"((?i:final answer is)\:?\s*)" + expr_or_number + R"(\.?\s?I hope)", 0);
  add(R"((?i:final answer.{0,100}?)\s+is\:?)" + expr_or_number, 50);
  add(R"((?i:answer):(?:.{0,100}=\s*|.{0,50}?))" + expr_or_number + R"((?!\s*=))", 100);
  add(R"((?i:answer)(?:.{0,100}=\s*|.{0,50}?))" + expr_or_number + R"((?!\s*=))", 200);
  add(expr_with_anchors, 300);
  out.back().operator_runs = true;
  add(number_with_anchors, 300);
}

}  // namespace

const std::vector<ExtractionPattern>& extraction_patterns() {
  static const std::vector<ExtractionPattern> patterns = [] {
    std::vector<ExtractionPattern> out;
    add_latex_patterns(out);
    add_expr_patterns(out);
    return out;
  }();
  return patterns;
}

}  // namespace harness::benches::math500
