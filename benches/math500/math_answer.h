// MATH-500's answer checking, as math-verify 0.8.0 does it (benches.md §3.1-3.2), split
// in two stages with one seam between them:
//   1. extraction (extract*.cpp, normalize*.cpp): find the answer candidates in a text,
//      grouped by priority, and normalise their LaTeX;
//   2. algebra (convert*.cpp, equal*.cpp): turn a candidate into a MathValue and decide
//      whether two values are equal.
// parse_answer() and verify_answers() (verify.cpp) tie them together as math-verify's
// parse() and verify() do.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace harness::benches::math500 {

// ---- stage 1: extraction ---------------------------------------------------------------

enum class CandidateKind {
  Latex,  // LaTeX text (a boxed content, a $…$ environment, a bare \frac{}{}…)
  Expr,   // a plain expression or number ("1,234", "3/4", "50%", "2*x+1")
};

// One LaTeX environment of a candidate; math-verify chains up to 6 ("$a$, $b$ and $c$").
struct LatexPart {
  std::string text;      // normalised LaTeX of that environment
  bool percent = false;  // followed by %/percent/pct: the converted value is × 1/100
};

struct AnswerCandidate {
  std::string text;     // what the converter gets: LaTeX already normalised (§3.1
                        // "LaTeX normalization"), or the plain expression/number text
                        // (exact format: extract.h)
  std::string matched;  // math-verify's fallback string ("first match"; see extract.h)
  CandidateKind kind = CandidateKind::Latex;
  int priority = 0;     // 0, 50, 100, 200, 300 (§3.1 table)
  size_t start = 0, end = 0;  // byte offsets of the match in the text
  std::vector<LatexPart> parts;  // Latex only: the chained environments, in text order
  // Byte span of the value inside the match: the first environment (Latex) or the
  // number/expression (Expr). math-verify 0.9 skips an Expr candidate whose value span
  // overlaps the first-environment span of a Latex candidate that failed to convert.
  size_t value_start = 0, value_end = 0;
  // Expr only: the number has a non-ASCII digit (Python's \d took it). math-verify hands it
  // to SymPy's Number(), whose SympifyError is not caught per candidate: parse() returns [].
  bool number_raises = false;
};

// Every candidate of the text, grouped by ascending priority; inside a group ordered
// rightmost end first (ties: earlier start first), which is the order parse() tries them.
std::vector<std::vector<AnswerCandidate>> find_answer_candidates(std::string_view text);

// ---- stage 2: algebra ------------------------------------------------------------------

// A converted answer: an expression, a relation, a set/interval/tuple, a matrix, or a
// piece of text. Defined by the algebra stage (math_value.h); opaque here.
struct MathValue;
using MathValuePtr = std::shared_ptr<const MathValue>;

// nullptr when the candidate does not convert (math-verify then tries the next one).
MathValuePtr convert_candidate(const AnswerCandidate& candidate);

// math-verify's sympy_expr_eq (§3.2 steps 1-7) on two converted values.
bool values_equal(const MathValue& gold, const MathValue& pred);

// ---- parse / verify ------------------------------------------------------------------

struct ParsedAnswer {
  MathValuePtr value;       // the first candidate that converted; null when none did
  std::string first_match;  // the matched string of that candidate ("" when none)
  bool timed_out = false;
};

// math-verify parse(text): candidates tried group by group; the first that converts wins.
ParsedAnswer parse_answer(std::string_view text,
                          std::chrono::milliseconds budget = std::chrono::milliseconds(5000));

enum class VerifyOutcome { Equal, NotEqual, Timeout };

// math-verify verify([gold value, gold string], [pred value, pred string]): equal when any
// pair compares equal (value vs value by values_equal; string vs string after strip, both
// non-empty). A check that runs past `budget` is recorded as Timeout (not equal).
VerifyOutcome verify_answers(const ParsedAnswer& gold, const ParsedAnswer& pred,
                             std::chrono::milliseconds budget = std::chrono::milliseconds(5000));

}  // namespace harness::benches::math500
