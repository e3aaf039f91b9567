// Stage 1 of MATH-500 scoring: where math-verify 0.8.0's parse() looks for an answer
// (benches.md §3.1). find_answer_candidates() (math_answer.h) runs the regexes of its two
// default targets, LatexExtractionConfig(boxed_match_priority=50,
// try_extract_without_anchor=True) and ExprExtractionConfig(), and groups the matches:
//
//   prio  LaTeX target                               Expr target
//   0     "final answer is" :? ENVS .? ␠? "I hope"   same with a number/expression
//   50    "final answer" ≤100 chars "is" :? ENVS      same with a number/expression
//         ENVS whose each environment holds \boxed{…}
//         bare \boxed{ … up to the LAST } of the text
//   100   "answer:" ≤50 chars ENVS                   "answer:" then ≤50 chars, or ≤100
//                                                    chars up to an "=", then NUM/EXPR
//                                                    not followed by "="
//   200   "answer" ≤50 chars ENVS                    "answer" likewise
//   300   ENVS anywhere                              EXPR (≥1 operator), NUM (anchored)
//
// ENVS: one LaTeX environment ($$…$$, \[…\], $…$ on one line, \(…\), " […] " between
// whitespace, or a bare -?\frac{num}{num}), each optionally followed by %/percent/pct, and
// up to 5 more joined by ",", "and", "or" (",and", ",or" too). "answer" is case-insensitive.
//
// Order: groups by ascending priority; inside a group every match of every pattern, sorted
// by end descending then start ascending; equal spans keep pattern order (LaTeX patterns
// before Expr ones, in the order of the table) — Python's stable sorted(reverse=True).
// parse() tries them in that order and stops at the first that converts.
//
// Offsets (start, end, value_*) are bytes of the text (of its UTF-8-repaired copy when it
// was not valid UTF-8). A text on which math-verify's own regexes would backtrack past its
// 5 s budget gives no candidates, as parse() returns [] on its timeout: many \[ or \( that
// nothing closes, or any pattern past a 500-million-step PCRE2 match limit (Python's `re`
// has none; PCRE2's default of 10 million is too small for 20 KB responses). The other
// backtracking traps are avoided without changing any match: the bare-\boxed pattern is
// scanned by hand, and the plain-expression regex runs only on runs of expression
// characters that hold an operator.
//
// Candidate text format (what the algebra stage reads):
//  * Latex: parts[i].text is environment i after latex2sympy2_extended's normalize_latex
//    (boxed="all"; "last" for the bare-\boxed pattern); parts[i].percent marks a following
//    %/percent/pct. text = matched = the parts' texts joined by " and " (one part: its
//    text). math-verify's fallback string is that join only when every part converts; when
//    one does not, parse() uses part 0's value (maybe none) and part 0's text as fallback.
//    Several parts that all convert make one set of all their elements (a part that is a
//    set contributes its elements).
//  * Expr, number: text = the number cleaned as math-verify does (separators "," and " "
//    dropped from the integer part; leading zeros stripped, "" → "0", but not after a "-":
//    "-007" stays; decimal comma → "."; a currency sign before it dropped; a "-" kept),
//    plus a trailing "%" when a percent suffix followed (the value is then × 1/100).
//    matched = the same without "%".
//    Examples: "1,234.5" → "1234.5"; "007" → "7"; ".5" → "0.5"; "12,5" → "12.5";
//    "$1 000" → "1000"; "50 percent" → "50%".
//  * Expr, expression: text = matched = the raw expression ("2*(3+4)", "3^2", "1/2";
//    may hold spaces and newlines). The converter reads it as SymPy parse_expr does after
//    newline → space and "^" → "**".
#pragma once

#include <string>
#include <string_view>

#include "benches/math500/math_answer.h"

namespace harness::benches::math500 {

enum class BoxedMode { All, Last };

// latex2sympy2_extended normalize_latex() with basic_latex, units, malformed_operators and
// nits on (normalize.cpp).
std::string normalize_latex(std::string_view latex, BoxedMode boxed);

// The \boxed{}/\fbox{} contents of `text`, right to left, joined by "," (BoxedMode::All),
// or only the last box with the boxes just before it (BoxedMode::Last: closer than 10
// characters, or a different content within 70 characters behind a ","/";"/and/or);
// `text` unchanged when it has no box.
std::string extract_boxed_content(std::string_view text, BoxedMode mode);

}  // namespace harness::benches::math500
