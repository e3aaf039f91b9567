// HumanEval and HumanEval+ (benches.md §7): the chat prompt, the `extract_chat` extraction
// and HF evaluate code_eval's execution semantics, run in the sandbox's CPython. The program
// runs in a child process of the driver and the tests in the driver itself, so a program
// cannot write its own verdict (driver.py and benches/common/program_child.py say how).
//
// Time-limit policy. code_eval gives every problem a fixed 3.0 s of wall-clock time, so its
// verdict on a slow-but-correct solution depends on the machine and its load (HE+'s
// HumanEval/15 canonical solution passed or timed out from one run to the next). Here:
//  - Time is measured, not waited for: a program's "reference seconds" = CPU time (program
//    and tests, read from /proc by the trusted driver) / speed factor + the time it slept or
//    blocked (wall time minus time on a CPU minus time waiting for one, from schedstat).
//    Load inflates none of these terms. The speed factor is measured once per process: the
//    reference machine runs the calibration workload in kReferenceCalibrationCpuSeconds.
//  - A problem's limit is max(timeout_s, canonical_multiple × the reference seconds its
//    canonical solution needs, measured here): the fixed 3 s stays the limit wherever the
//    canonical solution needs under a third of it (every HumanEval problem, most of HE+),
//    and a problem whose canonical solution needs nearly all of it (HE/15, /139 on a slow
//    machine) gets three times its need, so a correct solution as fast as the canonical one
//    never times out, whatever the load and whether the calibration fits that workload.
//  - The canonical solution is measured only when a sample times out under the plain limit
//    (once per problem and process); the sample is then rerun under the larger limit.
//  - At the limit the driver kills the program (no in-program exception to swallow).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "benches/bench.h"

namespace harness::benches::humaneval {

// The benches themselves (also registered as "humaneval" and "humanevalplus").
std::unique_ptr<Bench> make_humaneval_bench();
std::unique_ptr<Bench> make_humanevalplus_bench();

inline constexpr std::string_view kInstruction =
    "Write a complete Python function that solves the following problem. Output ONLY the "
    "function code inside a single ```python ... ``` markdown block.";

// instruction + "\n\n```python\n" + prompt + "\n```"
std::string build_user_message(std::string_view prompt);

// §7 step 1: group 1 of every closed fence, in order (Python re.findall semantics).
std::vector<std::string> fenced_blocks(std::string_view response);
// §7 step 4 before parse_trim: one leading fence removed, cut at the first remaining ```.
std::string fallback_text(std::string_view response);

struct Extraction {
  bool ok = false;        // false: the driver could not run; `error` says why
  std::string error;
  std::string candidate;  // what follows doc.prompt in the program
  std::string source;     // "block 2 of 3" | "fallback, parse_trim" | "fallback, raw text"
  std::vector<std::optional<std::string>> block_results;  // parse_trim of each block
  std::vector<std::string> notes;  // e.g. ast.parse raised something other than SyntaxError
};

// §7 steps 1-4; parse_trim runs in the sandbox's Python. Thread-safe.
Extraction extract_chat(std::string_view response);

// The template's sandbox.wall_seconds, cpu_seconds, memory_mb and processes: limits of one
// sandboxed driver run (driver, program and tests together); 0 = the driver's own.
struct SandboxOverrides {
  double wall_seconds = 0;
  double cpu_seconds = 0;
  uint64_t memory_bytes = 0;
  int processes = 0;
};

struct TimePolicy {
  double timeout_s = 3.0;    // the reference limit, in reference-machine seconds
  double speed_factor = 0;   // CPU seconds here per reference second; 0 = machine_speed()
  // The limit is at least this multiple of the canonical solution's measured need (docs
  // with a canonical_solution); 0 = the fixed timeout_s only.
  double canonical_multiple = 3.0;
  SandboxOverrides sandbox;
};

// The limit under which a canonical solution's need is measured, in reference seconds.
inline constexpr double kCanonicalMeasureLimit = 30.0;

struct CheckResult {
  Extraction extraction;
  std::string status;      // "passed" | "failed" | "timed out" | "error"
  std::string reason;      // exception "Type: message" tail, or why it timed out / errored
  double cpu_seconds = 0;  // the program's CPU time (exec only, not start-up)
  double wall_seconds = 0;
  double blocked_seconds = 0;  // wall time spent neither running nor waiting for a CPU
  double cpu_budget_seconds = 0;  // limit_seconds × speed_factor
  double speed_factor = 0;
  double used_seconds = 0;    // reference seconds the program used
  double limit_seconds = 0;   // the limit it ran under, reference seconds
  double canonical_need_seconds = 0;  // set when the canonical solution was measured
  std::string sandbox;     // SandboxResult::describe()
  std::vector<std::string> preload_missing;  // modules the driver could not preload (numpy!)
  bool passed() const { return status == "passed"; }
};

// Extract, then run doc.prompt + candidate + "\n" + doc.test + "\ncheck(" + entry_point + ")".
// `doc` needs prompt, test and entry_point. Thread-safe; runs through default_pool().
CheckResult check_response(const nlohmann::json& doc, std::string_view response,
                           const TimePolicy& policy);

// Calibration workload CPU time on the reference machine (see the top of this file).
inline constexpr double kReferenceCalibrationCpuSeconds = 0.035;

struct MachineSpeed {
  double factor = 1.0;          // max(1, measured / reference), at most 20
  double measured_cpu_s = 0;    // best of several runs of the calibration workload
  std::string error;            // non-empty: calibration failed, factor stays 1
};
// Measured once per process in the sandbox (about 1 s); later calls return the cached value.
const MachineSpeed& machine_speed();

// The Python driver shipped into every sandbox (driver.py, embedded at build time).
extern const char* const kDriverSource;

}  // namespace harness::benches::humaneval
