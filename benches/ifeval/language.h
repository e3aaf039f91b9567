// Language identification for language:response_language and change_case:english_*.
// The reference calls langdetect.detect unseeded, so a borderline text can get different
// verdicts from run to run; this port runs langdetect's algorithm (langdetect.h) under a
// fixed set of seeds and answers the most frequent verdict (DIVERGENCES.md).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace harness::benches::ifeval {

// The seeds whose verdicts are pooled: 0 .. kLanguageSeeds - 1.
inline constexpr int kLanguageSeeds = 11;

// ISO 639-1 code as langdetect spells it ("en", "hi", "zh-cn"), "unknown" where no language
// reaches langdetect's 0.1, or nullopt where langdetect raises "No features in text" (no
// n-gram it knows) — the checkers then pass. Throws DataError when langdetect's profiles
// are not installed.
std::optional<std::string> detect_language(std::string_view text);

}  // namespace harness::benches::ifeval
