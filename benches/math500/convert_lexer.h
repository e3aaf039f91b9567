// Tokens of the normalised LaTeX (and of plain expressions), for convert_latex.cpp.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace harness::benches::math500 {

struct LatexToken {
  enum class Type {
    Number,   // 12, 0.5, .5
    Letter,   // one ASCII letter
    Command,  // \frac, \pi, \\ (text holds the name without the backslash; "\\" for \\)
    Text,     // \text{…}/\mbox{…}/\operatorname{…}: text holds the braced content
    Char,     // one of + - * / ^ _ ( ) [ ] { } | , ; = < > ! ' & : %
    End,
  };
  Type type = Type::End;
  std::string text;
  std::string command;  // Text: which command ("text", "operatorname")
  size_t offset = 0;    // byte offset in the source
};

// Splits `src` into tokens; maps the Unicode operators PS.g4 knows (≤ ≥ ≠ × ÷ ⋅ − π ∪ ±) to their
// LaTeX commands. Throws std::runtime_error on a character it does not know.
std::vector<LatexToken> tokenize_latex(std::string_view src);

}  // namespace harness::benches::math500
