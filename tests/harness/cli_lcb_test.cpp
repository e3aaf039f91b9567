// LiveCodeBench through the harness: template selection (task-id list, §8's filter, the
// shipped templates on their frozen ids) and `harness run` / `score` / `rescore` on the
// fixture problems of tests/fixtures/livecodebench against the loopback server.
#include <gtest/gtest.h>

#include <set>

#include "benches/bench.h"
#include "benches/common/jsonl.h"
#include "harness/cli_test_util.h"
#include "harness/errors.h"
#include "harness/plan.h"
#include "harness/template.h"
#include "store/store.h"
#include "support/fake_openai_server.h"

namespace harness::testing {
namespace {

const std::string kLcbData = fixtures_dir() + "/livecodebench";

std::vector<std::string> planned_ids(const BenchTemplate& tmpl, const std::string& data_dir) {
  auto bench = benches::make_bench(tmpl.bench);
  benches::Dataset ds = bench->load(make_context(tmpl, data_dir));
  std::vector<std::string> ids;
  for (const auto* p : select_problems(tmpl, ds, data_dir, 0)) ids.push_back(p->doc_id);
  return ids;
}

std::vector<std::string> read_id_list(const std::string& path) {
  return nlohmann::json::parse(read_file(path)).get<std::vector<std::string>>();
}

TEST(LcbPlan, TaskIdListRunsInListOrder) {
  auto tmpl = load_template_file(fixtures_dir() + "/templates/lcb_fixture.yaml");
  EXPECT_EQ(planned_ids(tmpl, kLcbData),
            (std::vector<std::string>{"lcb/leetcode/9010", "lcb/leetcode/9001",
                                      "lcb/leetcode/9020", "lcb/leetcode/9003"}));
  auto official = load_template_file(fixtures_dir() + "/templates/lcb_official_fixture.yaml");
  EXPECT_EQ(planned_ids(official, kLcbData),
            (std::vector<std::string>{"lcb/atcoder/abc900_b", "lcb/leetcode/9001",
                                      "lcb/atcoder/abc900_a"}));
}

TEST(LcbPlan, FilterFormOfSection8) {
  auto tmpl = load_template_file(fixtures_dir() + "/templates/lcb_filter_fixture.yaml");
  auto ids = planned_ids(tmpl, kLcbData);
  EXPECT_EQ(ids, (std::vector<std::string>{"lcb/leetcode/9001", "lcb/leetcode/9003",
                                           "lcb/leetcode/9010", "lcb/leetcode/9020"}));
  EXPECT_EQ(static_cast<int>(ids.size()), tmpl.n);

  tmpl.selection.filter = {{"difficulty", "easy"}, {"min_date", "2030-01-01"}};
  try {
    planned_ids(tmpl, kLcbData);
    FAIL() << "a filter that keeps nothing should stop the plan";
  } catch (const CommandError& e) {
    EXPECT_NE(std::string(e.what()).find("keeps none"), std::string::npos) << e.what();
  }
  tmpl.selection.filter = {{"platform", "atcoder"}};
  EXPECT_THROW(planned_ids(tmpl, kLcbData), CommandError);
}

TEST(LcbPlan, UnknownTaskIdNamesTheIdAndTheFile) {
  auto tmpl = load_template_file(fixtures_dir() + "/templates/lcb_fixture.yaml");
  tmpl.selection.task_ids_file = "livecodebench/taskids/lcb_fixture_missing_taskids.json";
  try {
    planned_ids(tmpl, kLcbData);
    FAIL() << "an id that is not in the data should stop the plan";
  } catch (const CommandError& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("'lcb/leetcode/9999'"), std::string::npos) << what;
    EXPECT_NE(what.find("lcb_fixture_missing_taskids.json"), std::string::npos) << what;
    EXPECT_EQ(e.exit_code, kExitBadInput);
  }
  // 9004 is in the data but a stdin problem: omk's structural rule drops it.
  TempDir dir;
  std::filesystem::create_directories(dir.path / "livecodebench/taskids");
  for (const char* f : {"test.jsonl", "test2.jsonl", "test3.jsonl"})
    std::filesystem::copy_file(kLcbData + "/livecodebench/" + f, dir / ("livecodebench/" + std::string(f)));
  std::ofstream(dir / "livecodebench/taskids/stdin.json") << R"(["lcb/atcoder/9004"])";
  tmpl.selection.task_ids_file = "livecodebench/taskids/stdin.json";
  try {
    planned_ids(tmpl, dir.path.string());
    FAIL() << "a stdin problem has no place in an omk run";
  } catch (const CommandError& e) {
    EXPECT_NE(std::string(e.what()).find("structural rule"), std::string::npos) << e.what();
  }
}

// The three shipped templates on rows carrying the frozen ids of §8.1, written in an
// order unlike the lists': each plans exactly its list, in list order.
TEST(LcbPlan, ShippedTemplatesPlanTheirFrozenIds) {
  const std::string shared = HARNESS_SHARED_DATASETS;
  const std::string lists = shared + "/livecodebench/taskids";
  if (!std::filesystem::exists(lists + "/lcb_medium_100_taskids.json"))
    GTEST_SKIP() << "needs the frozen task-id lists in " << lists;
  TempDir dir;
  std::filesystem::create_directories(dir.path / "livecodebench/taskids");
  for (const char* f : {"lcb_medium_55_taskids.json", "lcb_medium_100_taskids.json"})
    std::filesystem::copy_file(lists + "/" + f, dir / ("livecodebench/taskids/" + std::string(f)));
  std::vector<std::string> ids = read_id_list(lists + "/lcb_medium_100_taskids.json");
  ASSERT_EQ(ids.size(), 100u);
  std::vector<std::string> data_order(ids.rbegin(), ids.rend());
  std::ofstream rows(dir / "livecodebench/test.jsonl");
  for (const auto& id : data_order) {
    nlohmann::json tests = {{{"input", "1"}, {"output", "1"}, {"testtype", "functional"}}};
    rows << nlohmann::json{{"question_title", id}, {"question_content", "Return x."},
                           {"platform", "leetcode"}, {"question_id", id.substr(id.rfind('/') + 1)},
                           {"contest_id", "c"}, {"contest_date", "2023-01-01T00:00:00"},
                           {"starter_code", "class Solution:\n    def f(self, x: int) -> int:\n        "},
                           {"difficulty", "hard"}, {"public_test_cases", tests.dump()},
                           {"private_test_cases", "[]"}, {"metadata", R"({"func_name": "f"})"}}
                .dump()
         << "\n";
  }
  rows.close();
  const std::string templates = std::string(HARNESS_SOURCE_DIR) + "/templates";
  for (const char* name : {"lcb_medium_55", "lcb_medium_55_v4", "lcb_medium_100"}) {
    SCOPED_TRACE(name);
    auto tmpl = load_template_file(templates + "/" + name + ".yaml");
    auto planned = planned_ids(tmpl, dir.path.string());
    EXPECT_EQ(static_cast<int>(planned.size()), tmpl.n);
    EXPECT_EQ(planned, std::vector<std::string>(ids.begin(), ids.begin() + tmpl.n));
  }
}

// Replies by question: right for three of lcb_fixture's four problems, and for two of
// lcb_official_fixture's three; MultiPL-E prompts get a reply without code.
FakeReply lcb_reply(const nlohmann::json& request) {
  std::string q = last_user_message(request);
  auto fenced = [](const std::string& code) { return text_reply("```python\n" + code + "```\n"); };
  if (q.find("Return a + b.") != std::string::npos)
    return fenced("class Solution:\n    def addTwo(self, a, b):\n        return a + b\n");
  if (q.find("Return the length of s.") != std::string::npos)
    return fenced("class Solution:\n    def countChars(self, s):\n        return len(s)\n");
  if (q.find("largest sum of two different") != std::string::npos)
    return fenced("class Solution:\n    def maxPair(self, nums):\n"
                  "        a = sorted(nums)\n        return a[-1] + a[-2]\n");
  if (q.find("Return whether n is even.") != std::string::npos)
    return fenced("class Solution:\n    def isEven(self, n):\n        return n % 2 == 1\n");
  if (q.find("their mean with two decimals") != std::string::npos)
    return fenced("n = int(input())\na = sorted(map(int, input().split()))\nprint(n)\n"
                  "print(sum(a) / n)\nprint(' '.join(map(str, a)))\n");
  if (q.find("Print their sum.") != std::string::npos)
    return fenced("n = int(input())\nprint(sum(map(int, input().split())) + 1)\n");
  return text_reply("I cannot solve this one.");
}

struct CliLcbTest : ::testing::Test {
  TempDir dir;
  FakeOpenAIServer server;
  std::string db = dir / "store.db";
  void SetUp() override { server.set_responder(lcb_reply); }

  std::vector<std::string> run_args(std::vector<std::string> targets, const std::string& data,
                                    std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"run"};
    args.insert(args.end(), targets.begin(), targets.end());
    std::vector<std::string> common = {"--endpoint",    server.base_url(), "--model",
                                       "fake-model",    "--variant",       "base",
                                       "--store",       db,                "--data-dir",
                                       data,            "--retry-delay",   "0.01",
                                       "--concurrency", "4"};
    args.insert(args.end(), common.begin(), common.end());
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }

  nlohmann::json report() {
    auto r = run_harness({"report", "1", "--store", db, "--format", "json"}, dir);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out);
  }
};

const nlohmann::json* bench_named(const nlohmann::json& report, const std::string& name) {
  for (const auto& b : report["benches"])
    if (b.value("template", "") == name) return &b;
  return nullptr;
}

TEST_F(CliLcbTest, RunStoresScoresAndScoreAgrees) {
  auto r = run_harness(run_args({fixtures_dir() + "/templates/lcb_fixture.yaml"}, kLcbData), dir);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto j = report();
  EXPECT_EQ(j["status"], "complete") << j.dump();
  const auto* omk = bench_named(j, "lcb_fixture");
  ASSERT_TRUE(omk) << j.dump();
  EXPECT_DOUBLE_EQ((*omk)["summary"]["score"].get<double>(), 0.75);
  EXPECT_EQ((*omk)["summary"]["n_done"], 4);

  // The stored verdicts, by doc id, and `harness score` on the stored replies.
  auto store = store::Store::open(db, store::OpenMode::ReadOnly);
  auto bench_runs = store->bench_runs(store->list_runs().at(0).id);
  ASSERT_EQ(bench_runs.size(), 1u);
  std::map<std::string, double> stored;
  std::string responses = dir / "responses.jsonl";
  {
    std::ofstream out(responses);
    for (const auto& s : store->scored_samples(bench_runs[0].id, "livecodebench/2")) {
      ASSERT_TRUE(s.score.has_value()) << s.sample.doc_id;
      stored[s.sample.doc_id] = s.score->score;
      out << nlohmann::json{{"doc_id", s.sample.doc_id}, {"response", s.sample.content}}.dump()
          << "\n";
    }
  }
  EXPECT_EQ(stored, (std::map<std::string, double>{{"lcb/leetcode/9001", 1},
                                                   {"lcb/leetcode/9003", 0},
                                                   {"lcb/leetcode/9010", 1},
                                                   {"lcb/leetcode/9020", 1}}));
  auto scored = run_harness({"score", "livecodebench", "--responses", responses, "--data-dir", kLcbData}, dir);
  ASSERT_EQ(scored.exit_code, 0) << scored.err;
  std::map<std::string, double> rescored;
  for (const auto& line : benches::parse_jsonl(scored.out, "stdout"))
    rescored[line["doc_id"].get<std::string>()] = line["score"].get<double>();
  EXPECT_EQ(rescored, stored);

  auto again = run_harness({"rescore", "1", "--store", db}, dir);
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  EXPECT_DOUBLE_EQ((*bench_named(report(), "lcb_fixture"))["summary"]["score"].get<double>(), 0.75);
}

// Official grading through the harness: two stdin problems and one call-based, public
// and private tests.
TEST_F(CliLcbTest, OfficialModeRun) {
  auto r = run_harness(run_args({fixtures_dir() + "/templates/lcb_official_fixture.yaml"}, kLcbData), dir);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto j = report();
  const auto* official = bench_named(j, "lcb_official_fixture");
  ASSERT_TRUE(official) << j.dump();
  EXPECT_NEAR((*official)["summary"]["score"].get<double>(), 2.0 / 3.0, 1e-9);
  EXPECT_EQ((*official)["summary"]["n_done"], 3);
  auto again = run_harness({"rescore", "1", "--store", db}, dir);
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
}

// An omk and an official LCB template in one run: make_plans must not share the omk
// dataset (which lacks the stdin problems) with the official one on rescore/resume.
TEST_F(CliLcbTest, RescoreOfOmkAndOfficialInOneRun) {
  auto r = run_harness(run_args({fixtures_dir() + "/templates/lcb_fixture.yaml",
                                 fixtures_dir() + "/templates/lcb_official_fixture.yaml"},
                                kLcbData),
                       dir);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto again = run_harness({"rescore", "1", "--store", db}, dir);
  EXPECT_EQ(again.exit_code, 0) << again.out << again.err;
  auto j = report();
  EXPECT_DOUBLE_EQ((*bench_named(j, "lcb_fixture"))["summary"]["score"].get<double>(), 0.75);
  EXPECT_NEAR((*bench_named(j, "lcb_official_fixture"))["summary"]["score"].get<double>(), 2.0 / 3.0,
              1e-9);
}

// `harness run lcb_fixture multipl_e_100` in one run: the LCB fixture problems and the
// first 2 MultiPL-E problems per language (real data, --limit 2 cuts both).
TEST_F(CliLcbTest, RunWithMultiplE) {
  const std::string shared = HARNESS_SHARED_DATASETS;
  if (!std::filesystem::exists(shared + "/multipl_e/humaneval-rs.jsonl"))
    GTEST_SKIP() << "needs the MultiPL-E files in " << shared << "/multipl_e";
  std::string data = dir / "data";
  std::filesystem::create_directories(data);
  std::filesystem::create_directory_symlink(kLcbData + "/livecodebench", data + "/livecodebench");
  std::filesystem::create_directory_symlink(shared + "/multipl_e", data + "/multipl_e");
  auto r = run_harness(
      run_args({fixtures_dir() + "/templates/lcb_fixture.yaml", "multipl_e_100"}, data, {"--limit", "2"}),
      dir);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto j = report();
  const auto* lcb = bench_named(j, "lcb_fixture");
  const auto* multipl_e = bench_named(j, "multipl_e_100");
  ASSERT_TRUE(lcb && multipl_e) << j.dump();
  // --limit 2 keeps 9010 (right) and 9001 (right).
  EXPECT_DOUBLE_EQ((*lcb)["summary"]["score"].get<double>(), 1.0);
  EXPECT_EQ((*multipl_e)["summary"]["n_done"], 6);
  EXPECT_DOUBLE_EQ((*multipl_e)["summary"]["score"].get<double>(), 0.0);
}

}  // namespace
}  // namespace harness::testing
