// What every PCRE2 user in benches/ shares: the per-thread match context (JIT stack and
// match limit chosen to behave like Python's `re` on long responses) and error text.
#pragma once

#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif
#include <pcre2.h>

#include <cstdint>
#include <string>

namespace harness::benches::py {

// PCRE2's 10-million-step default would end ordinary patterns on a 25 KB response where
// Python (which has no limit) succeeds; this still ends a catastrophic match with
// PCRE2_ERROR_MATCHLIMIT instead of hanging the scorer.
inline constexpr uint32_t kMatchLimit = 500'000'000;

// One context per thread, with an 8 MiB JIT stack (the 32 KiB default fails with
// PCRE2_ERROR_JIT_STACKLIMIT where Python's backtracking engine succeeds) and kMatchLimit.
pcre2_match_context* thread_match_context();

std::string pcre2_error_message(int code);

}  // namespace harness::benches::py
