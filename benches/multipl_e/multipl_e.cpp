// The "multipl_e" bench: one dataset of the languages asked for (concatenated in order),
// one verdict per program, and the macro mean of the per-language pass@1 as headline.
#include <cmath>
#include <string>

#include "benches/bench.h"
#include "benches/common/jsonl.h"
#include "benches/common/sha256.h"
#include "benches/multipl_e/multipl_e.h"
#include "benches/multipl_e/verdict_proof.h"

namespace harness::benches::multipl_e {
namespace {

constexpr const char* kHow = "run `harness data pull multipl_e`";

const std::string& string_field(const nlohmann::json& row, const char* key,
                                const std::string& where) {
  auto it = row.find(key);
  if (it == row.end() || !it->is_string())
    throw DataError(where + " has no string field \"" + key +
                    "\"; the file is not a MultiPL-E dataset, " + kHow);
  return it->get_ref<const std::string&>();
}

std::vector<std::string> stop_tokens_of(const nlohmann::json& doc) {
  std::vector<std::string> stops;
  if (auto it = doc.find("stop_tokens"); it != doc.end() && it->is_array())
    for (const auto& t : *it)
      if (t.is_string()) stops.push_back(t.get<std::string>());
  return stops;
}

// --lang wins; else the template's scoring.langs; else all three.
std::vector<std::string> languages(const BenchContext& ctx) {
  std::vector<std::string> langs;
  if (!ctx.lang.empty()) {
    langs.push_back(ctx.lang);
  } else if (auto it = ctx.scoring.find("langs"); it != ctx.scoring.end() && it->is_array()) {
    for (const auto& l : *it) langs.push_back(l.is_string() ? l.get<std::string>() : l.dump());
  } else {
    langs = known_languages();
  }
  for (const std::string& l : langs)
    if (!is_known_language(l))
      throw DataError("MultiPL-E has no language \"" + l +
                      "\" (from --lang or scoring.langs); use rs, java or js");
  return langs;
}

void check_row(const nlohmann::json& row, const std::string& lang, const std::string& where) {
  for (const char* key : {"name", "prompt", "tests"}) string_field(row, key, where);
  if (string_field(row, "language", where) != lang)
    throw DataError(where + " has language \"" + row["language"].get<std::string>() +
                    "\", expected \"" + lang + "\"; " + kHow);
  if (!row.contains("stop_tokens") || !row["stop_tokens"].is_array())
    throw DataError(where + " has no list field \"stop_tokens\"; " + kHow);
  if (std::string why = proof_problem(lang, row["tests"].get<std::string>()); !why.empty())
    throw DataError(where + ": " + why + ", where the harness checks that the tests ran; " + kHow);
  if (lang == "java" && row["prompt"].get<std::string>().find("class Problem") == std::string::npos)
    throw DataError(where +
                    " does not declare `class Problem`, which the Java runner "
                    "starts; " +
                    kHow);
}

double round_ms(double seconds) { return std::round(seconds * 1000.0) / 1000.0; }

class MultiplEBench : public Bench {
 public:
  std::string name() const override { return "multipl_e"; }
  std::string scorer_version() const override { return "multipl_e/2"; }
  std::string headline_metric() const override { return "pass@1,macro"; }
  TextRule text_rule() const override { return TextRule::ContentOrReasoningContent; }

  Dataset load(const BenchContext& ctx) const override {
    Dataset ds;
    Sha256 checksum;
    for (const std::string& lang : languages(ctx)) {
      std::string rel = "multipl_e/humaneval-" + lang + ".jsonl";
      std::string path = data_path(ctx.data_dir, rel, "multipl_e");
      std::string text = read_data_file(path, kHow);
      checksum.update(text);
      ds.files.push_back(path);
      std::vector<nlohmann::json> rows = parse_jsonl(text, path);
      if (rows.empty()) throw DataError(path + " has no rows; " + kHow);
      for (size_t i = 0; i < rows.size(); ++i) {
        check_row(rows[i], lang, path + " row " + std::to_string(i + 1));
        Problem p;
        p.index = static_cast<int>(ds.problems.size());
        p.doc_id = rows[i]["name"].get<std::string>();
        p.messages.push_back(
            {"user", build_user_message(lang, rows[i]["prompt"].get<std::string>())});
        p.doc = std::move(rows[i]);
        ds.problems.push_back(std::move(p));
      }
    }
    ds.checksum = checksum.hex();
    return ds;
  }

  Verdict score(const Problem& problem, const std::string& response,
                const BenchContext& ctx) const override {
    const nlohmann::json& doc = problem.doc;
    std::string lang = doc.value("language", "");
    if (!is_known_language(lang)) {
      Verdict v;
      v.details = {{"status", "Error"},
                   {"stderr_tail", "the problem's doc has no MultiPL-E language (rs, java, js)"}};
      return v;
    }
    const std::string prompt = doc.value("prompt", "");
    BodyConversion conv = chat_to_body(prompt, extract_code_block(response), stop_tokens_of(doc));
    ExecOutcome run =
        execute_program(lang, prompt, conv.body, doc.value("tests", ""), exec_limits(lang, ctx.sandbox));

    Verdict v;
    v.score = run.passed() ? 1.0 : 0.0;
    v.metrics["pass@1," + lang] = v.score;
    v.extracted = conv.body;
    v.details = {
        {"status", run.status},
        {"language", lang},
        {"stage", run.stage},
        {"exit_code", run.exit_code},
        {"sandbox", run.sandbox},
        {"anchor", conv.anchor_found ? (conv.anchor_exact ? "exact" : "tolerant") : "none"},
        {"unbalanced", conv.unbalanced},
        {"tests_completed", run.tests_completed},
        {"compile_wall_s", round_ms(run.compile_wall_s)},
        {"run_wall_s", round_ms(run.run_wall_s)},
    };
    if (!run.passed()) v.details["stderr_tail"] = run.stderr_tail;
    return v;
  }

  // §0.7: the macro mean over the languages present; the languages are independent
  // samples, so the stderr of the mean is sqrt(sum se_i^2) / k.
  std::optional<MetricSummary> aggregate_headline(
      const std::map<std::string, MetricSummary>& metrics) const override {
    MetricSummary out;
    out.metric = headline_metric();
    double sum = 0, var = 0;
    int k = 0;
    for (const std::string& lang : known_languages()) {
      auto it = metrics.find("pass@1," + lang);
      if (it == metrics.end() || it->second.n == 0) continue;
      sum += it->second.mean;
      var += it->second.stderr_ * it->second.stderr_;
      out.n += it->second.n;
      ++k;
    }
    if (k == 0) return std::nullopt;
    out.mean = sum / k;
    out.stderr_ = std::sqrt(var) / k;
    return out;
  }
};

}  // namespace

std::unique_ptr<Bench> make_multipl_e_bench() { return std::make_unique<MultiplEBench>(); }

}  // namespace harness::benches::multipl_e
