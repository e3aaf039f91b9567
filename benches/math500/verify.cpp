// parse_answer() and verify_answers(): math-verify's parse() and verify() on top of the
// two stages (parser.py extract_target_from_pred, grader.py verify).
#include <utility>

#include "benches/math500/math500.h"
#include "benches/math500/math_value.h"

namespace harness::benches::math500 {

ParsedAnswer parse_answer(std::string_view text, std::chrono::milliseconds budget) {
  ParsedAnswer out;
  std::vector<std::string> fallbacks;
  try {
    ScopedDeadline deadline(budget);
    auto groups = find_answer_candidates(text);
    auto lock = algebra_lock();
    for (const auto& group : groups) {
      for (const auto& c : group) {
        check_deadline();
        if (c.number_raises) return ParsedAnswer{};  // parse()'s except branch: []
        // No "failed LaTeX span" filter: it came after 0.8.0 (math-verify 0.9), and the
        // oracle of tests/fixtures/math500 runs without it.
        MathValuePtr value = convert_candidate(c);
        std::string fallback = c.matched;
        if (c.kind == CandidateKind::Latex && c.parts.size() > 1) {
          bool all = true;
          for (const auto& part : c.parts) all = all && convert_latex_with_retry(part.text) != nullptr;
          if (!all) fallback = c.parts[0].text;
        }
        if (!fallback.empty()) fallbacks.push_back(fallback);
        if (value) {
          out.value = value;
          break;
        }
      }
      if (out.value) break;
    }
  } catch (const AlgebraTimeout&) {
    // parse() returns [] on its timeout: neither a value nor the fallback string.
    ParsedAnswer timed_out;
    timed_out.timed_out = true;
    return timed_out;
  }
  if (!fallbacks.empty()) out.first_match = fallbacks.front();
  return out;
}

VerifyOutcome verify_answers(const ParsedAnswer& gold, const ParsedAnswer& pred,
                             std::chrono::milliseconds budget) {
  bool timed_out = false;
  if (gold.value && pred.value) {
    try {
      ScopedDeadline deadline(budget);
      if (values_equal(*gold.value, *pred.value)) return VerifyOutcome::Equal;
    } catch (const AlgebraTimeout&) {
      timed_out = true;
    }
  }
  // The fallback strings: equal after strip, both non-empty.
  auto strip = [](const std::string& s) {
    size_t a = s.find_first_not_of(" \t\n\r\f\v");
    if (a == std::string::npos) return std::string();
    size_t b = s.find_last_not_of(" \t\n\r\f\v");
    return s.substr(a, b - a + 1);
  };
  std::string g = strip(gold.first_match), p = strip(pred.first_match);
  if (!g.empty() && g == p) return VerifyOutcome::Equal;
  return timed_out ? VerifyOutcome::Timeout : VerifyOutcome::NotEqual;
}

}  // namespace harness::benches::math500
