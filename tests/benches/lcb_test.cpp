// LiveCodeBench loading and text handling on fixtures in the upstream
// code_generation_lite format (tests/fixtures/livecodebench/): file order, the structural
// filter, doc ids, the prompt, private-test decoding (base64 → zlib → pickled str), the
// date/difficulty filter and clean_lcb_completion.
#include <gtest/gtest.h>

#include "bench_test_util.h"
#include "benches/livecodebench/livecodebench.h"

namespace lcb = harness::benches::livecodebench;
using harness::benches::BenchContext;
using harness::benches::DataError;

namespace {
std::string b64decode_for_test(const std::string& in) {
  // Small standard-alphabet decoder for the fixture's raw pickles.
  static const std::string abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int val = 0, bits = -8;
  for (char c : in) {
    size_t v = abc.find(c);
    if (v == std::string::npos) break;
    val = (val << 6) + static_cast<int>(v);
    bits += 6;
    if (bits >= 0) {
      out.push_back(static_cast<char>((val >> bits) & 0xFF));
      bits -= 8;
    }
  }
  return out;
}

BenchContext fixture_context() {
  BenchContext ctx;
  ctx.data_dir = bench_test::fixture_path("livecodebench");
  ctx.scoring = {{"mode", "omk"}};
  return ctx;
}
}  // namespace

TEST(LcbPickle, OnlyAPickledStrIsAccepted) {
  auto rows = bench_test::read_jsonl_fixture("livecodebench/pickle_cases.jsonl");
  ASSERT_GE(rows.size(), 10u);
  for (const auto& row : rows) {
    SCOPED_TRACE(row["case"].get<std::string>());
    std::string error;
    auto value = lcb::unpickle_str(b64decode_for_test(row["b64"]), &error);
    EXPECT_EQ(value.has_value(), row["ok"].get<bool>()) << error;
    if (value) {
      EXPECT_EQ(*value, row["value"].get<std::string>());
    } else {
      EXPECT_FALSE(error.empty());
    }
  }
}

TEST(LcbPickle, ProtocolZeroNamesTheOpcode) {
  std::string error;
  EXPECT_FALSE(lcb::unpickle_str("Vabc\np0\n.", &error));
  EXPECT_NE(error.find("0x56"), std::string::npos) << error;
}

TEST(LcbPrivateTests, JsonOrCompressedPickle) {
  auto plain = lcb::decode_private_tests(R"([{"input": "1", "output": "2"}])");
  ASSERT_TRUE(plain.ok);
  EXPECT_EQ(plain.value[0]["output"], "2");
  // Every private field of the fixtures decodes to a JSON list.
  for (const char* file :
       {"livecodebench/livecodebench/test.jsonl", "livecodebench/livecodebench/test2.jsonl"}) {
    for (const auto& row : bench_test::read_jsonl_fixture(file)) {
      auto d = lcb::decode_private_tests(row["private_test_cases"].get<std::string>());
      ASSERT_TRUE(d.ok) << row["question_id"] << ": " << d.error;
      EXPECT_TRUE(d.value.is_array());
    }
  }
  auto first = bench_test::read_jsonl_fixture("livecodebench/livecodebench/test.jsonl")[0];
  auto d = lcb::decode_private_tests(first["private_test_cases"].get<std::string>());
  EXPECT_EQ(d.value,
            nlohmann::json::parse(R"([{"input":"10\n20","output":"30","testtype":"functional"}])"));
  EXPECT_FALSE(lcb::decode_private_tests("not base64 !!").ok);
  EXPECT_FALSE(lcb::decode_private_tests("aGVsbG8=").ok);  // base64 of "hello": not zlib
}

TEST(LcbLoad, FilesInOrderFunctionalOnly) {
  auto bench = lcb::make_livecodebench_bench();
  EXPECT_EQ(bench->headline_metric(), "pass_at_1");
  EXPECT_EQ(bench->text_rule(), harness::benches::TextRule::LcbConcat);
  auto ds = bench->load(fixture_context());
  std::vector<std::string> ids;
  for (const auto& p : ds.problems) ids.push_back(p.doc_id);
  // 9004 (stdin) and 9006 (no self) fail the structural filter, and so do the atcoder
  // stdin rows of test3.jsonl; test2.jsonl and test3.jsonl follow in that order.
  EXPECT_EQ(ids, (std::vector<std::string>{"lcb/leetcode/9001", "lcb/leetcode/9002",
                                           "lcb/leetcode/9003", "lcb/leetcode/9005",
                                           "lcb/leetcode/9010", "lcb/leetcode/9011",
                                           "lcb/leetcode/9020", "lcb/leetcode/9021"}));
  for (size_t i = 0; i < ds.problems.size(); ++i) EXPECT_EQ(ds.problems[i].index, int(i));
  EXPECT_EQ(ds.files.size(), 3u);
  EXPECT_EQ(ds.checksum.size(), 64u);
  const auto& p = ds.problems[0];
  EXPECT_EQ(p.doc["method_name"], "addTwo");
  EXPECT_EQ(p.doc["testtype"], "functional");
  EXPECT_EQ(p.doc["contest_date"], "2024-11-02");
  EXPECT_FALSE(p.doc.contains("private_test_cases"));
  ASSERT_EQ(p.doc["public_tests"].size(), 2u);
  ASSERT_EQ(p.messages.size(), 1u);
  EXPECT_EQ(
      p.messages[0].content,
      "Solve the following Python coding problem. Respond with ONLY the completed "
      "Solution class in a Python markdown block, no explanations.\n\nReturn a + b.\n\n"
      "```python\nclass Solution:\n    def addTwo(self, a: int, b: int) -> int:\n        \n```");
}

TEST(LcbLoad, MissingDataAndUnknownModeAreClearErrors) {
  auto bench = lcb::make_livecodebench_bench();
  BenchContext ctx = fixture_context();
  ctx.data_dir = "/nonexistent";
  EXPECT_THROW(bench->load(ctx), DataError);
  ctx = fixture_context();
  ctx.scoring["mode"] = "strict";
  try {
    bench->load(ctx);
    FAIL() << "an unknown mode should be refused";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("strict"), std::string::npos);
  }
}

TEST(LcbLoad, OfficialModeKeepsDecodedPrivateTestsAndFuncName) {
  BenchContext ctx = fixture_context();
  ctx.scoring["mode"] = "official";
  auto ds = lcb::make_livecodebench_bench()->load(ctx);
  std::vector<std::string> ids;
  for (const auto& p : ds.problems) ids.push_back(p.doc_id);
  // The stdin problems join (9004, the atcoder rows); 9006 (no self) still does not.
  EXPECT_EQ(ids, (std::vector<std::string>{
                     "lcb/leetcode/9001", "lcb/leetcode/9002", "lcb/leetcode/9003",
                     "lcb/atcoder/9004", "lcb/leetcode/9005", "lcb/leetcode/9010",
                     "lcb/leetcode/9011", "lcb/atcoder/abc900_a", "lcb/atcoder/abc900_b",
                     "lcb/atcoder/abc900_c", "lcb/leetcode/9020", "lcb/leetcode/9021"}));
  const auto& doc = ds.problems[0].doc;
  EXPECT_EQ(doc["func_name"], "addTwo");
  EXPECT_EQ(doc["private_tests"],
            nlohmann::json::parse(R"([{"input":"10\n20","output":"30","testtype":"functional"}])"));
  EXPECT_FALSE(doc.contains("private_test_cases"));

  const auto& stdin_problem = ds.problems[8];  // abc900_b: pickled private tests of stdin type
  EXPECT_EQ(stdin_problem.doc["testtype"], "stdin");
  EXPECT_FALSE(stdin_problem.doc.contains("func_name"));
  EXPECT_FALSE(stdin_problem.doc.contains("method_name"));
  EXPECT_EQ(stdin_problem.doc["private_tests"],
            nlohmann::json::parse(R"([{"input":"2\n1 2\n","output":"2\n1.50\n1 2\n","testtype":"stdin"}])"));
  ASSERT_EQ(stdin_problem.messages.size(), 1u);
  EXPECT_EQ(stdin_problem.messages[0].content.find("Solve the following Python coding problem. "
                                                   "Respond with ONLY a complete Python program"),
            0u);
  EXPECT_EQ(stdin_problem.messages[0].content.find("```"), std::string::npos);
}

TEST(LcbExtract, OfficialNeedsTwoFenceLines) {
  EXPECT_EQ(lcb::extract_code_official("```python\nx = 1\n```"), "x = 1");
  EXPECT_EQ(lcb::extract_code_official("```python\nx = 1\n"), "");
  EXPECT_EQ(lcb::extract_code_official("x = 1"), "");
}

TEST(LcbFilter, DifficultyAndDates) {
  auto ds = lcb::make_livecodebench_bench()->load(fixture_context());
  std::vector<std::string> kept;
  for (const auto& p : ds.problems)
    if (lcb::passes_filter(p.doc, "medium", "2024-10-01", "")) kept.push_back(p.doc_id);
  // 9002 is easy, 9005 predates the bound, 9011 and 9021 are hard.
  EXPECT_EQ(kept, (std::vector<std::string>{"lcb/leetcode/9001", "lcb/leetcode/9003",
                                            "lcb/leetcode/9010", "lcb/leetcode/9020"}));
  EXPECT_TRUE(
      lcb::passes_filter({{"difficulty", "hard"}, {"contest_date", ""}}, "hard", "2030-01-01", ""));
  EXPECT_FALSE(lcb::passes_filter({{"contest_date", "2025-02-01"}}, "", "", "2025-01-31"));
}

// selection.filter as the planner applies it: §8's form for lcb_medium_55 and the
// testtype key, on the official mode's dataset (stdin problems loaded too).
TEST(LcbFilter, SelectionFilterTable) {
  BenchContext ctx = fixture_context();
  ctx.scoring["mode"] = "official";
  auto official = lcb::make_livecodebench_bench()->load(ctx);
  auto omk = lcb::make_livecodebench_bench()->load(fixture_context());
  struct Case {
    const char* filter;
    bool official;
    std::vector<std::string> ids;
  };
  const std::vector<Case> cases = {
      {R"({"difficulty": "medium", "min_date": "2024-10-01"})", false,
       {"lcb/leetcode/9001", "lcb/leetcode/9003", "lcb/leetcode/9010", "lcb/leetcode/9020"}},
      // testtype defaults to functional: the same four in official mode.
      {R"({"difficulty": "medium", "min_date": "2024-10-01"})", true,
       {"lcb/leetcode/9001", "lcb/leetcode/9003", "lcb/leetcode/9010", "lcb/leetcode/9020"}},
      {R"({"difficulty": "medium", "min_date": "2024-10-01", "max_date": "2025-01-31"})", false,
       {"lcb/leetcode/9001", "lcb/leetcode/9003", "lcb/leetcode/9010"}},
      {R"({"testtype": "stdin"})", true,
       {"lcb/atcoder/9004", "lcb/atcoder/abc900_a", "lcb/atcoder/abc900_b",
        "lcb/atcoder/abc900_c"}},
      // abc900_c has no contest_date: it passes any date bound.
      {R"({"testtype": "stdin", "min_date": "2025-01-01"})", true,
       {"lcb/atcoder/abc900_b", "lcb/atcoder/abc900_c"}},
      {R"({"testtype": "any", "difficulty": "hard"})", true,
       {"lcb/leetcode/9011", "lcb/atcoder/abc900_c", "lcb/leetcode/9021"}},
      {R"({"testtype": "stdin"})", false, {}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.filter) + (c.official ? " official" : " omk"));
    auto kept = lcb::filter_problems((c.official ? official : omk).problems,
                                     nlohmann::json::parse(c.filter));
    std::vector<std::string> ids;
    for (const auto* p : kept) ids.push_back(p->doc_id);
    EXPECT_EQ(ids, c.ids);
  }
  for (const char* bad : {R"({"difficulty": 2})", R"({"testtype": "interactive"})",
                          R"({"platform": "leetcode"})"}) {
    SCOPED_TRACE(bad);
    EXPECT_THROW(lcb::filter_problems(omk.problems, nlohmann::json::parse(bad)), DataError);
  }
}

TEST(LcbExtract, Table) {
  auto rows = bench_test::read_jsonl_fixture("livecodebench/extract_cases.jsonl");
  ASSERT_GE(rows.size(), 10u);
  for (const auto& row : rows) {
    SCOPED_TRACE(row["case"].get<std::string>());
    EXPECT_EQ(lcb::extract_code(row["text"].get<std::string>()), row["code"].get<std::string>());
  }
}
