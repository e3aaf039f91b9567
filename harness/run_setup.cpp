#include "harness/run_setup.h"

#include <map>

#include "benches/bench.h"
#include "harness/embedded_backend.h"
#include "harness/errors.h"
#include "harness/plan.h"

namespace harness {

nlohmann::json RunConfig::to_json() const {
  nlohmann::json eps = nlohmann::json::array();
  for (const auto& e : endpoints)
    eps.push_back({{"base_url", e.base_url}, {"model", e.model}, {"api_key_env", e.api_key_env},
                   {"flavour", e.flavour}});
  return {{"endpoints", eps},
          {"engine_dir", engine_dir},
          {"retry",
           {{"max_attempts", retry.max_attempts},
            {"initial_delay_s", retry.initial_delay_s},
            {"max_delay_s", retry.max_delay_s},
            {"jitter", retry.jitter},
            {"connect_timeout_s", retry.connect_timeout_s},
            {"request_timeout_s", retry.request_timeout_s}}},
          {"concurrency", concurrency},
          {"limit", limit},
          {"data_dir", data_dir},
          {"targets", targets}};
}

RunConfig RunConfig::from_json(const nlohmann::json& j) {
  RunConfig c;
  for (const auto& e : j.value("endpoints", nlohmann::json::array())) {
    OpenAIEndpoint ep;
    ep.base_url = e.value("base_url", "");
    ep.model = e.value("model", "");
    ep.api_key_env = e.value("api_key_env", "OPENAI_API_KEY");
    ep.flavour = e.value("flavour", "auto");
    c.endpoints.push_back(ep);
  }
  c.engine_dir = j.value("engine_dir", "");
  if (j.contains("retry")) {
    const auto& r = j["retry"];
    c.retry.max_attempts = r.value("max_attempts", c.retry.max_attempts);
    c.retry.initial_delay_s = r.value("initial_delay_s", c.retry.initial_delay_s);
    c.retry.max_delay_s = r.value("max_delay_s", c.retry.max_delay_s);
    c.retry.jitter = r.value("jitter", c.retry.jitter);
    c.retry.connect_timeout_s = r.value("connect_timeout_s", c.retry.connect_timeout_s);
    c.retry.request_timeout_s = r.value("request_timeout_s", c.retry.request_timeout_s);
  }
  c.concurrency = j.value("concurrency", 8);
  c.limit = j.value("limit", 0);
  c.data_dir = j.value("data_dir", "");
  c.targets = j.value("targets", std::vector<std::string>{});
  return c;
}

std::unique_ptr<Backend> make_backend(const RunConfig& config) {
  if (!config.endpoints.empty()) return make_openai_backend(config.endpoints, config.retry);
  if (!config.engine_dir.empty()) {
    try {
      return make_embedded_backend(config.engine_dir);
    } catch (const std::exception& e) {
      throw CommandError(e.what(), kExitBadInput);
    }
  }
  throw UsageError("no backend: pass --endpoint URL (an OpenAI-compatible server) or --engine DIR");
}

std::vector<BenchPlan> make_plans(const std::vector<BenchTemplate>& templates,
                                  const std::string& data_dir, int limit) {
  std::map<std::string, std::shared_ptr<const benches::Dataset>> datasets;
  std::vector<BenchPlan> plans;
  for (const auto& tmpl : templates) {
    BenchPlan plan;
    plan.tmpl = tmpl;
    std::shared_ptr<benches::Bench> bench = benches::make_bench(tmpl.bench);
    if (!bench) {
      std::string known;
      for (const auto& n : benches::bench_names()) known += (known.empty() ? "" : ", ") + n;
      throw CommandError("template " + tmpl.name + " uses bench '" + tmpl.bench +
                             "', which this build does not have yet (available: " + known + ")",
                         kExitBadInput);
    }
    plan.bench = bench;
    plan.ctx = make_context(tmpl, data_dir);
    // Scoring settings are part of the key: LCB's official mode loads stdin problems and
    // private tests that the omk mode leaves out.
    std::string key = tmpl.bench + "|" + plan.ctx.lang + "|" + plan.ctx.scoring.dump();
    if (!datasets.count(key)) {
      try {
        datasets[key] = std::make_shared<const benches::Dataset>(bench->load(plan.ctx));
      } catch (const benches::DataError& e) {
        throw CommandError(e.what(), kExitBadInput);
      }
    }
    plan.dataset = datasets[key];
    plan.problems = select_problems(tmpl, *plan.dataset, data_dir, limit);
    plans.push_back(std::move(plan));
  }
  return plans;
}

}  // namespace harness
