// Executes a run: keeps N requests in flight, commits every generation in its own
// transaction, scores finished samples as they arrive, and records how it ended.
// The same code runs a new run and resumes an old one: it only ever asks for the
// samples that are not stored as done yet.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "benches/bench.h"
#include "harness/backend.h"
#include "harness/errors.h"
#include "harness/template.h"
#include "store/store.h"

namespace harness {

// One bench of a run, ready to execute.
struct BenchPlan {
  BenchTemplate tmpl;                           // resolved for the backend's flavour
  std::shared_ptr<const benches::Bench> bench;
  std::shared_ptr<const benches::Dataset> dataset;
  std::vector<const benches::Problem*> problems;  // selection, in run order
  benches::BenchContext ctx;
  int64_t bench_run_id = 0;
};

// Live counters for progress display (and the daemon later).
struct RunProgress {
  std::atomic<int> total{0};       // samples planned
  std::atomic<int> done{0};        // stored as done (including those found done on resume)
  std::atomic<int> failed{0};      // stored as failed in this process
  std::atomic<int> scored{0};      // scored in this process
  std::atomic<int> in_flight{0};
  std::atomic<int> fallback{0};    // Fix-A fallbacks (content empty, reasoning scored)
  std::atomic<int> empty{0};       // nothing to score
};

struct RunSettings {
  int concurrency = 8;             // generation requests in flight
  int scoring_threads = 0;         // 0 = number of cores (at least 2)
  const std::atomic<bool>* stop = nullptr;  // set to stop taking new work (SIGINT)
  // Called from worker threads after every stored sample and score; must be cheap.
  std::function<void(const RunProgress&)> on_progress;
  RunProgress* progress = nullptr;  // counters to use (e.g. to print a final line); optional
};

struct RunOutcome {
  std::string status;              // "complete" | "incomplete" | "cancelled"
  int generated = 0;               // stored as done in this process
  int failed = 0;                  // still failed at the end (all benches)
  int scored = 0;
  bool stopped = false;            // stop flag was set
  std::string early_stop;          // why the first generations stopped the run ("" = they did not)
};

RunOutcome execute_run(store::Store& store, int64_t run_id, Backend& backend,
                       std::vector<BenchPlan>& plans, const RunSettings& settings);

// Early stop (SANITY.md): why one stored generation is broken, "" when it is not: its
// scored text (Fix-A) is under 5 characters, it hit max_gen_toks (finish_reason length),
// or its content leaks a chat-template control token.
std::string broken_generation(const store::SampleRecord& sample);
// The rule on the first three generations of a bench run: a reason to stop when all
// three are broken or any of them leaks, else "". `notes` are "doc ID: why" (or "ok").
inline constexpr int kEarlyStopWindow = 3;
std::string early_stop_reason(const std::string& template_name, const std::vector<std::string>& notes,
                              int n_broken, bool any_leak);

// A finished run that must not pass as a result: it stopped early (kExitEarlyStop) or is
// a smoke run that scored at or below its floor (kExitSmokeFloor). Thrown after the run
// is stored; `outcome` is what execute_run returned.
struct RunGateError : CommandError {
  RunGateError(const std::string& message, int exit_code, RunOutcome outcome)
      : CommandError(message, exit_code), outcome(std::move(outcome)) {}
  RunOutcome outcome;
};

// Throws RunGateError when the run stopped early, or when it is a smoke run (0 < limit
// <= 10) that completed and a bench whose template sets sanity.smoke_floor scored at or
// below it. No-op otherwise.
void check_run_gates(store::Store& store, int64_t run_id, std::vector<BenchPlan>& plans, int limit,
                     const RunOutcome& outcome);

// Scores every done sample of a bench run that has no score under the bench's current
// scorer version (all of them when `rescore_all`), then writes the bench run summary.
int score_bench_run(store::Store& store, BenchPlan& plan, bool rescore_all, int threads);

// Recomputes and stores the summary of a bench run from the store: per-metric mean and
// stderr, counts (planned, done, failed, scored, empty, fallback, length-capped).
nlohmann::json summarize_bench_run(store::Store& store, const BenchPlan& plan);

}  // namespace harness
