#include "harness/runner.h"

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "harness/plan.h"
#include "harness/sanity.h"

namespace harness {

namespace {

struct WorkItem {
  BenchPlan* plan;
  const benches::Problem* problem;
};

struct ScoreItem {
  BenchPlan* plan;
  store::SampleRecord sample;
};

// A closable multi-producer multi-consumer queue for the scoring stage.
class ScoreQueue {
 public:
  void push(ScoreItem item) {
    {
      std::lock_guard lock(mutex_);
      items_.push_back(std::move(item));
    }
    cv_.notify_one();
  }
  void close() {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
    }
    cv_.notify_all();
  }
  std::optional<ScoreItem> pop() {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return closed_ || !items_.empty(); });
    if (items_.empty()) return std::nullopt;
    ScoreItem item = std::move(items_.front());
    items_.pop_front();
    return item;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<ScoreItem> items_;
  bool closed_ = false;
};

store::SampleRecord to_sample(const BenchPlan& plan, const benches::Problem& problem,
                              const GenerationResult& result) {
  store::SampleRecord s;
  s.bench_run_id = plan.bench_run_id;
  s.doc_index = problem.index;
  s.doc_id = problem.doc_id;
  s.status = result.ok ? "done" : "failed";
  s.request_json = result.request_json;
  s.response_raw = result.response_raw;
  s.content = result.content;
  s.reasoning = result.reasoning;
  s.finish_reason = result.finish_reason;
  s.prompt_tokens = result.prompt_tokens;
  s.completion_tokens = result.completion_tokens;
  s.latency_ms = result.latency_ms;
  s.attempts = static_cast<int>(result.attempts.size());
  s.error = result.error;
  s.endpoint = result.endpoint;
  if (result.ok) {
    // Fix-A (or the bench's own rule): record which text will be scored.
    s.text_source = select_scored_text(plan.bench->text_rule(), result.content, result.reasoning,
                                       result.reasoning_field)
                        .source;
  } else {
    s.text_source = "none";
  }
  for (const auto& a : result.attempts) {
    store::AttemptRecord r;
    r.attempt = a.attempt;
    r.started_at = a.started_at;
    r.latency_ms = a.latency_ms;
    r.http_status = a.http_status;
    r.error = a.error;
    r.endpoint = a.endpoint;
    s.attempt_log.push_back(std::move(r));
  }
  return s;
}

// Which reasoning field a stored sample came from, recovered from the raw response, so
// that rules that care (MultiPL-E ignores `reasoning`) see the same as at run time.
std::string reasoning_field_of(const store::SampleRecord& s) {
  if (s.reasoning.empty()) return "";
  auto parsed = parse_chat_response(s.response_raw);
  if (parsed.ok) return parsed.reasoning_field;
  return "reasoning_content";  // embedded engine and other non-OpenAI sources
}

const benches::Problem* problem_at(const BenchPlan& plan, int doc_index) {
  const auto& ps = plan.dataset->problems;
  if (doc_index >= 0 && doc_index < static_cast<int>(ps.size()) && ps[doc_index].index == doc_index)
    return &ps[doc_index];
  for (const auto& p : ps)
    if (p.index == doc_index) return &p;
  return nullptr;
}

store::ScoreRecord score_sample(const BenchPlan& plan, const store::SampleRecord& sample) {
  store::ScoreRecord rec;
  rec.sample_id = sample.id;
  rec.scorer_version = plan.bench->scorer_version();
  const benches::Problem* problem = problem_at(plan, sample.doc_index);
  if (!problem) {
    rec.details = {{"error", "doc_index " + std::to_string(sample.doc_index) +
                                 " is not in the dataset any more"}};
    return rec;
  }
  ScoredText text = select_scored_text(plan.bench->text_rule(), sample.content, sample.reasoning,
                                       reasoning_field_of(sample));
  try {
    benches::Verdict v = plan.bench->score(*problem, text.text, plan.ctx);
    rec.score = v.score;
    rec.extracted = v.extracted;
    rec.details = v.details.is_object() ? v.details : nlohmann::json::object();
    rec.details["metrics"] = v.metrics;
    rec.details["text_source"] = text.source;
  } catch (const std::exception& e) {
    // A scorer that throws is a harness bug; keep the sample, record why it scored 0.
    rec.score = 0;
    rec.details = {{"error", std::string("scorer failed: ") + e.what()}};
  }
  return rec;
}

int default_threads(int asked) {
  if (asked > 0) return asked;
  return std::max(2u, std::thread::hardware_concurrency());
}

// Watches the first generations of every bench run of this process (SANITY.md, early stop).
class FirstGenerations {
 public:
  // Returns the reason to stop the run, once, when the rule fires.
  std::string observe(const BenchPlan& plan, const store::SampleRecord& sample) {
    std::lock_guard lock(mutex_);
    State& st = states_[&plan];
    if (st.seen >= kEarlyStopWindow || fired_) return "";
    ++st.seen;
    const std::string why = broken_generation(sample);
    if (!why.empty()) ++st.broken;
    const bool leak = why.find("leaks") != std::string::npos;
    st.any_leak = st.any_leak || leak;
    st.notes.push_back("doc " + sample.doc_id + ": " + (why.empty() ? "ok" : why));
    if (!leak && st.seen < kEarlyStopWindow) return "";
    std::string reason = early_stop_reason(plan.tmpl.name, st.notes, st.broken, st.any_leak);
    if (!reason.empty()) {
      fired_ = true;
      trigger_ = &plan;
    }
    return reason;
  }
  const BenchPlan* trigger() const { return trigger_; }
  std::vector<std::string> notes(const BenchPlan& plan) {
    std::lock_guard lock(mutex_);
    return states_[&plan].notes;
  }

 private:
  struct State {
    int seen = 0, broken = 0;
    bool any_leak = false;
    std::vector<std::string> notes;
  };
  std::mutex mutex_;
  std::map<const BenchPlan*, State> states_;
  bool fired_ = false;
  const BenchPlan* trigger_ = nullptr;
};

}  // namespace

std::string broken_generation(const store::SampleRecord& sample) {
  std::vector<std::string> why;
  std::string text = scored_text_of(sample);
  const auto first = text.find_first_not_of(" \t\r\n");
  const auto last = text.find_last_not_of(" \t\r\n");
  const size_t chars = first == std::string::npos ? 0 : last - first + 1;
  if (chars < 5) why.push_back("empty reply (" + std::to_string(chars) + " chars)");
  if (sample.finish_reason == "length") why.push_back("hit max_gen_toks (finish_reason length)");
  if (has_channel_leak(sample.content)) why.push_back("leaks a chat-template control token");
  std::string out;
  for (const auto& w : why) out += (out.empty() ? "" : ", ") + w;
  return out;
}

std::string early_stop_reason(const std::string& template_name, const std::vector<std::string>& notes,
                              int n_broken, bool any_leak) {
  const int n = static_cast<int>(notes.size());
  if (!any_leak && (n < kEarlyStopWindow || n_broken < n)) return "";
  std::string list;
  for (const auto& note : notes) list += (list.empty() ? "" : "; ") + note;
  const std::string what = any_leak ? "a generation of " + template_name + " leaks a chat-template control token"
                                    : "the first " + std::to_string(n) + " generations of " + template_name +
                                          " are all broken";
  return what + " (" + list + "); check the server's chat template, reasoning parser and max_gen_toks";
}

nlohmann::json summarize_bench_run(store::Store& store, const BenchPlan& plan) {
  auto rows = store.scored_samples(plan.bench_run_id, plan.bench->scorer_version());
  std::map<std::string, std::vector<double>> metric_values;
  struct Ratio {
    double num = 0, den = 0;
    int docs = 0;
  };
  std::map<std::string, Ratio> ratio_values;  // metrics aggregated as Σnum / Σden
  int done = 0, failed = 0, scored = 0, empty = 0, fallback = 0, length_capped = 0, errors = 0;
  std::vector<double> headline;
  for (const auto& row : rows) {
    const auto& s = row.sample;
    if (s.status != "done") {
      ++failed;
      continue;
    }
    ++done;
    if (s.text_source == "none") ++empty;
    if (s.text_source == "reasoning") ++fallback;
    if (s.finish_reason == "length") ++length_capped;
    if (!row.score) continue;
    ++scored;
    headline.push_back(row.score->score);
    if (row.score->details.contains("error")) ++errors;
    const auto& m = row.score->details.value("metrics", nlohmann::json::object());
    for (const auto& [key, value] : m.items()) {
      if (value.is_number()) {
        metric_values[key].push_back(value.get<double>());
      } else if (value.is_object() && value.contains("num") && value.contains("den")) {
        auto& r = ratio_values[key];
        r.num += value["num"].get<double>();
        r.den += value["den"].get<double>();
        ++r.docs;
      }
    }
  }
  auto to_json_number = [](double v) -> nlohmann::json {
    return std::isnan(v) ? nlohmann::json(nullptr) : nlohmann::json(v);
  };
  nlohmann::json metrics = nlohmann::json::object();
  std::map<std::string, benches::MetricSummary> summaries;
  for (const auto& [key, values] : metric_values) {
    auto s = benches::summarize_metric(key, values);
    summaries[key] = s;
    metrics[key] = {{"mean", to_json_number(s.mean)}, {"stderr", to_json_number(s.stderr_)},
                    {"n", s.n}};
  }
  for (const auto& [key, r] : ratio_values)  // no per-doc stderr for a pooled ratio (lm-eval: N/A)
    metrics[key] = {{"mean", r.den > 0 ? nlohmann::json(r.num / r.den) : nlohmann::json(nullptr)},
                    {"stderr", nullptr},
                    {"n", r.docs}};
  auto h = benches::summarize_metric(plan.bench->headline_metric(), headline);
  if (auto custom = plan.bench->aggregate_headline(summaries)) h = *custom;
  const int planned = static_cast<int>(plan.problems.size());
  std::string status = "complete";
  if (failed > 0) status = "incomplete";
  else if (done < planned || scored < done) status = "running";
  return {{"bench", plan.bench->name()},
          {"template", plan.tmpl.name},
          {"scorer_version", plan.bench->scorer_version()},
          {"headline_metric", plan.bench->headline_metric()},
          {"score", to_json_number(h.mean)},
          {"stderr", to_json_number(h.stderr_)},
          {"n_planned", planned},
          {"n_done", done},
          {"n_failed", failed},
          {"n_scored", scored},
          {"n_empty", empty},
          {"n_fallback", fallback},
          {"n_length_capped", length_capped},
          {"n_scorer_errors", errors},
          {"metrics", metrics},
          {"sanity", compute_sanity(rows, plan.tmpl, planned)},
          {"status", status}};
}

int score_bench_run(store::Store& store, BenchPlan& plan, bool rescore_all, int threads) {
  std::vector<store::SampleRecord> todo;
  for (auto& row : store.scored_samples(plan.bench_run_id, plan.bench->scorer_version()))
    if (row.sample.status == "done" && (rescore_all || !row.score)) todo.push_back(row.sample);
  std::atomic<size_t> next{0};
  std::vector<std::thread> pool;
  const int n = std::min<int>(default_threads(threads), std::max<size_t>(1, todo.size()));
  for (int t = 0; t < n; ++t)
    pool.emplace_back([&] {
      for (size_t i = next++; i < todo.size(); i = next++) store.put_score(score_sample(plan, todo[i]));
    });
  for (auto& th : pool) th.join();
  auto summary = summarize_bench_run(store, plan);
  // A bench run the runner stopped early keeps its reason (and stays incomplete) through
  // score/rescore until a resume completes it.
  auto previous = store.bench_run_summary(plan.bench_run_id);
  if (previous && previous->contains("early_stop") && summary["status"] != "complete") {
    summary["early_stop"] = (*previous)["early_stop"];
    if (summary["status"] == "running") summary["status"] = "incomplete";
  }
  store.put_bench_run_summary(plan.bench_run_id, summary);
  store.set_bench_run_status(plan.bench_run_id, summary["status"].get<std::string>());
  return static_cast<int>(todo.size());
}

RunOutcome execute_run(store::Store& store, int64_t run_id, Backend& backend,
                       std::vector<BenchPlan>& plans, const RunSettings& settings) {
  RunProgress local_progress;
  RunProgress& progress = settings.progress ? *settings.progress : local_progress;
  auto report = [&] {
    if (settings.on_progress) settings.on_progress(progress);
  };

  // Plan the work: everything not stored as done; done-but-unscored samples go straight
  // to the scoring queue (a process killed between the two steps left them so).
  std::vector<WorkItem> work;
  ScoreQueue score_queue;
  for (auto& plan : plans) {
    std::set<int> wanted;
    for (const auto* p : plan.problems) wanted.insert(p->index);
    std::set<int> done;
    for (auto& row : store.scored_samples(plan.bench_run_id, plan.bench->scorer_version())) {
      if (row.sample.status != "done" || !wanted.count(row.sample.doc_index)) continue;
      done.insert(row.sample.doc_index);
      if (!row.score) score_queue.push({&plan, row.sample});
    }
    progress.total += static_cast<int>(plan.problems.size());
    progress.done += static_cast<int>(done.size());
    for (const auto* p : plan.problems)
      if (!done.count(p->index)) work.push_back({&plan, p});
    store.set_bench_run_status(plan.bench_run_id, "running");
  }
  store.set_run_status(run_id, "running");
  report();

  std::atomic<size_t> next{0};
  std::atomic<int> generated{0};
  std::atomic<bool> stopped{false};
  FirstGenerations first_generations;
  // The early stop catches a misconfigured server (chat template, reasoning parser,
  // context); the embedded engine has none of those knobs, so it is not watched.
  const bool watch_first = backend.flavour() != "embedded";
  std::mutex early_mutex;
  std::string early_stop;             // guarded by early_mutex
  std::atomic<bool> early_stopped{false};
  // A store error (disk full, I/O) in a worker ends the run: every worker stops, the first
  // error is rethrown after all threads are joined. What was committed stays committed.
  std::mutex fatal_mutex;
  std::exception_ptr fatal;
  std::atomic<bool> failed_hard{false};
  auto fail_hard = [&](std::exception_ptr e) {
    std::lock_guard lock(fatal_mutex);
    if (!fatal) fatal = e;
    failed_hard = true;
  };
  auto should_stop = [&] { return failed_hard.load() || (settings.stop && settings.stop->load()); };

  std::vector<std::thread> generators;
  const int concurrency = std::max(1, settings.concurrency);
  const int n_generators = std::min<int>(concurrency, std::max<size_t>(1, work.size()));
  for (int t = 0; t < n_generators; ++t) {
    generators.emplace_back([&] {
      try {
      for (;;) {
        if (early_stopped) return;  // in-flight requests finish and are stored; no new ones
        if (should_stop()) {
          stopped = true;
          return;
        }
        size_t i = next++;
        if (i >= work.size()) return;
        const WorkItem& item = work[i];
        ++progress.in_flight;
        GenerationResult result = backend.generate(make_request(item.plan->tmpl, *item.problem));
        store::SampleRecord sample = to_sample(*item.plan, *item.problem, result);
        // Committed before anything else happens to it: a crash after this line loses nothing.
        sample.id = store.put_sample(sample);
        --progress.in_flight;
        if (sample.status == "done") {
          if (std::string why = watch_first ? first_generations.observe(*item.plan, sample) : "";
              !why.empty()) {
            std::lock_guard lock(early_mutex);
            early_stop = why;
            early_stopped = true;
          }
          ++generated;
          ++progress.done;
          if (sample.text_source == "reasoning") ++progress.fallback;
          if (sample.text_source == "none") ++progress.empty;
          score_queue.push({item.plan, std::move(sample)});
        } else {
          ++progress.failed;
        }
        report();
      }
      } catch (...) {
        fail_hard(std::current_exception());
      }
    });
  }

  std::vector<std::thread> scorers;
  const int n_scorers = default_threads(settings.scoring_threads);
  for (int t = 0; t < n_scorers; ++t) {
    scorers.emplace_back([&] {
      try {
        while (auto item = score_queue.pop()) {
          if (failed_hard) continue;  // drain without writing
          store.put_score(score_sample(*item->plan, item->sample));
          ++progress.scored;
          report();
        }
      } catch (...) {
        fail_hard(std::current_exception());
        while (score_queue.pop()) {
        }
      }
    });
  }

  for (auto& th : generators) th.join();
  score_queue.close();
  for (auto& th : scorers) th.join();
  if (fatal) std::rethrow_exception(fatal);

  RunOutcome outcome;
  outcome.generated = generated;
  outcome.scored = progress.scored;
  outcome.stopped = stopped;
  outcome.early_stop = early_stop;
  bool all_complete = true;
  for (auto& plan : plans) {
    auto summary = summarize_bench_run(store, plan);
    std::string status = summary["status"].get<std::string>();
    if (early_stopped) {
      // The reason stays with every bench run the stop left short, and the notes on the
      // first generations with the one that fired.
      const BenchPlan* trigger = first_generations.trigger();
      summary["early_stop"] = {{"reason", early_stop},
                               {"template", trigger ? trigger->tmpl.name : ""},
                               {"first_generations", first_generations.notes(plan)}};
      if (status == "running") status = "incomplete";
      summary["status"] = status;
    }
    store.put_bench_run_summary(plan.bench_run_id, summary);
    outcome.failed += summary["n_failed"].get<int>();
    if (stopped && status == "running") status = "cancelled";
    store.set_bench_run_status(plan.bench_run_id, status);
    if (status != "complete") all_complete = false;
  }
  if (early_stopped) outcome.status = "incomplete";
  else if (stopped) outcome.status = "cancelled";
  else if (all_complete) outcome.status = "complete";
  else outcome.status = "incomplete";
  store.set_run_status(run_id, outcome.status);
  return outcome;
}

}  // namespace harness

namespace harness {

void check_run_gates(store::Store& store, int64_t run_id, std::vector<BenchPlan>& plans, int limit,
                     const RunOutcome& outcome) {
  const std::string id = std::to_string(run_id);
  if (!outcome.early_stop.empty())
    throw RunGateError("run " + id + " stopped early: " + outcome.early_stop +
                           ". It is stored incomplete; fix the server and continue with `harness resume " + id +
                           "` (the first generations are checked again)",
                       kExitEarlyStop, outcome);
  if (limit <= 0 || limit > 10 || outcome.status != "complete") return;
  std::string low;
  for (auto& plan : plans) {
    const auto& floor_value = plan.tmpl.sanity.contains("smoke_floor") ? plan.tmpl.sanity["smoke_floor"]
                                                                       : nlohmann::json(nullptr);
    if (!floor_value.is_number()) continue;
    const double floor = floor_value.get<double>();
    const auto summary = summarize_bench_run(store, plan);
    const bool scored = summary["score"].is_number();
    const double score = scored ? summary["score"].get<double>() : 0.0;
    if (scored && score > floor) continue;
    char numbers[96];
    if (scored) std::snprintf(numbers, sizeof numbers, " scored %.4g <= smoke floor %.4g", score, floor);
    else std::snprintf(numbers, sizeof numbers, " scored nothing (smoke floor %.4g)", floor);
    low += (low.empty() ? "" : "; ") + plan.tmpl.name + numbers;
  }
  if (!low.empty())
    throw RunGateError("smoke run " + id + " (--limit " + std::to_string(limit) + "): " + low +
                           "; the model, server or template is broken (see `harness report " + id + "`)",
                       kExitSmokeFloor, outcome);
}

}  // namespace harness
