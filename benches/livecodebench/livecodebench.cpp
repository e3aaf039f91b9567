// The "livecodebench" bench: loads every structurally valid functional problem of
// test.jsonl, test2..test6.jsonl (plus the stdin problems in official mode; the harness
// selects by task-id list or filter_problems), and scores with omk's public-test rule or
// lcb_runner's.
#include <cmath>
#include <filesystem>
#include <string>

#include "benches/bench.h"
#include "benches/common/jsonl.h"
#include "benches/common/sha256.h"
#include "benches/livecodebench/livecodebench.h"

namespace harness::benches::livecodebench {
namespace {

constexpr const char* kHow =
    "run `harness data pull livecodebench` (HF livecodebench/code_generation_lite)";

std::string mode_of(const BenchContext& ctx) {
  auto it = ctx.scoring.find("mode");
  return it != ctx.scoring.end() && it->is_string() ? it->get<std::string>() : "omk";
}

std::string id_text(const nlohmann::json& v) {
  return v.is_string() ? v.get<std::string>() : v.dump();
}

double number_or(const nlohmann::json& section, const char* key, double fallback) {
  auto it = section.find(key);
  return it != section.end() && it->is_number() ? it->get<double>() : fallback;
}

// The template's sandbox limits of one run. timeout_s is read per mode in score(); the keys
// this bench cannot honour (speed_factor, compile_*, output_bytes) are refused by the
// template schema.
SandboxOverrides sandbox_overrides(const nlohmann::json& s) {
  SandboxOverrides o;
  o.wall_seconds = number_or(s, "wall_seconds", 0);
  o.cpu_seconds = number_or(s, "cpu_seconds", 0);
  o.memory_bytes = static_cast<uint64_t>(number_or(s, "memory_mb", 0)) << 20;
  o.processes = static_cast<int>(number_or(s, "processes", 0));
  return o;
}

double round_ms(double seconds) { return std::round(seconds * 1000.0) / 1000.0; }

class LiveCodeBench : public Bench {
 public:
  std::string name() const override { return "livecodebench"; }
  // 2: the official mode grades as lcb_runner does, stdin problems included.
  std::string scorer_version() const override { return "livecodebench/2"; }
  std::string headline_metric() const override { return "pass_at_1"; }
  TextRule text_rule() const override { return TextRule::LcbConcat; }

  Dataset load(const BenchContext& ctx) const override {
    std::string mode = mode_of(ctx);
    if (mode != "omk" && mode != "official")
      throw DataError("livecodebench scoring.mode \"" + mode +
                      "\" is unknown; use omk or official");
    Dataset ds;
    Sha256 checksum;
    for (const std::string& file : data_files()) {
      std::string rel = "livecodebench/" + file;
      // test.jsonl must exist; older snapshots stop before test6.jsonl.
      if (file != data_files().front() &&
          !std::filesystem::exists(std::filesystem::path(ctx.data_dir) / rel))
        continue;
      std::string path = data_path(ctx.data_dir, rel, "livecodebench");
      std::string text = read_data_file(path, kHow);
      checksum.update(text);
      ds.files.push_back(path);
      std::vector<nlohmann::json> rows = parse_jsonl(text, path);
      for (size_t i = 0; i < rows.size(); ++i)
        add_row(ds, std::move(rows[i]), path, i, mode == "official");
    }
    if (ds.problems.empty())
      throw DataError("no functional LeetCode-style problem in " + ctx.data_dir +
                      "/livecodebench; " + kHow);
    ds.checksum = checksum.hex();
    return ds;
  }

  Verdict score(const Problem& problem, const std::string& response,
                const BenchContext& ctx) const override {
    const nlohmann::json& doc = problem.doc;
    std::string mode = mode_of(ctx);
    std::string code;
    TestOutcome t;
    if (mode == "official") {
      code = extract_code_official(response);
      nlohmann::json tests = doc.value("public_tests", nlohmann::json::array());
      for (const auto& test : doc.value("private_tests", nlohmann::json::array()))
        tests.push_back(test);
      // sandbox.timeout_s is lcb_runner's per-test limit here (whole seconds, as its alarm).
      int per_test = static_cast<int>(std::ceil(number_or(ctx.sandbox, "timeout_s", 6.0)));
      t = run_official_tests(code, doc.value("func_name", ""), tests, per_test,
                             sandbox_overrides(ctx.sandbox));
    } else {
      // omk's one budget for all public tests.
      double timeout = number_or(ctx.sandbox, "timeout_s", 10.0);
      code = extract_code(response);
      t = run_public_tests(code, doc.value("method_name", ""),
                           doc.value("public_tests", nlohmann::json::array()), timeout,
                           sandbox_overrides(ctx.sandbox));
    }
    Verdict v;
    v.score = t.passed ? 1.0 : 0.0;
    v.metrics["pass_at_1"] = v.score;
    v.extracted = code;
    v.details = {{"status", t.status},
                 {"reason", t.reason},
                 {"tests_run", t.tests_run},
                 {"wall_s", round_ms(t.wall_seconds)},
                 {"mode", mode}};
    return v;
  }

 private:
  static void add_row(Dataset& ds, nlohmann::json row, const std::string& path, size_t i,
                      bool official) {
    std::string where = path + " row " + std::to_string(i + 1);
    for (const char* key : {"question_content", "starter_code", "platform"})
      if (!row.contains(key) || !row[key].is_string())
        throw DataError(where + " has no string field \"" + key + "\"; " + kHow);
    if (!row.contains("question_id")) throw DataError(where + " has no question_id; " + kHow);
    std::string why;
    std::optional<std::string> method = method_name(row, &why);
    std::string testtype = first_testtype(row);
    // §8's structural filter; the official mode also grades stdin programs.
    bool stdin_problem = official && testtype == "stdin";
    if (!method && !stdin_problem) return;
    Problem p;
    p.index = static_cast<int>(ds.problems.size());
    p.doc_id = "lcb/" + row["platform"].get<std::string>() + "/" + id_text(row["question_id"]);
    const std::string& question = row["question_content"].get<std::string>();
    p.messages.push_back({"user", stdin_problem
                                      ? build_stdin_user_message(question)
                                      : build_user_message(question,
                                                           row["starter_code"].get<std::string>())});
    if (method) row["method_name"] = *method;
    row["testtype"] = testtype;
    row["public_tests"] = nlohmann::json::parse(row["public_test_cases"].get<std::string>());
    row.erase("public_test_cases");
    // omk scores public tests only; the private ones (most of the file's bytes) would
    // bloat every stored doc, so only the official mode decodes and keeps them.
    if (official) {
      Decoded priv = decode_private_tests(row.value("private_test_cases", "[]"));
      if (!priv.ok || !priv.value.is_array())
        throw DataError(where + ": private_test_cases cannot be decoded (" + priv.error + "); " +
                        kHow);
      row["private_tests"] = std::move(priv.value);
      // lcb_runner grades call-based exactly when metadata names a func_name.
      nlohmann::json meta = nlohmann::json::parse(row.value("metadata", "{}"), nullptr, false);
      if (meta.is_object() && meta.contains("func_name") && meta["func_name"].is_string())
        row["func_name"] = meta["func_name"];
    }
    row.erase("private_test_cases");
    if (row.contains("contest_date") && row["contest_date"].is_string())
      row["contest_date"] = row["contest_date"].get<std::string>().substr(0, 10);
    p.doc = std::move(row);
    ds.problems.push_back(std::move(p));
  }
};

}  // namespace

const std::vector<std::string>& data_files() {
  static const std::vector<std::string> files{"test.jsonl",  "test2.jsonl", "test3.jsonl",
                                              "test4.jsonl", "test5.jsonl", "test6.jsonl"};
  return files;
}

std::unique_ptr<Bench> make_livecodebench_bench() { return std::make_unique<LiveCodeBench>(); }

}  // namespace harness::benches::livecodebench
