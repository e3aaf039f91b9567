// End-to-end MATH-500 verdicts against math-verify itself:
//  * tests/fixtures/math500/pairs.jsonl: gold/pred texts with the oracle's `equal`
//    (README.md there says how the oracle was run);
//  * the 500 gold solutions of the shared dataset: each parses to a value and verifies
//    equal to itself and to "$\boxed{" + answer + "}$" (the oracle fails on none).
// A pair we disagree on must be listed in kKnownDisagreements with the reason.
#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "bench_test_util.h"
#include "benches/math500/math500.h"

namespace m5 = harness::benches::math500;

namespace {

// id → why our verdict differs from math-verify's (empty: none known).
const std::map<std::string, std::string> kKnownDisagreements = {
};

std::string describe(const m5::ParsedAnswer& a) {
  return a.value ? m5::describe_value(*a.value) : std::string("<none>");
}

}  // namespace

TEST(Math500Pairs, AgreesWithMathVerify) {
  auto rows = bench_test::read_jsonl_fixture("math500/pairs.jsonl");
  ASSERT_GE(rows.size(), 250u);
  int agree = 0, known = 0;
  for (const auto& row : rows) {
    std::string id = row["id"];
    m5::ParsedAnswer g = m5::parse_answer(row["gold"].get<std::string>());
    m5::ParsedAnswer p = m5::parse_answer(row["pred"].get<std::string>());
    bool ours = m5::verify_answers(g, p) == m5::VerifyOutcome::Equal;
    bool theirs = row["equal"].get<bool>();
    if (ours == theirs) {
      ++agree;
      EXPECT_EQ(kKnownDisagreements.count(id), 0u) << id << " agrees now: drop it from the table";
      continue;
    }
    if (kKnownDisagreements.count(id)) {
      ++known;
      continue;
    }
    ADD_FAILURE() << id << " (" << row["why"].get<std::string>() << "): ours " << ours
                  << ", math-verify " << theirs << "\n  gold " << describe(g) << " ["
                  << g.first_match << "] vs oracle " << row["gold_parsed"].dump() << "\n  pred "
                  << describe(p) << " [" << p.first_match << "] vs oracle "
                  << row["pred_parsed"].dump();
  }
  std::cout << "math500 pairs: " << agree << "/" << rows.size() << " agree, " << known
            << " known disagreements\n";
}

// 77 short answers in MATH-500's styles, every ordered pair (5,929), labelled by the same
// oracle (make_differential_short.py): a dense check of the cross-style verdicts.
TEST(Math500Pairs, AgreesWithMathVerifyOnEveryPairOfShortAnswers) {
  auto rows = bench_test::read_jsonl_fixture("math500/differential_short.jsonl");
  ASSERT_EQ(rows.size(), 77u * 77u);
  int agree = 0, equal = 0;
  for (const auto& row : rows) {
    m5::ParsedAnswer g = m5::parse_answer(row["gold"].get<std::string>());
    m5::ParsedAnswer p = m5::parse_answer(row["pred"].get<std::string>());
    bool ours = m5::verify_answers(g, p) == m5::VerifyOutcome::Equal;
    bool theirs = row["equal"].get<bool>();
    equal += theirs;
    if (ours == theirs) {
      ++agree;
      continue;
    }
    ADD_FAILURE() << row["gold"].get<std::string>() << " vs " << row["pred"].get<std::string>() << ": ours "
                  << ours << ", math-verify " << theirs << " (oracle parsed " << row["gp"].dump() << " / "
                  << row["pp"].dump() << "; ours " << describe(g) << " / " << describe(p) << ")";
  }
  EXPECT_GT(equal, 77);  // the diagonal plus the cross-style equalities
  std::cout << "math500 short-answer pairs: " << agree << "/" << rows.size() << " agree\n";
}

TEST(Math500Gold, AllSolutionsParseAndEqualThemselves) {
  std::string dir = bench_test::shared_datasets_with("math500/test.jsonl");
  if (dir.empty()) GTEST_SKIP() << "shared datasets not found at " << HARNESS_SHARED_DATASETS;
  std::ifstream in(dir + "/math500/test.jsonl");
  std::string line;
  int index = 0;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto row = nlohmann::json::parse(line);
    std::string solution = row["solution"], answer = row["answer"];
    m5::ParsedAnswer g = m5::parse_answer(solution);
    EXPECT_TRUE(g.value) << "row " << index << " gold does not parse: " << g.first_match;
    EXPECT_EQ(m5::verify_answers(g, g), m5::VerifyOutcome::Equal) << "row " << index;
    m5::ParsedAnswer a = m5::parse_answer("The final answer is $\\boxed{" + answer + "}$");
    EXPECT_EQ(m5::verify_answers(g, a), m5::VerifyOutcome::Equal)
        << "row " << index << ": " << describe(g) << " vs " << describe(a) << " [" << answer << "]";
    ++index;
  }
  EXPECT_EQ(index, 500);
}
