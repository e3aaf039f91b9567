// A daemon killed with SIGKILL mid-run and started again continues the run by itself:
// at the end every sample is stored exactly once and the score is the uninterrupted one.
#include <gtest/gtest.h>

#include "harness/daemon_test_util.h"
#include "support/fake_openai_server.h"

namespace harness::testing {
namespace {

TEST(DaemonRestart, KilledMidRunThenRestartedFinishesWithEverySampleOnce) {
  TempDir dir;
  FakeOpenAIServer server;
  server.set_responder([](const nlohmann::json&) { return text_reply("#### 0"); });
  server.set_delay_ms(30);  // slow enough to kill mid-run
  const std::string db = dir / "daemon.db";
  const std::vector<std::string> args = {"--store", db, "--data-dir", fixtures_dir() + "/data", "--templates-dir",
                                         fixtures_dir() + "/templates"};
  {
    Daemon d(args, dir);
    ASSERT_NE(d.port, 0) << d.log();
    auto a = http(d.port, "POST", "/api/runs", fixture_run_body(server.base_url(), 2));
    ASSERT_EQ(a.status, 202) << a.body;
    // A second run waits in the queue; it must survive the kill as well.
    a = http(d.port, "POST", "/api/runs", fixture_run_body(server.base_url(), 2, "second"));
    ASSERT_EQ(a.status, 202) << a.body;
    ASSERT_TRUE(wait_for([&] { return run_samples(db, 1).size() >= 8; })) << d.log();
    d.kill_now();
  }
  const size_t before = run_samples(db, 1).size();
  ASSERT_LT(before, 40u) << "the run finished before the daemon could be killed";

  Daemon again(args, dir);
  ASSERT_NE(again.port, 0) << again.log();
  EXPECT_NE(again.log().find("continuing 2 run(s)"), std::string::npos) << again.log();
  for (int64_t id : {1, 2}) {
    std::string events = read_events(again.port, id);
    EXPECT_NE(events.find("\"status\":\"complete\""), std::string::npos) << "run " << id << ": " << events;
    auto samples = run_samples(db, id);
    std::set<int> indices;
    for (const auto& s : samples) {
      indices.insert(s.doc_index);
      EXPECT_EQ(s.status, "done");
    }
    EXPECT_EQ(samples.size(), 40u) << "run " << id;
    EXPECT_EQ(indices.size(), 40u) << "run " << id;
  }
  // Nothing was asked twice beyond the requests in flight at the kill (at most 2).
  EXPECT_LE(server.chat_request_count(), 80u + 2u);
  auto report = http(again.port, "GET", "/api/runs/1");
  EXPECT_EQ(report.json()["status"], "complete");
  EXPECT_EQ(report.json()["progress"]["done"], 40);
}

TEST(DaemonRestart, StoppedWithSigtermLeavesTheRunQueuedForTheNextStart) {
  TempDir dir;
  FakeOpenAIServer server;
  server.set_responder([](const nlohmann::json&) { return text_reply("#### 0"); });
  server.set_delay_ms(30);
  const std::string db = dir / "daemon.db";
  const std::vector<std::string> args = {"--store", db, "--data-dir", fixtures_dir() + "/data", "--templates-dir",
                                         fixtures_dir() + "/templates"};
  {
    Daemon d(args, dir);
    ASSERT_NE(d.port, 0) << d.log();
    ASSERT_EQ(http(d.port, "POST", "/api/runs", fixture_run_body(server.base_url(), 2)).status, 202);
    ASSERT_TRUE(wait_for([&] { return run_samples(db, 1).size() >= 4; })) << d.log();
    auto r = d.terminate();
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find("paused for shutdown"), std::string::npos) << r.err;
  }
  EXPECT_LT(run_samples(db, 1).size(), 40u);
  EXPECT_EQ(store::Store::open(db, store::OpenMode::ReadOnly)->get_run(1)->status, "queued");

  Daemon again(args, dir);
  ASSERT_NE(again.port, 0) << again.log();
  std::string events = read_events(again.port, 1);
  EXPECT_NE(events.find("\"status\":\"complete\""), std::string::npos) << events;
  EXPECT_EQ(run_samples(db, 1).size(), 40u);
}

}  // namespace
}  // namespace harness::testing
