// LiveCodeBench code generation, as omk's custom runner scores it (benches.md §8):
// livecodebench/code_generation_lite test.jsonl, test2..test6.jsonl; LeetCode-style
// functional problems with a `class Solution` starter; public tests only, one 10 s budget
// for all of them, Python equality, run by a Python driver in the sandbox. scoring.mode
// `official` grades as lcb_runner does instead, and also loads the stdin problems.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "benches/bench.h"

namespace harness::benches::livecodebench {

std::unique_ptr<Bench> make_livecodebench_bench();

// The data files in reading order, relative to <data_dir>/livecodebench/. Missing later
// files are skipped (older snapshots have fewer); test.jsonl is required.
const std::vector<std::string>& data_files();

// Decodes `private_test_cases`: plain JSON, or base64 → zlib → pickled str → JSON.
// Only pickles of one str are accepted; anything else is an error naming the opcode.
struct Decoded {
  bool ok = false;
  std::string error;
  nlohmann::json value;
};
Decoded decode_private_tests(std::string_view field);

// The str held by a pickle (protocols 0-5 opcodes PROTO, FRAME, SHORT_BINUNICODE,
// BINUNICODE, BINUNICODE8, MEMOIZE, BINPUT, LONG_BINPUT, STOP); nullopt + error otherwise.
std::optional<std::string> unpickle_str(std::string_view bytes, std::string* error);

// Structural filter of §8: public tests non-empty and functional, starter_code names a
// method taking self. Returns the method name, or nullopt with the reason.
std::optional<std::string> method_name(const nlohmann::json& row, std::string* why);

// The date/difficulty filter used without a task-id list (min/max "YYYY-MM-DD", empty =
// no bound; an empty contest_date passes).
bool passes_filter(const nlohmann::json& doc, std::string_view difficulty,
                   std::string_view min_date, std::string_view max_date);

std::string build_user_message(std::string_view question_content, std::string_view starter_code);

// clean_lcb_completion: the code between the last two fence lines, etc.
std::string extract_code(std::string_view text);
// Official LCB extraction: between the last two fence lines; fewer than two → "".
std::string extract_code_official(std::string_view text);

struct TestOutcome {
  bool passed = false;
  std::string status;  // "passed" | "failed" | "timeout" | "error" (driver/sandbox fault)
  std::string reason;  // "test 2: got 3 expected 4", "timeout>10.0s", "ValueError: ..."
  int tests_run = 0;
  double wall_seconds = 0;
};

// The template's sandbox.wall_seconds, cpu_seconds, memory_mb and processes: limits of one
// sandboxed run (driver, program and tests together); 0 = the driver's own.
struct SandboxOverrides {
  double wall_seconds = 0;
  double cpu_seconds = 0;
  uint64_t memory_bytes = 0;
  int processes = 0;
};

// omk scoring: public tests in order, one budget of `timeout_s` (wall clock, as omk) for
// all of them. `tests` is the public_test_cases list ({input, output, testtype}).
// Thread-safe.
TestOutcome run_public_tests(const std::string& code, const std::string& method,
                             const nlohmann::json& tests, double timeout_s,
                             const SandboxOverrides& overrides = {});

// scoring.mode official (lcb_runner's grading): `tests` are public + private. With a
// `func_name` (metadata.func_name) the problem is call-based: JSON per input line, the
// function's result == the JSON output. Without one it is a stdin program: the output's
// stripped lines must match, line by line exactly or as Decimal tokens. `per_test_s`
// (lcb_runner: 6 s) per test, global cap (per_test_s+1)*#tests + 5 s, the first failing
// test ends the run.
TestOutcome run_official_tests(const std::string& code, const std::string& func_name,
                               const nlohmann::json& tests, int per_test_s = 6,
                               const SandboxOverrides& overrides = {});

// selection.filter of a livecodebench template (§8): difficulty, min_date, max_date and
// testtype ("functional", the default; "stdin"; "any"). Functional problems were already
// held to the `def name(self` rule at load. Returns the kept problems in dataset order;
// an unknown key or value is a DataError naming it.
std::vector<const Problem*> filter_problems(const std::vector<Problem>& problems,
                                            const nlohmann::json& filter);

// The testtype of the first public test ("functional", "stdin"), "" when there is none.
std::string first_testtype(const nlohmann::json& row);

// The user message of a stdin problem (no starter code; the reply is a whole program).
std::string build_stdin_user_message(std::string_view question_content);

// The driver run inside the sandbox's python3 (driver.py, embedded at build time; it runs
// after program_child.py).
extern const char* const kDriverSource;

}  // namespace harness::benches::livecodebench
