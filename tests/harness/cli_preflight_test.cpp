// `harness run` with its pre-flight, early stop and smoke gate, end to end against the
// in-process fake server on the GSM8K fixture.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "harness/cli_test_util.h"
#include "store/store.h"
#include "support/fake_openai_server.h"

namespace harness::testing {
namespace {

std::vector<std::string> run_args(const std::string& url, const std::string& db,
                                  std::vector<std::string> extra = {},
                                  std::string tmpl = fixtures_dir() + "/templates/gsm8k_fixture.yaml",
                                  std::string data = fixtures_dir() + "/data") {
  std::vector<std::string> args = {"run",  tmpl,   "--endpoint", url,  "--model",   "fake-model", "--variant",
                                   "base", "--store", db,        "--data-dir", data, "--retry-delay", "0.01"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

bool has(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

TEST(CliPreflight, SummaryIsPrintedAndTheRunGoesAhead) {
  TempDir dir;
  FakeOpenAIServer server;
  const std::string db = dir / "s.db";
  auto r = run_harness(run_args(server.base_url(), db, {"--limit", "12"}), dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has(r.err, "pre-flight:\n")) << r.err;
  EXPECT_TRUE(has(r.err, "ok          endpoint " + server.base_url())) << r.err;
  EXPECT_TRUE(has(r.err, "ok          dataset gsm8k: 2 file(s) match")) << r.err;
  EXPECT_TRUE(has(r.err, "ok          context gsm8k_fixture")) << r.err;
  EXPECT_TRUE(has(r.err, "not checked reasoning budget gsm8k_fixture")) << r.err;
  EXPECT_EQ(server.warmup_count(), 1u);
  EXPECT_EQ(server.chat_request_count(), 12u);  // the warm-up is not one of the run's requests
  auto store = store::Store::open(db, store::OpenMode::ReadOnly);
  EXPECT_EQ(store->get_run(1)->config["skip_preflight"], false);
}

TEST(CliPreflight, EmptyWarmupStopsBeforeAnythingIsStored) {
  TempDir dir;
  FakeOpenAIServer server;
  server.set_warmup_reply(text_reply(""));
  const std::string db = dir / "s.db";
  auto r = run_harness(run_args(server.base_url(), db), dir);
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_TRUE(has(r.err, "FAILED      endpoint")) << r.err;
  EXPECT_TRUE(has(r.err, "empty reply")) << r.err;
  EXPECT_TRUE(has(r.err, "--skip-preflight")) << r.err;
  EXPECT_FALSE(std::filesystem::exists(db));
  EXPECT_EQ(server.chat_request_count(), 0u);
}

TEST(CliPreflight, SkipPreflightIsRecordedAndSaysWhatWasSkipped) {
  TempDir dir;
  FakeOpenAIServer server;
  server.set_warmup_reply(text_reply(""));  // would fail the pre-flight
  const std::string db = dir / "s.db";
  auto r = run_harness(run_args(server.base_url(), db, {"--limit", "12", "--skip-preflight"}), dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has(r.err, "pre-flight skipped (--skip-preflight, recorded with the run): endpoint warm-up, "
                         "dataset checksums, context per slot, reasoning budget, toolchains"))
      << r.err;
  EXPECT_EQ(server.warmup_count(), 0u);
  auto store = store::Store::open(db, store::OpenMode::ReadOnly);
  EXPECT_EQ(store->get_run(1)->config["skip_preflight"], true);
}

TEST(CliPreflight, LoadingServerIsWaitedForThenTheRunStarts) {
  TempDir dir;
  FakeServerOptions options;
  options.not_ready_requests = 3;
  FakeOpenAIServer server(options);
  auto r = run_harness(run_args(server.base_url(), dir / "s.db", {"--limit", "12"}), dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has(r.err, "answers 503 (still loading?)")) << r.err;
  EXPECT_EQ(server.chat_request_count(), 12u);
}

TEST(CliPreflight, ContextTooSmallExits7WithTheNumbers) {
  TempDir dir;
  FakeServerOptions options;
  options.flavour = "llama";
  options.n_ctx = 600;
  FakeOpenAIServer server(options);
  const std::string db = dir / "s.db";
  auto r = run_harness(run_args(server.base_url(), db), dir);
  EXPECT_EQ(r.exit_code, 7) << r.err;
  EXPECT_TRUE(has(r.err, "gives a request 600 tokens (/props n_ctx per slot)")) << r.err;
  EXPECT_TRUE(has(r.err, "max_gen_toks 512")) << r.err;
  EXPECT_FALSE(std::filesystem::exists(db));
}

// No server shows a budget to compare, so a llama-server run is not stopped for it: the
// pre-flight names the per-request field instead.
TEST(CliPreflight, ReasoningBudgetOfLlamaServerIsNotCheckedButNamed) {
  TempDir dir;
  FakeServerOptions options;
  options.flavour = "llama";
  FakeOpenAIServer server(options);
  auto r = run_harness(run_args(server.base_url(), dir / "s.db"), dir);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(has(r.err, "as reasoning_budget_tokens")) << r.err;
}

TEST(CliPreflight, ChecksumMismatchExits3) {
  TempDir dir;
  std::filesystem::create_directories(dir / "data/gsm8k");
  std::filesystem::copy(fixtures_dir() + "/data/gsm8k", dir / "data/gsm8k", std::filesystem::copy_options::recursive);
  FakeOpenAIServer server;
  auto r = run_harness(run_args(server.base_url(), dir / "s.db", {}, fixtures_dir() + "/templates/gsm8k_fixture.yaml",
                                dir / "data"),
                       dir);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_TRUE(has(r.err, "FAILED      dataset gsm8k: gsm8k/test.jsonl has sha256")) << r.err;
}

TEST(CliPreflight, MissingDatasetExits3NamingHowToGetIt) {
  TempDir dir;
  std::filesystem::create_directories(dir / "empty");
  FakeOpenAIServer server;
  auto r = run_harness(
      run_args(server.base_url(), dir / "s.db", {}, fixtures_dir() + "/templates/gsm8k_fixture.yaml", dir / "empty"),
      dir);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_TRUE(has(r.err, "harness data pull gsm8k")) << r.err;
}

// Three empty replies in a row: the run stops, is stored incomplete with the reason, and
// exits 60; nothing past the in-flight requests is asked for.
TEST(CliEarlyStop, ThreeEmptyRepliesStopTheRun) {
  TempDir dir;
  FakeOpenAIServer server;
  server.set_responder([](const nlohmann::json&) { return both_empty(); });
  const std::string db = dir / "s.db";
  auto r = run_harness(run_args(server.base_url(), db, {"--concurrency", "1"}), dir);
  EXPECT_EQ(r.exit_code, 60) << r.err;
  EXPECT_TRUE(has(r.err, "run 1 stopped early: the first 3 generations of gsm8k_fixture are all broken")) << r.err;
  EXPECT_TRUE(has(r.err, "doc 0: empty reply (0 chars)")) << r.err;
  EXPECT_TRUE(has(r.err, "harness resume 1")) << r.err;
  EXPECT_EQ(server.chat_request_count(), 3u);

  auto store = store::Store::open(db, store::OpenMode::ReadOnly);
  EXPECT_EQ(store->get_run(1)->status, "incomplete");
  auto br = store->bench_runs(1).at(0);
  EXPECT_EQ(br.status, "incomplete");
  auto summary = store->bench_run_summary(br.id);
  ASSERT_TRUE(summary);
  EXPECT_TRUE(has((*summary)["early_stop"]["reason"].get<std::string>(), "are all broken")) << summary->dump();
  EXPECT_EQ((*summary)["early_stop"]["first_generations"].size(), 3u);
  EXPECT_EQ(store->samples(br.id).size(), 3u);
  store.reset();

  // Re-scoring the stored replies keeps the reason and the status.
  auto rescored = run_harness({"rescore", "1", "--store", db}, dir);
  EXPECT_EQ(rescored.exit_code, 0) << rescored.err;
  auto again = store::Store::open(db, store::OpenMode::ReadOnly);
  auto br2 = again->bench_runs(1).at(0);
  EXPECT_EQ(br2.status, "incomplete");
  auto summary2 = again->bench_run_summary(br2.id);
  ASSERT_TRUE(summary2);
  EXPECT_TRUE(summary2->contains("early_stop")) << summary2->dump();
}

TEST(CliEarlyStop, OneGoodReplyAmongTheFirstThreeKeepsGoing) {
  TempDir dir;
  FakeOpenAIServer server;
  server.push_fault(both_empty());
  server.push_fault(both_empty());
  const std::string db = dir / "s.db";
  auto r = run_harness(run_args(server.base_url(), db, {"--concurrency", "1", "--limit", "12"}), dir);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(server.chat_request_count(), 12u);
}

std::string smoke_template(const TempDir& dir, double floor) {
  std::ifstream in(fixtures_dir() + "/templates/gsm8k_fixture.yaml");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  text.replace(text.find("name: gsm8k_fixture"), 19, "name: gsm8k_smoke");
  text += "sanity:\n  smoke_floor: " + std::to_string(floor) + "\n";
  const std::string path = dir / "gsm8k_smoke.yaml";
  std::ofstream(path) << text;
  return path;
}

TEST(CliSmoke, SmokeRunAtItsFloorExits50) {
  TempDir dir;
  FakeOpenAIServer server;  // "The answer is 42." is wrong for every fixture problem
  auto r = run_harness(run_args(server.base_url(), dir / "s.db", {"--limit", "5"}, smoke_template(dir, 0.0)), dir);
  EXPECT_EQ(r.exit_code, 50) << r.err;
  EXPECT_TRUE(has(r.err, "smoke run 1 (--limit 5): gsm8k_smoke scored 0 <= smoke floor 0")) << r.err;
  auto store = store::Store::open(dir / "s.db", store::OpenMode::ReadOnly);
  EXPECT_EQ(store->get_run(1)->status, "complete");  // stored as it is; only the exit code says no
}

TEST(CliSmoke, LongerRunsAndTemplatesWithoutAFloorAreNotGated) {
  TempDir dir;
  FakeOpenAIServer server;
  auto longer = run_harness(run_args(server.base_url(), dir / "a.db", {"--limit", "11"}, smoke_template(dir, 0.0)), dir);
  EXPECT_EQ(longer.exit_code, 0) << longer.err;
  auto no_floor = run_harness(run_args(server.base_url(), dir / "b.db", {"--limit", "5"}), dir);
  EXPECT_EQ(no_floor.exit_code, 0) << no_floor.err;
}

}  // namespace
}  // namespace harness::testing
