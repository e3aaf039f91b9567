// Turning a command line (run) or a stored run (resume) into executable BenchPlans, and
// the run configuration that is stored so that `resume` can rebuild everything.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/backend.h"
#include "harness/runner.h"
#include "store/store.h"

namespace harness {

struct RunConfig {
  std::vector<OpenAIEndpoint> endpoints;  // empty when the embedded engine is used
  std::string engine_dir;                 // embedded backend model folder
  RetryPolicy retry;
  int concurrency = 8;
  int limit = 0;                          // 0 = no limit
  std::string data_dir;
  std::vector<std::string> targets;       // what the user asked for

  nlohmann::json to_json() const;
  static RunConfig from_json(const nlohmann::json& j);
};

std::unique_ptr<Backend> make_backend(const RunConfig& config);

// Loads benches and datasets for the given templates (datasets are shared between
// templates of the same bench). Throws CommandError with a one-line reason.
std::vector<BenchPlan> make_plans(const std::vector<BenchTemplate>& templates,
                                  const std::string& data_dir, int limit);

// Scoreboard of a run, as text (for the terminal) or JSON.
std::string format_run_report(store::Store& store, int64_t run_id);
nlohmann::json run_report_json(store::Store& store, int64_t run_id);

// `harness runs`: one line per run, newest first; a "running" run whose lock is free
// shows as "interrupted" (its process died).
std::string format_runs_table(store::Store& store);
nlohmann::json runs_json(store::Store& store);

}  // namespace harness
