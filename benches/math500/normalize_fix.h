// The string-surgery steps of latex2sympy2_extended's normalisation that are not regexes:
// the Hendrycks MATH fixes (\sqrt3, \frac12, a/b) and \boxed{} extraction. They index by
// code point, as the Python they mirror does.
#pragma once

#include <string>
#include <string_view>

namespace harness::benches::math500 {

// "\sqrt3x" → "\sqrt{3}x": the one character after \sqrt (spaces skipped) is braced.
std::string fix_sqrt(std::string_view text);
// "\frac12" → "\frac{1}{2}", "\frac1{2}" → "\frac{1}{2}"; text unchanged when a \frac has
// fewer than two characters after it.
std::string fix_fracs(std::string_view text);
// "3/4" → "\frac{3}{4}" when the whole text is two canonical integers around one "/".
std::string fix_a_slash_b(std::string_view text);

}  // namespace harness::benches::math500
