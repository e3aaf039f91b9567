// latex2sympy2_extended's normalize_latex() as math-verify 0.8.0 configures it: boxed
// extraction, basic_latex, units, nits, malformed_operators, in that order, then strip.
// Every regex below is the reference's regex (Python `re` source, run by py_regex), so
// its quirks are kept on purpose: quotes go (f'(x) → f(x)), the first \text{…} that runs
// to the end of the text is a "unit", a trailing lone "m", "s", "t", "h", "d", "c"… is a
// unit too, and "sqrt(2)" after a backslash becomes "\\sqrt{2}".
#include <array>
#include <string>
#include <string_view>

#include "benches/common/py_regex.h"
#include "benches/common/unicode.h"
#include "benches/math500/extract.h"
#include "benches/math500/normalize_fix.h"

namespace harness::benches::math500 {
namespace {

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  size_t pos = 0;
  while ((pos = s.find(from, pos)) != std::string::npos) {
    s.replace(pos, from.size(), to);
    pos += to.size();
  }
}

// latex2sympy2_extended's replace_in_latex: one alternation, each branch with its own
// replacement, applied left to right in a single pass (re.sub with a lastgroup lookup).
struct Replacement {
  std::string_view pattern;
  std::string_view replacement;
};
constexpr std::array<Replacement, 20> kReplacements = {{
    {R"(\\math(?:rm|it|bf))", R"(\text)"},
    {R"(\\text(?:normal|bf|it|rm))", R"(\text)"},
    {R"(\\(?:d|t|c)frac)", R"(\frac)"},
    {R"(\s\.)", " 0."},
    {R"(\{\.)", "{0."},
    {R"(\~\=)", R"(\approx)"},
    {R"(\s*\{\s*,\s*\})", ","},
    {R"((?<![a-zA-Z])(?:,?\s*(?:and|or))(?![a-zA-Z]))", ","},
    {R"((?:,?\s*\\text{\s*(?:and|or)\s*}))", ","},
    {R"((?<!\\)\\\s)", " "},
    {R"(infinity)", R"(\infty)"},
    {R"(,?(?:\\ldots))", " "},
    {R"(\s*\bpercentage\b)", "%"},
    {R"(\s*\bpercent\b)", "%"},
    {R"(\s*\bpct\b)", "%"},
    {R"(\\text{percent})", "%"},
    {R"(\\text{pct})", "%"},
    {R"(\\text{percentage})", "%"},
    {R"((?:(?<!\\)inf(?!inity)))", R"(\infty)"},
    {R"( sqrt)", R"(\sqrt)"},
}};

const py::Regex& replacement_regex() {
  static const py::Regex re = [] {
    std::string pattern;
    for (const Replacement& r : kReplacements) {
      if (!pattern.empty()) pattern += '|';
      pattern += '(';
      pattern += r.pattern;
      pattern += ')';
    }
    return py::Regex(pattern);
  }();
  return re;
}

std::string replace_in_latex(std::string_view text) {
  std::string out;
  size_t pos = 0;
  for (const py::Match& m : replacement_regex().finditer(text)) {
    out.append(text.substr(pos, m.begin[0] - pos));
    for (size_t g = 1; g < m.groups.size(); ++g) {
      if (m.matched(g)) {
        out.append(kReplacements[g - 1].replacement);
        break;
      }
    }
    pos = m.end[0];
  }
  out.append(text.substr(pos));
  return out;
}

// Directions after \left and \right that are dropped with them.
constexpr std::string_view kLeft =
    R"(\\m?left(\\\{|\{|\\\||\||\[|\(|\\rbracl|\\lgroup|\\lbrace|\\lbrack|\\vert|\\lvert|\\lceil|\\lfloor|\\vert|\\lvert|\\langle|\\llcorner|\\ulcorner))";
constexpr std::string_view kRight =
    R"(\\m?right(\\\}|\}|\\\||\||\]|\)|\\rbrack|\\rgroup|\\rbrace|\\rbrack|\\vert|\\rvert|\\rceil|\\rfloor|\\vert|\\rvert|\\rangle|\\lrcorner|\\urcorner))";
constexpr std::string_view kPermutation =
    R"(\(([a-zA-Z0-9+\-*/\\ ]+?)\)_{([a-zA-Z0-9+\-*/\\ ]+?)})";
constexpr std::string_view kToRemove =
    R"(\\mathrm\{th\}|\\!\s*|\\text\s*\{\s*\}|\\\$|\$|(?<!\\)[\"\']|\\displaystyle)";

std::string basic_latex(std::string text) {
  replace_all(text, R"(\mathrm{T})", "T");
  replace_all(text, R"(\mathrm{d})", "d");
  replace_all(text, R"({\rm d})", "d");
  replace_all(text, R"(\left[\begin{matrix})", R"(\begin{bmatrix})");
  replace_all(text, R"(\end{matrix}\right])", R"(\end{bmatrix})");
  text = py::sub(kLeft, R"(\1)", text);
  text = py::sub(kRight, R"(\1)", text);
  text = py::sub(kPermutation, R"(\\frac{(\1)!}{((\1)-(\2))!})", text);
  text = py::sub(kToRemove, "", text);
  text = replace_in_latex(text);
  replace_all(text, "\n", " ");
  replace_all(text, "\t", " ");
  // A doubled backslash before a command is a JSON/escaping slip, except in matrices
  // where "\\" separates rows.
  if (text.find("matrix") == std::string::npos) text = py::sub(R"(\\\\(?=[a-zA-Z]))", R"(\\)", text);
  return text;
}

// The reference's unit words, used as regex alternatives verbatim (so "q ." has a regex
// dot, and "integer" "point" is one word by Python's implicit concatenation).
constexpr std::string_view kUnitWords =
    "integerpoint|feet|sue|digit|pound|meal|edge|student|children ticket|multiple|east|"
    "degree|mph|kmph|ft|m square| m east|sq m|deg|mile|q .|monkey|prime|ratio|"
    "profit of rs|rd|o|gm|p . m|lb|tile|per|dm|lt|gain|ab|way|west|a .|b .|c .|d .|e .|"
    "f .|g .|h .|t|h|no change|men|soldier|pie|bc|excess|st|inches|noon|cent|by|gal|kmh|c|"
    "acre|rise|a . m|th|π r 2|sq|mark|l|toy|coin|sq . m|gallon|° f|profit|minw|yr|women|"
    "am|pm|hr|cu cm|square|v â € ™|are|rupee|rounds|cubic|cc|mtr|s|ohm|number|kmph|day|"
    "hour|minute|min|second|man|woman|sec|cube|mt|sq inch|mp|∏ cm ³|hectare|more|sec|"
    "unit|cu . m|cm 2|rs .|rs|kg|g|month|km|m|cm|mm|apple|liter|loss|yard|pure|year|"
    "increase|decrease|d|less|Surface|litre|pi sq m|s .|metre|meter|inch";

const std::string& units_pattern() {
  static const std::string p =
      R"((\d|\}|\s)\s*(?:(?:)" + std::string(kUnitWords) + R"()(?:s|es)?)\s*$)";
  return p;
}

std::string remove_units(std::string text) {
  std::string cut = py::strip(py::sub(R"((\\(?:text|mbox){.*?})(\^\d|\{\^\d\})?$)", "", text));
  if (!cut.empty() && cut != text) text = cut;
  for (int i = 0; i < 2; ++i) {
    cut = py::sub(units_pattern(), R"(\1)", text);
    if (!cut.empty() && cut != text) text = cut;
  }
  return text;
}

std::string fix_nits(const std::string& text) {
  if (text == ".5" || text == "0.5") return R"(\frac{1}{2})";
  if (!text.empty() && text[0] == '.') return "0" + text;
  return text;
}

std::string fix_malformed_operators(std::string text) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kFixes = {{
      {R"(\^\s?\((.*?)\))", R"(^{\1})"},
      {R"(sqrt\s?\((.*?)\))", R"(\\sqrt{\1})"},
      {R"(\\frac\s?(\d)\s?(\d+))", R"(\\frac{\1}{\2})"},
      {R"(\\log_\s?(\d)\s?(\d+))", R"(\\log_{\1}{\2})"},
      {R"(\\frac\s?{(.*?)}\s?(\d))", R"(\\frac{\1}{\2})"},
      {R"(\\frac\s?(\d)\s?{(.*?)})", R"(\\frac{\1}{\2})"},
      {R"(\\sqrt\s?(\d))", R"(\\sqrt{\1})"},
  }};
  for (const auto& [pattern, repl] : kFixes) text = py::sub(pattern, repl, text);
  replace_all(text, " sqrt", R"(\sqrt)");
  text = fix_sqrt(text);
  text = fix_fracs(text);
  return fix_a_slash_b(text);
}

}  // namespace

std::string normalize_latex(std::string_view latex, BoxedMode boxed) {
  std::string text = extract_boxed_content(latex, boxed);
  text = basic_latex(std::move(text));
  text = remove_units(std::move(text));
  text = fix_nits(text);
  text = fix_malformed_operators(std::move(text));
  return py::strip(text);
}

}  // namespace harness::benches::math500
