#include "benches/math500/convert_lexer.h"

#include <cctype>
#include <stdexcept>
#include <utility>

namespace harness::benches::math500 {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Commands whose braced argument is text, kept raw rather than parsed.
bool is_text_command(const std::string& name) {
  return name == "text" || name == "textbf" || name == "textit" || name == "mbox" ||
         name == "textnormal" || name == "textrm" || name == "operatorname" ||
         name == "mathrm" || name == "mathit" || name == "mathbf" || name == "mathbb" ||
         name == "mathcal" || name == "textsf" || name == "texttt";
}

bool is_known_command(const std::string& name) {
  static const char* kKnown[] = {
      "frac", "dfrac", "tfrac", "cfrac", "binom", "dbinom", "tbinom", "sqrt", "pi", "infty",
      "cdot", "times", "div", "ast", "pm", "mp", "le", "leq", "leqslant", "ge", "geq",
      "geqslant", "lt", "gt", "ne", "neq", "in", "approx", "cup", "cap", "setminus", "circ",
      "emptyset", "varnothing", "lfloor", "rfloor", "lceil", "rceil", "begin", "end", "sin",
      "cos", "tan", "csc", "sec", "cot", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh",
      "log", "ln", "exp", "lg", "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon",
      "zeta", "eta", "theta", "vartheta", "iota", "kappa", "lambda", "mu", "nu", "xi",
      "omicron", "rho", "sigma", "tau", "upsilon", "phi", "varphi", "chi", "psi", "omega",
      "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi", "Omega"};
  for (const char* k : kKnown)
    if (name == k) return true;
  return false;
}

const std::pair<std::string_view, std::string_view> kUnicode[] = {
    // Only those the ANTLR grammar (PS.g4) knows: ∞ √ ∈ are errors there too.
    {"\u2264", "le"}, {"\u2265", "ge"}, {"\u2260", "ne"}, {"\u00d7", "times"},
    {"\u00f7", "div"}, {"\u22c5", "cdot"}, {"\u2219", "cdot"}, {"\u2217", "cdot"},
    {"\u03c0", "pi"}, {"\u222a", "cup"}, {"\u00b1", "pm"}, {"\u2213", "pm"},
    {"\u00b0", "circ"}, {"\u2248", "approx"},
};

}  // namespace

std::vector<LatexToken> tokenize_latex(std::string_view s) {
  std::vector<LatexToken> out;
  size_t i = 0;
  auto push = [&](LatexToken::Type t, std::string text, size_t at) {
    LatexToken tok;
    tok.type = t;
    tok.text = std::move(text);
    tok.offset = at;
    out.push_back(std::move(tok));
  };
  while (i < s.size()) {
    char c = s[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '~') { ++i; continue; }
    if (is_digit(c) || (c == '.' && i + 1 < s.size() && is_digit(s[i + 1]))) {
      size_t start = i;
      while (i < s.size() && is_digit(s[i])) ++i;
      if (i < s.size() && s[i] == '.' && i + 1 < s.size() && is_digit(s[i + 1])) {
        ++i;
        while (i < s.size() && is_digit(s[i])) ++i;
      }
      // E_NOTATION: NUMBER 'E' (+|-)? DIGIT+ (uppercase E only, as PS.g4)
      if (i < s.size() && s[i] == 'E') {
        size_t j = i + 1;
        if (j < s.size() && (s[j] == '+' || s[j] == '-')) ++j;
        if (j < s.size() && is_digit(s[j])) {
          while (j < s.size() && is_digit(s[j])) ++j;
          i = j;
        }
      }
      push(LatexToken::Type::Number, std::string(s.substr(start, i - start)), start);
      continue;
    }
    if (is_alpha(c)) {
      push(LatexToken::Type::Letter, std::string(1, c), i);
      ++i;
      continue;
    }
    if (c == '\\') {
      size_t start = i++;
      if (i >= s.size()) throw std::runtime_error("dangling backslash");
      if (!is_alpha(s[i])) {  // \\ \{ \} \% \, \; \! \$ …
        char d = s[i++];
        if (d == ',' || d == ';' || d == '!' || d == ' ' || d == ':' || d == '$') continue;
        if (d == '{' || d == '}' || d == '%' || d == '|') {
          push(LatexToken::Type::Command, std::string(1, d), start);
          continue;
        }
        if (d == '\\') { push(LatexToken::Type::Command, "\\", start); continue; }
        throw std::runtime_error("unknown escape");
      }
      size_t name_start = i;
      while (i < s.size() && is_alpha(s[i])) ++i;
      std::string name(s.substr(name_start, i - name_start));
      if (name == "left" || name == "right" || name == "displaystyle" || name == "quad" ||
          name == "qquad" || name == "big" || name == "Big" || name == "bigg" ||
          name == "Bigg" || name == "limits")
        continue;
      if (is_text_command(name)) {
        while (i < s.size() && s[i] == ' ') ++i;
        if (i < s.size() && s[i] == '{') {
          int depth = 0;
          size_t content = i + 1;
          for (; i < s.size(); ++i) {
            if (s[i] == '{') ++depth;
            else if (s[i] == '}' && --depth == 0) break;
          }
          if (i >= s.size()) throw std::runtime_error("unclosed text group");
          LatexToken tok;
          tok.type = LatexToken::Type::Text;
          tok.text = std::string(s.substr(content, i - content));
          tok.command = name;
          tok.offset = start;
          out.push_back(std::move(tok));
          ++i;
          continue;
        }
      }
      // The ANTLR lexer matches command literals, so "\cotx" is \cot then x: split an
      // unknown name at its longest known prefix.
      if (!is_known_command(name)) {
        for (size_t len = name.size() - 1; len >= 2; --len) {
          if (is_known_command(name.substr(0, len))) {
            i = name_start + len;
            name = name.substr(0, len);
            break;
          }
        }
      }
      push(LatexToken::Type::Command, name, start);
      continue;
    }
    if (static_cast<unsigned char>(c) >= 0x80) {
      bool known = false;
      for (const auto& [utf8, name] : kUnicode) {
        if (s.substr(i, utf8.size()) == utf8) {
          push(LatexToken::Type::Command, std::string(name), i);
          i += utf8.size();
          known = true;
          break;
        }
      }
      if (!known && s.substr(i, 3) == "\u2212") {  // − minus sign
        push(LatexToken::Type::Char, "-", i);
        i += 3;
        known = true;
      }
      if (!known) throw std::runtime_error("unknown character");
      continue;
    }
    static const std::string kChars = "+-*/^_()[]{}|,;=<>!'&:%";
    if (kChars.find(c) != std::string::npos) {
      push(LatexToken::Type::Char, std::string(1, c), i);
      ++i;
      continue;
    }
    throw std::runtime_error("unknown character");
  }
  push(LatexToken::Type::End, "", s.size());
  return out;
}

}  // namespace harness::benches::math500
