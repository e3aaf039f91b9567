// Keeps the agreement measured by scripts/reference/run.sh without the reference virtualenv:
// each bench's committed sample (tests/fixtures/reference/BENCH.jsonl, written by
// scripts/reference/compare.py) holds responses with the verdicts of the real reference
// packages; the harness scorer must give the same verdict, or, for a case whose divergence is
// documented in the bench's DIVERGENCES.md, the harness verdict recorded with that class.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "benches/bench.h"
#include "benches/bench_test_util.h"
#include "benches/ifeval/punkt.h"

namespace {

using harness::benches::Bench;
using harness::benches::Problem;
using nlohmann::json;

// The harness value of one lm-eval style metric, in the fixture's shape.
json harness_value(const std::string& bench, const harness::benches::Verdict& v, const std::string& metric) {
  if (bench == "ifeval" && metric.rfind("inst_level_", 0) == 0) {
    const bool strict = metric.rfind("inst_level_strict", 0) == 0;
    json out = json::array();
    for (const auto& ins : v.details.value("instructions", json::array())) out.push_back(ins.at(strict ? "strict" : "loose"));
    return out;
  }
  if (!v.metrics.contains(metric)) return nullptr;
  return json(v.metrics.at(metric).get<double>());
}

void check_bench(const std::string& bench, const std::string& data_file) {
  std::string data = bench_test::shared_datasets_with(data_file);
  if (data.empty()) GTEST_SKIP() << data_file << " absent from " << HARNESS_SHARED_DATASETS;
  auto rows = bench_test::read_jsonl_fixture("reference/" + bench + ".jsonl");
  ASSERT_FALSE(rows.empty()) << "tests/fixtures/reference/" << bench << ".jsonl is missing or empty";
  auto scorer = harness::benches::make_bench(bench);
  if (!scorer) GTEST_SKIP() << bench << " is left out of this build (HARNESS_BENCH_EXCLUDE)";
  harness::benches::BenchContext ctx;
  ctx.data_dir = data;
  auto ds = scorer->load(ctx);
  std::map<std::string, const Problem*> by_id;
  for (const auto& p : ds.problems) by_id[p.doc_id] = &p;
  int checked = 0, documented = 0;
  for (const auto& row : rows) {
    const std::string doc_id = row.at("doc_id");
    auto it = by_id.find(doc_id);
    ASSERT_NE(it, by_id.end()) << bench << " case " << row.at("case") << ": doc " << doc_id;
    auto verdict = scorer->score(*it->second, row.at("response").get<std::string>(), ctx);
    for (const auto& [metric, ref] : row.at("reference").items()) {
      json want = ref;
      if (row.contains("divergence") && row.at("harness").contains(metric)) {
        want = row.at("harness").at(metric);
        ++documented;
      }
      EXPECT_EQ(harness_value(bench, verdict, metric), want)
          << bench << " case " << row.at("case") << " doc " << doc_id << " metric " << metric
          << (row.contains("divergence") ? " (documented: " + row.at("divergence").get<std::string>() + ")" : "")
          << "\nresponse: " << row.at("response").get<std::string>().substr(0, 400);
    }
    ++checked;
  }
  ::testing::Test::RecordProperty("cases", checked);
  ::testing::Test::RecordProperty("documented_metrics", documented);
}

TEST(ReferenceAgreement, Gsm8k) { check_bench("gsm8k", "gsm8k/test.jsonl"); }
TEST(ReferenceAgreement, ArcChallenge) { check_bench("arc_challenge", "arc_challenge/ARC-Challenge-test.jsonl"); }
TEST(ReferenceAgreement, GpqaDiamond) { check_bench("gpqa_diamond", "gpqa_diamond/dataset.zip"); }
TEST(ReferenceAgreement, Aime2024) { check_bench("aime2024", "aime2024/aime_2024.jsonl"); }
TEST(ReferenceAgreement, Math500) { check_bench("math500", "math500/test.jsonl"); }
TEST(ReferenceAgreement, Ifeval) { check_bench("ifeval", "ifeval/input_data.jsonl"); }
TEST(ReferenceAgreement, HumanEval) { check_bench("humaneval", "humaneval/HumanEval.jsonl.gz"); }
TEST(ReferenceAgreement, HumanEvalPlus) {
  check_bench("humanevalplus", "humanevalplus/HumanEvalPlus-OriginFmt-v0.1.10.jsonl.gz");
}

// Item 4 of issue #15: the Punkt port against NLTK 3.10's punkt_tab sent_tokenize (the NLTK
// that lm-eval 0.4.x's IFEval uses), on a sample of the adversarial corpus.
TEST(ReferenceAgreement, PunktTabSentences) {
  std::string data = bench_test::shared_datasets_with("punkt_english/abbrev_types.txt");
  if (data.empty()) GTEST_SKIP() << "Punkt parameters absent from " << HARNESS_SHARED_DATASETS;
  auto punkt = harness::benches::ifeval::english_punkt(data);
  auto rows = bench_test::read_jsonl_fixture("reference/punkt.jsonl");
  ASSERT_FALSE(rows.empty());
  for (const auto& row : rows) {
    const std::string text = row.at("text");
    std::vector<std::string> want = row.at("sentences");
    if (row.contains("divergence")) want = row.at("harness").get<std::vector<std::string>>();
    EXPECT_EQ(punkt->tokenize(text), want) << "text: " << text.substr(0, 400);
  }
}

}  // namespace
