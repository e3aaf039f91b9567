// MultiPL-E HumanEval in Rust, Java and JavaScript (benches.md §9): omk's chat-mode
// prompt, the longest-fenced-block extraction, chat_to_body (the model's full function
// turned back into the body that follows the prompt), and the nuprl harness's
// compile/run verdicts in the sandbox.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "benches/bench.h"
#include "sandbox/sandbox.h"

namespace harness::benches::multipl_e {

std::unique_ptr<Bench> make_multipl_e_bench();

// The languages of the suite, in the template's default order.
inline const std::vector<std::string>& known_languages() {
  static const std::vector<std::string> langs{"rs", "java", "js"};
  return langs;
}
bool is_known_language(std::string_view lang);

// The one user message; `lang` is the code ("rs") as the reference writes it.
std::string build_user_message(std::string_view lang, std::string_view prompt);

// The longest fenced block (first among equals, length in code points) with its
// surrounding newlines stripped; the whole text stripped when there is no closed fence.
std::string extract_code_block(std::string_view text);

struct BodyConversion {
  std::string body;              // what follows the prompt in the program (ends with "\n")
  bool anchor_found = false;     // the signature line (exact or whitespace-tolerant) was found
  bool anchor_exact = false;     // found by exact match of the prompt's last non-blank line
  bool braces_stripped = false;  // the tests supply the closing braces (rs, java)
  bool unbalanced = false;       // more '}' than '{' where the tests close: cannot compile
};

// omk's chat_to_body (post bug-604): anchor on the prompt's last non-blank line.
BodyConversion chat_to_body(std::string_view prompt, std::string_view code,
                            const std::vector<std::string>& stop_tokens);

// prompt + body + "\n" + tests
std::string assemble_program(std::string_view prompt, std::string_view body,
                             std::string_view tests);

// Limits of one command (compile or run), from the template's `sandbox` section.
struct ExecLimits {
  sandbox::SandboxLimits compile;
  sandbox::SandboxLimits run;
};
ExecLimits exec_limits(std::string_view lang, const nlohmann::json& sandbox_section);

struct ExecOutcome {
  // §9: OK | SyntaxError | Exception | Timeout | AssertionError | ReferenceError, or
  // SandboxError when the sandbox itself failed (an infrastructure fault, not a verdict);
  // the bench reports Error for a doc without a known language.
  std::string status;
  int exit_code = -1;
  std::string stage;        // "compile" | "run": the command that decided the status
  std::string sandbox;      // SandboxResult::describe() of that command
  std::string stderr_tail;  // the deciding command's stderr, last 2048 bytes
  // The test's main returned and the harness's secret came back (verdict_proof.h); a run
  // that exits 0 without it is an Exception.
  bool tests_completed = false;
  double compile_wall_s = 0;
  double run_wall_s = 0;
  bool passed() const { return status == "OK"; }
};

// Compiles (rs, java) and runs prompt + body + "\n" + tests in the sandbox, with the
// proof that the tests ran to their end (verdict_proof.h). Thread-safe; at most
// sandbox::default_pool().max_parallel() programs run at once.
ExecOutcome execute_program(std::string_view lang, std::string_view prompt, std::string_view body,
                            std::string_view tests, const ExecLimits& limits);

// rs and java go through verdict-preserving fast paths by default (shared libstd for
// rustc, a class-data-sharing archive for javac; see rust_dynamic.cpp, java_cds.cpp).
// Off: the sandbox runners' plain builds, for benchmarks that compare the two.
void set_fast_toolchains(bool on);

// The status of a finished node run (exported for tests): timeout, exit 0, then the
// first of ERR_ASSERTION / SyntaxError / ReferenceError in the first 2048 bytes of each
// stream (the reference caps what it reads), else Exception.
std::string classify_javascript(const sandbox::SandboxResult& run);

}  // namespace harness::benches::multipl_e
