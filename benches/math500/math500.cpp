#include "benches/math500/math500.h"

#include <sstream>

#include "benches/common/jsonl.h"
#include "benches/common/unicode.h"
#include "benches/math500/math_value.h"

namespace harness::benches::math500 {

namespace {

constexpr const char* kFile = "math500/test.jsonl";

// math-verify's 5 s timeouts, for parsing and for the comparison.
constexpr std::chrono::milliseconds kBudget(5000);

const char* verdict_name(VerifyOutcome v) {
  switch (v) {
    case VerifyOutcome::Equal: return "equal";
    case VerifyOutcome::NotEqual: return "not_equal";
    default: return "timeout";
  }
}

class Math500Bench : public Bench {
 public:
  std::string name() const override { return "math500"; }
  std::string scorer_version() const override { return "math500/1"; }
  std::string headline_metric() const override { return "math_verify,none"; }

  Dataset load(const BenchContext& ctx) const override {
    Dataset ds;
    std::vector<nlohmann::json> rows = load_jsonl_dataset(ctx.data_dir, kFile, "math500", ds);
    const std::string& path = ds.files.back();
    for (size_t i = 0; i < rows.size(); ++i) {
      const auto& row = rows[i];
      if (!row.contains("problem") || !row["problem"].is_string() || !row.contains("solution") ||
          !row["solution"].is_string())
        throw DataError(path + " row " + std::to_string(i) +
                        " lacks problem or solution; fetch it again with `harness data pull math500`");
      Problem p;
      p.index = static_cast<int>(i);
      p.doc_id = row.contains("unique_id") && row["unique_id"].is_string()
                     ? row["unique_id"].get<std::string>()
                     : std::to_string(i);
      p.messages.push_back({"user", build_prompt(row["problem"].get<std::string>())});
      p.doc = row;
      ds.problems.push_back(std::move(p));
    }
    return ds;
  }

  Verdict score(const Problem& problem, const std::string& response,
                const BenchContext&) const override {
    ParsedAnswer gold = parse_answer(problem.doc.at("solution").get<std::string>(), kBudget);
    ParsedAnswer pred = parse_answer(py::to_valid_utf8(response), kBudget);
    VerifyOutcome outcome = verify_answers(gold, pred, kBudget);
    Verdict v;
    v.score = outcome == VerifyOutcome::Equal ? 1.0 : 0.0;
    v.extracted = pred.first_match;
    v.metrics = {{"math_verify,none", v.score}};
    v.details = {{"gold", gold.first_match},
                 {"gold_value", gold.value ? describe_value(*gold.value) : ""},
                 {"pred_value", pred.value ? describe_value(*pred.value) : ""},
                 {"verdict", verdict_name(outcome)}};
    if (outcome == VerifyOutcome::Timeout || gold.timed_out || pred.timed_out)
      v.details["timeout"] = true;
    return v;
  }
};

void describe(std::ostream& os, const MathValue& v) {
  using K = MathValue::Kind;
  auto list = [&](const char* open, const char* close) {
    os << open;
    for (size_t i = 0; i < v.items.size(); ++i) {
      if (i) os << ", ";
      describe(os, *v.items[i]);
    }
    os << close;
  };
  switch (v.kind) {
    case K::Expr: os << v.expr; if (v.is_percent) os << " (percent)"; break;
    case K::Relation: {
      static const char* ops[] = {"=", "!=", "<", "<=", ">", ">="};
      describe(os, *v.items[0]);
      os << " " << ops[static_cast<int>(v.op)] << " ";
      describe(os, *v.items[1]);
      break;
    }
    case K::And: list("And(", ")"); break;
    case K::Set: list("{", "}"); break;
    case K::Tuple: list("(", ")"); break;
    case K::Interval: list(v.left_open ? "Interval(" : "Interval[", v.right_open ? ")" : "]"); break;
    case K::Union: list("Union(", ")"); break;
    case K::Matrix: list("Matrix[", "]"); break;
    case K::EmptySet: os << "EmptySet"; break;
    case K::Opaque: os << "unevaluated(" << v.text << ")"; break;
  }
}

}  // namespace

std::string describe_value(const MathValue& value) {
  auto lock = algebra_lock();
  std::ostringstream os;
  describe(os, value);
  return os.str();
}

std::string build_prompt(const std::string& problem) {
  return "Problem:\n" + problem + "\n\nSolution:";
}

std::unique_ptr<Bench> make_bench() { return std::make_unique<Math500Bench>(); }

}  // namespace harness::benches::math500
