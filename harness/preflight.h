// Pre-flight (ARCHITECTURE.md step 2): before a new run stores anything, check what would
// otherwise fail hours into it: the endpoints answer a warm-up (waiting out a server that
// is still loading), the datasets have their pinned checksums, the server's context per
// slot fits prompt + max_gen_toks, its reasoning budget matches the template's, and the
// code benches' toolchains exist. Every check ends as ok, not checked (why) or FAILED
// (one sentence with the fix); the summary goes to the log as one block.
#pragma once

#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/runner.h"

namespace harness {

struct RunConfig;

struct PreflightCheck {
  enum class Status { Ok, NotChecked, Failed };
  std::string name;     // "endpoint http://h:8000", "dataset gsm8k", "context gsm8k_100", ...
  Status status = Status::Ok;
  std::string detail;   // ok: what was found; not checked: why; failed: what to fix
  int exit_code = 0;    // for a failure
};

struct PreflightReport {
  std::vector<PreflightCheck> checks;
  void ok(std::string name, std::string detail);
  void not_checked(std::string name, std::string why);
  void fail(std::string name, std::string what_to_fix, int exit_code);
  bool failed() const;
  // "pre-flight:\n  ok           endpoint ...: ...\n  FAILED       ...\n".
  std::string summary() const;
};

// What the pre-flight learnt about one endpoint's server (null where it did not say).
struct EndpointLimits {
  std::string base_url;
  std::string flavour;               // "vllm" | "llama" | "openai"
  std::optional<int64_t> ctx_per_request;  // llama: n_ctx of one slot; vLLM: max_model_len
  std::string ctx_source;            // "/props n_ctx per slot", "/v1/models max_model_len"
  std::optional<int64_t> reasoning_budget;  // a server-wide budget, should a server ever show one
                                            // (llama-server and vLLM do not: peer-check)
  std::string reasoning_format;      // llama-server --reasoning-format, if shown
};

// Code bench toolchain lookup: "" when present, else why not with the fix. Injectable so
// that tests can simulate a missing compiler.
using ToolchainProblem = std::function<std::string(const std::string& toolchain)>;

struct PreflightOptions {
  // How long a server that answers 503 (loading its model) is waited for, and one that
  // refuses connections (not listening yet). $HARNESS_PREFLIGHT_WAIT_S overrides both.
  double ready_wait_s = 120;
  double connect_wait_s = 3;
  double poll_interval_s = 0.5;
  double request_timeout_s = 120;  // one warm-up request
  ToolchainProblem toolchain_problem;  // empty: sandbox::find_toolchain

  static PreflightOptions from_env();
};

// The user message of the warm-up request (tests' fake server recognises it by this prefix).
inline constexpr const char* kWarmupPrompt =
    "harness pre-flight warm-up: reply with the single word OK.";

// Step 1, before the backend is built (its flavour probe needs a ready server): waits for
// every endpoint to be up, sends the warm-up, reads the server limits. Records one check
// per endpoint in `report`.
std::vector<EndpointLimits> check_endpoints(const RunConfig& config, const PreflightOptions& options,
                                            PreflightReport& report, std::ostream& log);

// Step 2, on the plans: dataset checksums, context fit, reasoning budget, toolchains.
void check_plans(const std::vector<BenchPlan>& plans, const std::string& data_dir,
                 const std::vector<EndpointLimits>& endpoints, const PreflightOptions& options,
                 PreflightReport& report);

// Prints the summary to `log`; throws CommandError with every failure (one line each) and
// the first failure's exit code when a check failed.
void finish_preflight(const PreflightReport& report, std::ostream& log);

// Individual checks, exposed for tests.
void check_datasets(const std::vector<BenchPlan>& plans, const std::string& data_dir,
                    PreflightReport& report);
void check_context(const std::vector<BenchPlan>& plans, const std::vector<EndpointLimits>& endpoints,
                   PreflightReport& report);
void check_reasoning_budget(const std::vector<BenchPlan>& plans,
                            const std::vector<EndpointLimits>& endpoints, PreflightReport& report);
void check_toolchains(const std::vector<BenchPlan>& plans, const ToolchainProblem& problem,
                      PreflightReport& report);

// Conservative prompt size in tokens: chars / 3 (rounded up) plus 8 per message for the
// chat template's role markers. Real tokenizers give fewer for English and code.
int64_t estimate_prompt_tokens(const std::vector<benches::Message>& messages);

// The toolchains a bench needs ("python3", "rustc", "javac+java", "node"), none for the
// benches that run no code.
std::vector<std::string> toolchains_for(const BenchPlan& plan);

// Server limits from the probe replies (null JSON where a probe failed).
EndpointLimits limits_from_probes(const std::string& base_url, const std::string& flavour,
                                  const nlohmann::json& props, const nlohmann::json& models);

// Prints which checks --skip-preflight skipped.
void log_preflight_skipped(std::ostream& log);

}  // namespace harness
