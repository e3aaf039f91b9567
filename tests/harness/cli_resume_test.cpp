// kill -9 at several points of a run, then `harness resume`: the final store has every
// sample exactly once and the same score as an uninterrupted run.
#include <gtest/gtest.h>

#include <regex>

#include "benches/common/jsonl.h"
#include "store/store.h"
#include "harness/gsm8k_fixture_responder.h"
#include "support/fake_openai_server.h"
#include "harness/cli_test_util.h"

namespace harness::testing {
namespace {

int stored_samples(const std::string& db) {
  try {
    auto store = store::Store::open(db, store::OpenMode::ReadOnly);
    int n = 0;
    for (const auto& run : store->list_runs())
      for (const auto& br : store->bench_runs(run.id)) n += static_cast<int>(store->samples(br.id).size());
    return n;
  } catch (const std::exception&) {
    return 0;  // not created yet
  }
}

TEST(CliResume, KillNineAtSeveralPointsThenResumeLosesAndDoublesNothing) {
  TempDir dir;
  FakeOpenAIServer server;
  server.set_responder(gsm8k_three_of_four_responder());
  server.set_delay_ms(25);  // slow enough to kill mid-run
  const std::string db = dir / "store.db";
  std::vector<std::string> run_args = {"run", fixtures_dir() + "/templates/gsm8k_fixture.yaml",
                                       "--endpoint", server.base_url(), "--model", "fake-model",
                                       "--variant", "base", "--store", db, "--data-dir",
                                       fixtures_dir() + "/data", "--concurrency", "4"};
  std::vector<std::string> resume_args = {"resume", "1", "--store", db, "--concurrency", "4"};

  int kills = 0;
  for (int kill_at : {1, 15, 30}) {
    auto child = spawn_harness(kills == 0 ? run_args : resume_args, dir);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (stored_samples(db) < kill_at && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    kill(child.pid, SIGKILL);
    auto r = wait_child(child);
    ASSERT_EQ(r.signal, SIGKILL) << "run finished before it could be killed at " << kill_at << ": " << r.err;
    ++kills;
    EXPECT_GE(stored_samples(db), kill_at);
  }

  auto runs = run_harness({"runs", "--store", db}, dir);
  EXPECT_NE(runs.out.find("interrupted"), std::string::npos) << runs.out;

  auto final_run = run_harness(resume_args, dir);
  ASSERT_EQ(final_run.exit_code, 0) << final_run.err;

  auto store = store::Store::open(db, store::OpenMode::ReadOnly);
  auto brs = store->bench_runs(1);
  ASSERT_EQ(brs.size(), 1u);
  auto samples = store->samples(brs[0].id);
  ASSERT_EQ(samples.size(), 40u);
  std::set<int> indices;
  for (const auto& s : samples) {
    EXPECT_EQ(s.status, "done");
    indices.insert(s.doc_index);
  }
  EXPECT_EQ(indices.size(), 40u);
  auto scored = store->scored_samples(brs[0].id, "gsm8k/1");
  int with_score = 0;
  double total = 0;
  for (const auto& row : scored)
    if (row.score) {
      ++with_score;
      total += row.score->score;
    }
  EXPECT_EQ(with_score, 40);
  EXPECT_DOUBLE_EQ(total / 40, 0.75);  // what the uninterrupted run scores (cli_run_test)
  EXPECT_EQ(store->get_run(1)->status, "complete");
}

TEST(CliResume, ResumeOfCompleteRunSendsNoRequest) {
  TempDir dir;
  FakeOpenAIServer server;
  server.set_responder(gsm8k_three_of_four_responder());
  const std::string db = dir / "store.db";
  auto r = run_harness({"run", fixtures_dir() + "/templates/gsm8k_fixture.yaml", "--endpoint",
                        server.base_url(), "--model", "m", "--variant", "v", "--store", db, "--data-dir",
                        fixtures_dir() + "/data", "--limit", "6"},
                       dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  server.clear_requests();
  auto again = run_harness({"resume", "1", "--store", db}, dir);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(server.chat_requests().size(), 0u);
}

}  // namespace
}  // namespace harness::testing
