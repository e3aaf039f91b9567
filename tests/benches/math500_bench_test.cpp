// The MATH-500 Bench: prompt, loader, Verdict fields, time limits and scoring from many
// threads at once (the harness does; GiNaC itself is not thread-safe).
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "bench_test_util.h"
#include "benches/math500/math500.h"

namespace hb = harness::benches;
namespace m5 = harness::benches::math500;

namespace {
hb::Problem problem_with_solution(const std::string& solution) {
  hb::Problem p;
  p.doc = {{"problem", "What is 6 times 7?"}, {"solution", solution}, {"answer", "42"}};
  return p;
}
}  // namespace

TEST(Math500Bench, PromptIsZeroShotProblemSolution) {
  EXPECT_EQ(m5::build_prompt("Find x."), "Problem:\nFind x.\n\nSolution:");
  auto bench = m5::make_bench();
  EXPECT_EQ(bench->name(), "math500");
  EXPECT_EQ(bench->headline_metric(), "math_verify,none");
}

TEST(Math500Bench, ScoreFillsVerdict) {
  auto bench = m5::make_bench();
  hb::Problem p = problem_with_solution("Multiplying, we get $6 \\cdot 7 = \\boxed{42}$.");
  hb::Verdict right = bench->score(p, "The product is $\\boxed{42}$.", {});
  EXPECT_EQ(right.score, 1.0);
  EXPECT_EQ(right.metrics["math_verify,none"].get<double>(), 1.0);
  EXPECT_EQ(right.extracted, "42");
  EXPECT_EQ(right.details["gold"].get<std::string>(), "42");
  EXPECT_EQ(right.details["verdict"].get<std::string>(), "equal");
  EXPECT_FALSE(right.details.contains("timeout"));

  hb::Verdict wrong = bench->score(p, "So the answer is $\\boxed{\\frac{85}{2}}$.", {});
  EXPECT_EQ(wrong.score, 0.0);
  EXPECT_EQ(wrong.details["pred_value"].get<std::string>(), "85/2");

  hb::Verdict empty = bench->score(p, "", {});
  EXPECT_EQ(empty.score, 0.0);
  EXPECT_EQ(empty.extracted, "");
}

// Found by scripts/reference/run.sh math500 (issue #15), verdicts of math-verify 0.8.0:
// \text{350} parses to Symbol('350'), and sympy_compare_symbols ends with
// str(gold) == str(pred), so it equals the Integer 350 (and \text{9/256} equals 9/256).
TEST(Math500Bench, TextWrappedNumberEqualsThePrintedNumber) {
  auto bench = m5::make_bench();
  hb::Problem p = problem_with_solution("So $\\boxed{350}$.");
  EXPECT_EQ(bench->score(p, "\\boxed{\\text{350}}", {}).score, 1.0);
  EXPECT_EQ(bench->score(p, "\\boxed{\\text{3 5 0}}", {}).score, 1.0);
  EXPECT_EQ(bench->score(p, "\\boxed{\\text{351}}", {}).score, 0.0);
  EXPECT_EQ(bench->score(p, "\\boxed{\\text{350.0}}", {}).score, 0.0);
  EXPECT_EQ(bench->score(p, "\\boxed{\\text{1,000}}", {}).score, 0.0);
  hb::Problem q = problem_with_solution("So $\\boxed{\\frac{9}{256}}$.");
  EXPECT_EQ(bench->score(q, "\\boxed{\\text{9/256}}", {}).score, 1.0);
  hb::Problem r = problem_with_solution("So $\\boxed{-256}$.");
  EXPECT_EQ(bench->score(r, "\\boxed{\\text{-256}}", {}).score, 1.0);
}

// Found by scripts/reference/run.sh math500: a number with a non-ASCII digit (Python's \d
// takes "３") reaches SymPy's Number(), whose error ends parse() with []; the "3" of
// "Step 3" further left is never tried.
TEST(Math500Bench, NonAsciiDigitNumberEndsTheParse) {
  auto bench = m5::make_bench();
  hb::Problem p = problem_with_solution("So $\\boxed{3}$.");
  EXPECT_EQ(bench->score(p, "Step 3: answer.\n\\[ ３ \\]", {}).score, 0.0);
  EXPECT_EQ(bench->score(p, "We have 3 apples. $３$", {}).score, 0.0);
  EXPECT_EQ(bench->score(p, "We have 3 apples. $3$", {}).score, 1.0);
}

TEST(Math500Bench, PathologicalAnswerEndsQuicklyAsTimeout) {
  auto bench = m5::make_bench();
  hb::Problem p = problem_with_solution("The answer is $\\boxed{65536}$.");
  auto start = std::chrono::steady_clock::now();
  hb::Verdict v = bench->score(p, "Thus $\\boxed{2^{2^{2^{2^{2^{2}}}}}}$", {});
  EXPECT_EQ(v.score, 0.0);
  EXPECT_EQ(v.details["verdict"].get<std::string>(), "timeout");
  EXPECT_TRUE(v.details.value("timeout", false));
  hb::Verdict poly = bench->score(p, "Thus $\\boxed{(x+1)^{100000}}$", {});
  EXPECT_EQ(poly.score, 0.0);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(Math500Bench, ParseBudgetGivesTimeout) {
  std::string long_text;
  for (int i = 0; i < 2000; ++i) long_text += "$x_{" + std::to_string(i) + "} = " + std::to_string(i) + "$ ";
  m5::ParsedAnswer a = m5::parse_answer(long_text, std::chrono::milliseconds(0));
  EXPECT_TRUE(a.timed_out);
  EXPECT_FALSE(a.value);
  EXPECT_EQ(a.first_match, "");  // parse() returns [] on its timeout
}

TEST(Math500Bench, ScoresFromManyThreads) {
  auto bench = m5::make_bench();
  auto rows = bench_test::read_jsonl_fixture("math500/pairs.jsonl");
  ASSERT_FALSE(rows.empty());
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (size_t i = t; i < rows.size(); i += 4) {
        hb::Problem p = problem_with_solution(rows[i]["gold"]);
        hb::Verdict v = bench->score(p, rows[i]["pred"], {});
        if ((v.score == 1.0) != rows[i]["equal"].get<bool>()) ++mismatches[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int m : mismatches) EXPECT_EQ(m, 0);
}

TEST(Math500Bench, LoadsTheSharedDataset) {
  std::string dir = bench_test::shared_datasets_with("math500/test.jsonl");
  if (dir.empty()) GTEST_SKIP() << "shared datasets not found at " << HARNESS_SHARED_DATASETS;
  hb::BenchContext ctx;
  ctx.data_dir = dir;
  hb::Dataset ds = m5::make_bench()->load(ctx);
  ASSERT_EQ(ds.problems.size(), 500u);
  EXPECT_EQ(ds.problems[0].doc_id, "test/precalculus/807.json");
  EXPECT_EQ(ds.problems[0].messages.size(), 1u);
  EXPECT_EQ(ds.problems[0].messages[0].content.rfind("Problem:\n", 0), 0u);
  EXPECT_FALSE(ds.checksum.empty());
}

TEST(Math500Bench, MissingDataNamesTheFix) {
  hb::BenchContext ctx;
  ctx.data_dir = "/nonexistent";
  try {
    m5::make_bench()->load(ctx);
    FAIL() << "expected DataError";
  } catch (const hb::DataError& e) {
    EXPECT_NE(std::string(e.what()).find("math500"), std::string::npos) << e.what();
  }
}
