#include "harness/run_start.h"

#include <filesystem>

#include "harness/data_catalog.h"
#include "harness/errors.h"
#include "harness/preflight.h"
#include "harness/template.h"

#ifndef HARNESS_VERSION
#define HARNESS_VERSION "dev"
#endif

namespace harness {

PreparedRun prepare_new_run(NewRunRequest request, std::ostream& log) {
  PreparedRun run;
  run.config = std::move(request.config);
  run.variant = std::move(request.variant);
  run.skip_preflight = request.skip_preflight;
  RunConfig& config = run.config;

  std::vector<BenchTemplate> templates;
  try {
    templates = resolve_targets(config.targets, request.templates_dir.empty() ? default_templates_dir()
                                                                             : request.templates_dir);
  } catch (const TemplateError& e) {
    throw CommandError(e.what(), kExitBadInput);
  }
  if (config.concurrency <= 0) {
    config.concurrency = 0;
    for (const auto& t : templates) config.concurrency = std::max(config.concurrency, t.concurrency);
    if (config.concurrency <= 0) config.concurrency = 8;
  }
  // Pre-flight, step 1: the endpoints are up and answer (before the backend probes them).
  const PreflightOptions preflight_options = PreflightOptions::from_env();
  PreflightReport preflight;
  std::vector<EndpointLimits> limits;
  if (!request.skip_preflight) {
    limits = check_endpoints(config, preflight_options, preflight, log);
    if (preflight.failed()) finish_preflight(preflight, log);
  }
  // A deferred engine's flavour is known without loading it (EmbeddedBackend::flavour).
  const bool deferred = request.defer_engine && config.endpoints.empty() && !config.engine_dir.empty();
  if (!deferred) run.backend = make_backend(config);
  else if (!std::filesystem::is_regular_file(std::filesystem::path(config.engine_dir) / "config.json"))
    throw CommandError(config.engine_dir + " is not a model folder (it has no config.json); give the folder of an "
                                           "HF checkpoint",
                       kExitBadInput);
  const std::string flavour = deferred ? "embedded" : run.backend->flavour();
  for (auto& t : templates) t = t.resolved_for(flavour);
  // A template whose bench or data is missing fails the command, naming every such
  // template at once, unless skip_unavailable: then it is stored as "skipped" with the
  // reason and the run ends incomplete, so nothing is silently smaller.
  for (const auto& t : templates) {
    try {
      auto one = make_plans({t}, config.data_dir, config.limit);
      run.plans.push_back(std::move(one.front()));
    } catch (const CommandError& e) {
      if (e.exit_code != kExitBadInput) throw;
      run.unavailable.emplace_back(t, e.what());
    }
  }
  if (!run.unavailable.empty()) {
    std::string list;
    for (const auto& [t, why] : run.unavailable) list += "\n  " + t.name + ": " + why;
    if (!request.skip_unavailable)
      throw CommandError(std::to_string(run.unavailable.size()) + " template(s) cannot run:" + list +
                             "\npass --skip-unavailable to run the others (the run is then recorded incomplete)",
                         kExitBadInput);
    log << "skipping " << run.unavailable.size() << " template(s):" << list << "\n";
    run.has_skipped = true;
  }
  if (run.plans.empty()) throw CommandError("nothing to run: every template was skipped", kExitBadInput);
  // Step 2: datasets, context, reasoning budget, toolchains of what will run.
  if (request.skip_preflight) {
    log_preflight_skipped(log);
  } else {
    check_plans(run.plans, config.data_dir, limits, preflight_options, preflight);
    finish_preflight(preflight, log);
  }
  return run;
}

int64_t record_new_run(store::Store& store, PreparedRun& prepared, const std::string& status) {
  const RunConfig& config = prepared.config;
  store::RunRecord run;
  run.variant = prepared.variant;
  run.status = status;
  std::string suite;
  for (const auto& t : config.targets) suite += (suite.empty() ? "" : " ") + t;
  run.suite = suite;
  run.backend = config.endpoints.empty() ? "embedded" : "openai";
  run.model = config.endpoints.empty() ? config.engine_dir : config.endpoints[0].model;
  run.config = config.to_json();
  run.config["skip_preflight"] = prepared.skip_preflight;
  if (prepared.backend) run.fingerprint = prepared.backend->fingerprint();
  run.harness_version = HARNESS_VERSION;
  const int64_t run_id = store.create_run(run);
  auto& plans = prepared.plans;
  for (size_t i = 0; i < plans.size(); ++i) {
    store::BenchRunRecord br;
    br.run_id = run_id;
    br.position = static_cast<int>(i);
    br.template_name = plans[i].tmpl.name;
    br.bench = plans[i].tmpl.bench;
    br.template_text = plans[i].tmpl.canonical_text();
    br.template_hash = plans[i].tmpl.hash();
    br.dataset_checksum = plans[i].dataset->checksum;
    br.n_planned = static_cast<int>(plans[i].problems.size());
    plans[i].bench_run_id = store.create_bench_run(br);
  }
  for (size_t i = 0; i < prepared.unavailable.size(); ++i) {
    const auto& [t, why] = prepared.unavailable[i];
    store::BenchRunRecord br;
    br.run_id = run_id;
    br.position = static_cast<int>(plans.size() + i);
    br.template_name = t.name;
    br.bench = t.bench;
    br.template_text = t.canonical_text();
    br.template_hash = t.hash();
    br.n_planned = t.n;
    br.status = "skipped";
    int64_t id = store.create_bench_run(br);
    store.put_bench_run_summary(id, {{"status", "skipped"}, {"reason", why}, {"template", t.name}});
  }
  prepared.run_id = run_id;
  return run_id;
}

PreparedRun prepare_resume(store::Store& store, int64_t run_id, const ResumeOverrides& overrides,
                           std::ostream& log) {
  auto stored = store.get_run(run_id);
  if (!stored) throw CommandError("run " + std::to_string(run_id) + " is not in " + store.path(), kExitBadInput);
  PreparedRun run;
  run.run_id = run_id;
  run.variant = stored->variant;
  run.config = RunConfig::from_json(stored->config);
  run.skip_preflight = stored->config.value("skip_preflight", false);
  RunConfig& config = run.config;
  if (overrides.concurrency > 0) config.concurrency = overrides.concurrency;
  if (!overrides.data_dir.empty()) config.data_dir = overrides.data_dir;
  if (!overrides.endpoints.empty()) {
    OpenAIEndpoint proto = config.endpoints.empty() ? OpenAIEndpoint{} : config.endpoints[0];
    config.endpoints.clear();
    for (const auto& u : overrides.endpoints) {
      OpenAIEndpoint ep = proto;
      ep.base_url = u;
      config.endpoints.push_back(ep);
    }
  }
  if (overrides.adjust) overrides.adjust(config);
  run.backend = make_backend(config);

  std::vector<BenchTemplate> templates;
  std::vector<store::BenchRunRecord> bench_runs;
  for (const auto& br : store.bench_runs(run_id)) {
    if (br.status == "skipped") {  // its bench or data was missing when the run started
      if (!overrides.fresh)
        log << "not resuming " << br.template_name << ": it was skipped when run " << run_id
            << " started; start a new run for it\n";
      run.has_skipped = true;
      continue;
    }
    bench_runs.push_back(br);
    templates.push_back(BenchTemplate::from_json(nlohmann::json::parse(br.template_text)));
  }
  run.plans = make_plans(templates, config.data_dir, config.limit);
  for (size_t i = 0; i < run.plans.size(); ++i) {
    if (run.plans[i].dataset->checksum != bench_runs[i].dataset_checksum)
      throw CommandError("the dataset of " + bench_runs[i].template_name + " changed since run " +
                             std::to_string(run_id) + " started (checksum " + run.plans[i].dataset->checksum +
                             ", stored " + bench_runs[i].dataset_checksum +
                             "); restore the original files or start a new run",
                         kExitBadInput);
    run.plans[i].bench_run_id = bench_runs[i].id;
  }
  return run;
}

RunOutcome execute_prepared_run(store::Store& store, PreparedRun& run, const RunSettings& settings) {
  RunOutcome outcome = execute_run(store, run.run_id, *run.backend, run.plans, settings);
  if (run.has_skipped && outcome.status == "complete") {
    outcome.status = "incomplete";
    store.set_run_status(run.run_id, "incomplete");
  }
  // A run that stopped early or a smoke run below its floor ends the command with its own
  // exit code (RunGateError carries the outcome for callers that still want it).
  check_run_gates(store, run.run_id, run.plans, run.config.limit, outcome);
  return outcome;
}

}  // namespace harness
