// `harness run --engine DIR` and `harness generate` on a tiny random Gemma 4 checkpoint:
// the embedded backend goes through the same runner and store as the OpenAI one.
#include <gtest/gtest.h>

#include "engine/random_checkpoint.h"
#include "store/store.h"
#include "harness/cli_test_util.h"

namespace harness::testing {
namespace {

TEST(CliEngine, RunWithEmbeddedEngineStoresSamples) {
  TempDir dir;
  engine::write_random_checkpoint(dir / "tiny", "tiny", 1);
  const std::string db = dir / "store.db";
  auto r = run_harness({"run", fixtures_dir() + "/templates/gsm8k_fixture.yaml", "--engine", dir / "tiny",
                        "--variant", "tiny", "--limit", "3", "--store", db, "--data-dir",
                        fixtures_dir() + "/data"},
                       dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto store = store::Store::open(db, store::OpenMode::ReadOnly);
  auto run = store->get_run(1);
  ASSERT_TRUE(run);
  EXPECT_EQ(run->backend, "embedded");
  EXPECT_EQ(run->status, "complete");
  auto samples = store->samples(store->bench_runs(1).at(0).id);
  ASSERT_EQ(samples.size(), 3u);
  for (const auto& s : samples) {
    EXPECT_EQ(s.status, "done");
    EXPECT_GT(s.completion_tokens, 0);
    EXPECT_GT(s.prompt_tokens, 100);  // 5-shot prompt
    EXPECT_TRUE(s.finish_reason == "stop" || s.finish_reason == "length") << s.finish_reason;
  }
}

TEST(CliEngine, GenerateIsDeterministicWhenGreedy) {
  TempDir dir;
  engine::write_random_checkpoint(dir / "tiny", "tiny", 1);
  std::vector<std::string> args = {"generate", "--engine", dir / "tiny", "--prompt", "What is 2+2?",
                                   "--max-tokens", "12", "--json"};
  auto a = run_harness(args, dir);
  auto b = run_harness(args, dir);
  ASSERT_EQ(a.exit_code, 0) << a.err;
  auto ja = nlohmann::json::parse(a.out), jb = nlohmann::json::parse(b.out);
  EXPECT_EQ(ja["tokens"], jb["tokens"]);
  EXPECT_GT(ja["completion_tokens"].get<int>(), 0);
  auto bad = run_harness({"generate", "--engine", dir / "nope", "--prompt", "x"}, dir);
  EXPECT_EQ(bad.exit_code, 3);
  EXPECT_NE(bad.err.find("nope"), std::string::npos) << bad.err;
}

// --prompt-ids continues the given ids without the chat template: fed the ids the chat
// path rendered, it generates the same tokens (scripts/peer-check.sh relies on that).
TEST(CliEngine, GenerateFromPromptIdsMatchesTheChatPath) {
  TempDir dir;
  engine::write_random_checkpoint(dir / "tiny", "tiny", 1);
  auto chat = run_harness({"generate", "--engine", dir / "tiny", "--prompt", "What is 2+2?", "--thinking",
                           "--max-tokens", "8", "--json"},
                          dir);
  ASSERT_EQ(chat.exit_code, 0) << chat.err;
  const auto jc = nlohmann::json::parse(chat.out);
  std::string ids;
  for (const auto& id : jc["prompt_ids"]) ids += (ids.empty() ? "" : ",") + std::to_string(id.get<int>());
  ASSERT_FALSE(ids.empty());
  auto raw = run_harness({"generate", "--engine", dir / "tiny", "--prompt-ids", ids, "--max-tokens", "8", "--json"}, dir);
  ASSERT_EQ(raw.exit_code, 0) << raw.err;
  const auto jr = nlohmann::json::parse(raw.out);
  EXPECT_EQ(jr["prompt_ids"], jc["prompt_ids"]);
  EXPECT_EQ(jr["tokens"], jc["tokens"]);

  auto bad = run_harness({"generate", "--engine", dir / "tiny", "--prompt-ids", "2,x"}, dir);
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.err.find("'x'"), std::string::npos) << bad.err;
  auto outside = run_harness({"generate", "--engine", dir / "tiny", "--prompt-ids", "2,99999999"}, dir);
  EXPECT_EQ(outside.exit_code, 3);
  EXPECT_NE(outside.err.find("outside the vocabulary"), std::string::npos) << outside.err;
}

}  // namespace
}  // namespace harness::testing
