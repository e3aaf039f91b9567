// The regex sources of math-verify 0.8.0's two default extraction targets (LaTeX and
// Expr), with their priorities; extract.cpp runs them. See extract.h for the table.
#pragma once

#include <string>
#include <vector>

#include "benches/math500/math_answer.h"

namespace harness::benches::math500 {

struct ExtractionPattern {
  std::string source;  // Python `re` source
  int priority = 0;
  CandidateKind kind = CandidateKind::Latex;
  bool dotall = false;
  // Names of the capturing groups in order (all groups are named), group i+1 = names[i].
  std::vector<std::string> group_names;
  // The bare "(?P<first_latexBoxed>\\boxed{.+})" pattern (DOTALL): extract.cpp scans it by
  // hand, because its greedy ".+" would backtrack over the rest of the text from every
  // "\boxed{"; `source` is empty.
  bool bare_boxed = false;
  // Every match lies inside a run of expression characters (digits, ".", spaces,
  // operators) that holds an operator, plus one character each side; extract.cpp runs
  // the regex on those runs only. On a long run without an operator ("0 0 0 0 …") the
  // regex backtracks over the whole run from every start, which is quadratic.
  bool operator_runs = false;
};

// All patterns of both targets, in math-verify's order: the LaTeX target's list, then the
// Expr target's (not yet sorted by priority).
const std::vector<ExtractionPattern>& extraction_patterns();

}  // namespace harness::benches::math500
