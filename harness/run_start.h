// Starting and resuming runs, shared by the CLI (`harness run`/`resume`) and the daemon.
// A new run is prepared first (templates, pre-flight, backend, plans) without touching
// the store, so that a run which cannot start leaves no trace; only then is it recorded.
#pragma once

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "harness/backend.h"
#include "harness/run_setup.h"
#include "harness/runner.h"
#include "store/store.h"

namespace harness {

struct NewRunRequest {
  RunConfig config;               // config.targets: suites, template names or YAML files
  std::string variant;
  std::string templates_dir;      // where names are looked up ("" = default_templates_dir())
  bool skip_preflight = false;
  bool skip_unavailable = false;
  // The daemon: do not load the embedded engine now (a queued run must not hold a model);
  // it is loaded when the run starts, and the fingerprint is stored then.
  bool defer_engine = false;
};

struct PreparedRun {
  int64_t run_id = 0;             // 0 until recorded
  RunConfig config;
  std::string variant;
  bool skip_preflight = false;
  std::unique_ptr<Backend> backend;  // null for a deferred engine (NewRunRequest::defer_engine)
  std::vector<BenchPlan> plans;
  // Templates whose bench or data is missing (--skip-unavailable): stored as "skipped".
  std::vector<std::pair<BenchTemplate, std::string>> unavailable;
  bool has_skipped = false;       // the run can at best end "incomplete"
};

// Resolves the targets, runs the pre-flight checks and builds the plans. Throws
// CommandError/UsageError with a one-line reason; nothing is written anywhere. Notes
// for the user (templates skipped, ...) go to `log`.
PreparedRun prepare_new_run(NewRunRequest request, std::ostream& log);

// Creates the run and its bench runs in the store; sets run_id and each plan's bench_run_id.
// The daemon records runs as "queued" (its executors take them in order); the CLI runs
// them at once ("running").
int64_t record_new_run(store::Store& store, PreparedRun& run, const std::string& status = "running");

struct ResumeOverrides {
  int concurrency = 0;                 // 0 = as stored
  std::string data_dir;                // "" = as stored
  std::vector<std::string> endpoints;  // the server moved: same model, new addresses
  // Last word on the stored configuration before the backend is built (the daemon's
  // endpoint policy and bounds); may throw CommandError.
  std::function<void(RunConfig&)> adjust;
  bool fresh = false;  // recorded just now by the daemon: skipped templates were reported then
};

// Rebuilds a stored run's backend and plans; the dataset of every bench must still have
// the checksum stored when the run started.
PreparedRun prepare_resume(store::Store& store, int64_t run_id, const ResumeOverrides& overrides,
                           std::ostream& log);

// Executes a prepared run, then marks it "incomplete" when templates were skipped. Throws
// RunGateError (runner.h) after the run is stored when it stopped early or is a smoke run
// below its floor; the error carries the outcome.
RunOutcome execute_prepared_run(store::Store& store, PreparedRun& run, const RunSettings& settings);

}  // namespace harness
