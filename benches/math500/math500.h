// MATH-500 (benches.md §3): zero-shot "Problem:\n…\n\nSolution:" prompt, scored by
// math-verify's verify(parse(solution), parse(response)) — headline `math_verify`.
#pragma once

#include <memory>
#include <string>

#include "benches/bench.h"
#include "benches/math500/math_answer.h"

namespace harness::benches::math500 {

std::string build_prompt(const std::string& problem);  // "Problem:\n" + p + "\n\nSolution:"

// A short printable form of a parsed value, for Verdict details ("" for none).
std::string describe_value(const MathValue& value);

std::unique_ptr<Bench> make_bench();

}  // namespace harness::benches::math500
