// The "humaneval" and "humanevalplus" benches: dataset loading, the prompt, and the
// pass@1 verdict of one response (benches.md §7). Both share every rule; only the data
// file differs (HE+ tests import numpy, which the driver preloads).
#include <cmath>
#include <string>

#include "benches/bench.h"
#include "benches/common/jsonl.h"
#include "benches/common/sha256.h"
#include "benches/humaneval/humaneval.h"

namespace harness::benches {

namespace humaneval {
namespace {

struct Variant {
  const char* name;
  const char* scorer_version;
  const char* relative_path;  // inside the data dir (layout of shared/datasets)
};

constexpr Variant kHumanEval{"humaneval", "humaneval/1", "humaneval/HumanEval.jsonl.gz"};
constexpr Variant kHumanEvalPlus{"humanevalplus", "humanevalplus/1",
                                 "humanevalplus/HumanEvalPlus-OriginFmt-v0.1.10.jsonl.gz"};

const std::string& string_field(const nlohmann::json& row, const char* key,
                                const std::string& where) {
  auto it = row.find(key);
  if (it == row.end() || !it->is_string())
    throw DataError(where + " has no string field \"" + key +
                    "\"; the file is not a HumanEval dataset, fetch it again with "
                    "`harness data pull`");
  return it->get_ref<const std::string&>();
}

// The template's `sandbox` section: `timeout_s` (reference seconds, default 3.0),
// `speed_factor` (pin the factor instead of calibrating, e.g. to compare machines), and the
// limits of one sandboxed run: wall_seconds, cpu_seconds, memory_mb, processes. The keys
// this bench cannot honour (compile_*, output_bytes) are refused by the template schema.
TimePolicy time_policy(const BenchContext& ctx) {
  TimePolicy policy;
  auto number = [&](const char* key, double fallback) {
    auto it = ctx.sandbox.find(key);
    return it != ctx.sandbox.end() && it->is_number() ? it->get<double>() : fallback;
  };
  policy.timeout_s = number("timeout_s", policy.timeout_s);
  policy.speed_factor = number("speed_factor", policy.speed_factor);
  policy.sandbox.wall_seconds = number("wall_seconds", 0);
  policy.sandbox.cpu_seconds = number("cpu_seconds", 0);
  policy.sandbox.memory_bytes = static_cast<uint64_t>(number("memory_mb", 0)) << 20;
  policy.sandbox.processes = static_cast<int>(number("processes", 0));
  return policy;
}

double round_ms(double seconds) { return std::round(seconds * 1000.0) / 1000.0; }

class HumanEvalBench : public Bench {
 public:
  explicit HumanEvalBench(Variant v) : v_(v) {}
  std::string name() const override { return v_.name; }
  std::string scorer_version() const override { return v_.scorer_version; }
  std::string headline_metric() const override { return "pass@1,extract_chat"; }

  Dataset load(const BenchContext& ctx) const override {
    Dataset ds;
    std::string path = data_path(ctx.data_dir, v_.relative_path, v_.name);
    std::string how = std::string("run `harness data pull ") + v_.name + "`";
    std::vector<nlohmann::json> rows = parse_jsonl(read_data_file(path, how), path);
    // The hash of the file as stored (for .gz the compressed bytes), which is what
    // PROVENANCE.md lists.
    ds.checksum = sha256_file_hex(path);
    ds.files.push_back(path);
    for (size_t i = 0; i < rows.size(); ++i) {
      std::string where = path + " row " + std::to_string(i + 1);
      Problem p;
      p.index = static_cast<int>(i);
      p.doc_id = string_field(rows[i], "task_id", where);
      string_field(rows[i], "entry_point", where);
      string_field(rows[i], "test", where);
      p.messages.push_back({"user", build_user_message(string_field(rows[i], "prompt", where))});
      p.doc = std::move(rows[i]);
      ds.problems.push_back(std::move(p));
    }
    if (ds.problems.empty())
      throw DataError(path + " has no rows; fetch it again with `harness data pull " +
                      std::string(v_.name) + "`");
    return ds;
  }

  Verdict score(const Problem& problem, const std::string& response,
                const BenchContext& ctx) const override {
    CheckResult r = check_response(problem.doc, response, time_policy(ctx));
    Verdict v;
    v.score = r.passed() ? 1.0 : 0.0;
    v.metrics["pass@1,extract_chat"] = v.score;
    v.extracted = r.extraction.candidate;
    v.details = {
        {"status", r.status},
        {"reason", r.reason},
        {"extraction_source", r.extraction.source},
        {"blocks", r.extraction.block_results.size()},
        {"cpu_s", round_ms(r.cpu_seconds)},
        {"wall_s", round_ms(r.wall_seconds)},
        {"blocked_s", round_ms(r.blocked_seconds)},
        {"cpu_budget_s", round_ms(r.cpu_budget_seconds)},
        {"used_s", round_ms(r.used_seconds)},
        {"limit_s", round_ms(r.limit_seconds)},
        {"speed_factor", round_ms(r.speed_factor)},
        {"sandbox", r.sandbox},
    };
    if (r.canonical_need_seconds > 0) v.details["canonical_need_s"] = round_ms(r.canonical_need_seconds);
    if (!r.extraction.notes.empty()) v.details["extraction_notes"] = r.extraction.notes;
    if (!r.preload_missing.empty()) v.details["preload_missing"] = r.preload_missing;
    if (!machine_speed().error.empty() && ctx.sandbox.find("speed_factor") == ctx.sandbox.end())
      v.details["speed_calibration_error"] = machine_speed().error;
    return v;
  }

 private:
  Variant v_;
};

}  // namespace

std::unique_ptr<Bench> make_humaneval_bench() { return std::make_unique<HumanEvalBench>(kHumanEval); }
std::unique_ptr<Bench> make_humanevalplus_bench() {
  return std::make_unique<HumanEvalBench>(kHumanEvalPlus);
}

}  // namespace humaneval

}  // namespace harness::benches
