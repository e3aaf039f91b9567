// Scoreboard of one run from the store: `harness report`, and the end of `harness run`.
#include <cmath>
#include <cstdio>
#include <sstream>

#include "harness/run_setup.h"

namespace harness {

namespace {

std::string pct(const nlohmann::json& v) {
  if (!v.is_number()) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", 100.0 * v.get<double>());
  return buf;
}

}  // namespace

nlohmann::json run_report_json(store::Store& store, int64_t run_id) {
  auto run = store.get_run(run_id);
  if (!run) return nullptr;
  nlohmann::json benches = nlohmann::json::array();
  for (const auto& br : store.bench_runs(run_id)) {
    nlohmann::json entry = {{"bench_run_id", br.id}, {"template", br.template_name},
                            {"bench", br.bench},     {"status", br.status},
                            {"n_planned", br.n_planned}, {"template_hash", br.template_hash}};
    if (auto summary = store.bench_run_summary(br.id)) entry["summary"] = *summary;
    benches.push_back(entry);
  }
  return {{"run_id", run->id},         {"variant", run->variant},   {"suite", run->suite},
          {"backend", run->backend},   {"model", run->model},       {"status", run->status},
          {"created_at", run->created_at}, {"updated_at", run->updated_at},
          {"fingerprint", run->fingerprint}, {"benches", benches}};
}

std::string format_run_report(store::Store& store, int64_t run_id) {
  auto j = run_report_json(store, run_id);
  if (j.is_null()) return "";
  std::ostringstream out;
  out << "run " << j["run_id"] << "  variant " << j["variant"].get<std::string>() << "  model "
      << j["model"].get<std::string>() << "  status " << j["status"].get<std::string>() << "\n";
  char line[256];
  std::snprintf(line, sizeof line, "%-22s %6s %6s %8s %8s %7s %6s %6s %7s  %s\n", "bench", "n", "done",
                "score", "stderr", "failed", "empty", "fix-a", "length", "status");
  out << line;
  for (const auto& b : j["benches"]) {
    nlohmann::json s = b.value("summary", nlohmann::json::object());
    auto num = [&](const char* k) { return s.contains(k) ? std::to_string(s[k].get<int>()) : "-"; };
    std::snprintf(line, sizeof line, "%-22s %6d %6s %8s %8s %7s %6s %6s %7s  %s\n",
                  b["template"].get<std::string>().c_str(), b["n_planned"].get<int>(),
                  num("n_done").c_str(), pct(s.value("score", nlohmann::json())).c_str(),
                  pct(s.value("stderr", nlohmann::json())).c_str(), num("n_failed").c_str(),
                  num("n_empty").c_str(), num("n_fallback").c_str(), num("n_length_capped").c_str(),
                  b["status"].get<std::string>().c_str());
    out << line;
  }
  return out.str();
}

namespace {

struct RunRow {
  store::RunRecord run;
  std::string status;
  int planned = 0, done = 0;
};

std::vector<RunRow> run_rows(store::Store& store) {
  std::vector<RunRow> rows;
  for (auto& run : store.list_runs()) {
    RunRow row;
    for (const auto& br : store.bench_runs(run.id)) {
      row.planned += br.n_planned;
      row.done += static_cast<int>(store.done_indices(br.id).size());
    }
    row.status = run.status;
    if (row.status == "running" && store::RunLock::try_acquire(store.path(), run.id)) row.status = "interrupted";
    row.run = std::move(run);
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace

std::string format_runs_table(store::Store& store) {
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line, "%5s  %-11s %-16s %-24s %-28s %9s  %s\n", "id", "status", "variant", "model",
                "suite", "done", "created");
  out += line;
  for (const auto& r : run_rows(store)) {
    std::snprintf(line, sizeof line, "%5lld  %-11s %-16s %-24s %-28s %4d/%-4d  %s\n",
                  static_cast<long long>(r.run.id), r.status.c_str(), r.run.variant.c_str(), r.run.model.c_str(),
                  r.run.suite.c_str(), r.done, r.planned, r.run.created_at.c_str());
    out += line;
  }
  return out;
}

nlohmann::json runs_json(store::Store& store) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& r : run_rows(store))
    list.push_back({{"id", r.run.id},           {"status", r.status},   {"variant", r.run.variant},
                    {"model", r.run.model},     {"suite", r.run.suite}, {"backend", r.run.backend},
                    {"planned", r.planned},     {"done", r.done},       {"created_at", r.run.created_at}});
  return list;
}

}  // namespace harness
