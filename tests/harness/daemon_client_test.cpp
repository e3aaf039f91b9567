// `--daemon URL` of run, runs, report and compare against a real `harness serve` on a
// temporary store: the output equals the in-process output on the same store, and the
// exit codes are the in-process ones.
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>

#include "benches/common/jsonl.h"
#include "harness/cli_test_util.h"
#include "support/fake_openai_server.h"

namespace harness::testing {
namespace {

// Right on problems below `correct_below`, wrong on the others (the gold answers of the
// GSM8K fixture), so that two variants get different, known scores.
Responder responder_right_below(int correct_below) {
  auto rows = benches::parse_jsonl(read_file(fixtures_dir() + "/data/gsm8k/test.jsonl"), "fixture");
  std::map<int, std::string> gold;
  for (size_t i = 0; i < rows.size(); ++i) {
    std::string answer = rows[i]["answer"];
    gold[static_cast<int>(i)] = answer.substr(answer.rfind("#### ") + 5);
  }
  return [gold, correct_below](const nlohmann::json& request) {
    std::smatch m;
    static const std::regex re("Problem (\\d+):");
    const std::string text = last_user_message(request);
    const int n = std::regex_search(text, m, re) ? std::stoi(m[1]) : -1;
    if (n < 0) return text_reply("I do not know.");
    return text_reply("Step by step, with enough words to look like an answer.\n#### " +
                      (n < correct_below ? gold.at(n) : std::string("-1")));
  };
}

struct Daemon {
  ChildProcess child;
  std::string url;
};

// Starts `harness serve` on a free port; the URL comes from its "listening on" line.
Daemon start_daemon(const TempDir& dir, const std::string& db, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"serve", "--listen", "127.0.0.1:0", "--store", db, "--data-dir",
                                   fixtures_dir() + "/data", "--templates-dir", fixtures_dir() + "/templates"};
  args.insert(args.end(), extra.begin(), extra.end());
  Daemon d{spawn_harness(args, dir), ""};
  static const std::regex re("listening on (http://127\\.0\\.0\\.1:\\d+)");
  for (int i = 0; i < 300 && d.url.empty(); ++i) {
    std::smatch m;
    const std::string err = read_file(d.child.err_path);
    if (std::regex_search(err, m, re)) d.url = m[1];
    else std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return d;
}

void stop_daemon(Daemon& d) {
  if (d.child.pid <= 0) return;
  kill(d.child.pid, SIGTERM);
  wait_child(d.child);
  d.child.pid = -1;
}

struct DaemonClientTest : ::testing::Test {
  TempDir dir;
  std::string db = dir / "store.db";
  FakeOpenAIServer base_server, better_server;
  Daemon daemon;

  std::vector<std::string> run_args(const std::string& target, const std::string& url, const std::string& variant) {
    return {"run", target, "--endpoint", url, "--model", "fake-model", "--variant", variant, "--concurrency", "4"};
  }

  void SetUp() override {
    base_server.set_responder(responder_right_below(20));    // 50.00
    better_server.set_responder(responder_right_below(30));  // 75.00
    // Two runs stored in-process, before the daemon owns the store.
    for (auto [server, variant] : {std::pair{&base_server, "base"}, std::pair{&better_server, "better"}}) {
      auto args = run_args(fixtures_dir() + "/templates/gsm8k_fixture.yaml", server->base_url(), variant);
      for (const std::string& a : std::vector<std::string>{"--store", db, "--data-dir", fixtures_dir() + "/data"})
        args.push_back(a);
      auto r = run_harness(args, dir);
      ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    daemon = start_daemon(dir, db);
    ASSERT_FALSE(daemon.url.empty()) << "harness serve did not start: " << read_file(daemon.child.err_path);
  }
  void TearDown() override { stop_daemon(daemon); }

  // The same command in-process (--store) and through the daemon: same output, same code.
  void expect_same(std::vector<std::string> args) {
    auto local_args = args, remote_args = args;
    for (const std::string& a : std::vector<std::string>{"--store", db}) local_args.push_back(a);
    for (const std::string& a : std::vector<std::string>{"--daemon", daemon.url}) remote_args.push_back(a);
    auto local = run_harness(local_args, dir);
    auto remote = run_harness(remote_args, dir);
    EXPECT_EQ(remote.exit_code, local.exit_code) << remote.err;
    EXPECT_EQ(remote.out, local.out);
    EXPECT_FALSE(local.out.empty());
  }
};

TEST_F(DaemonClientTest, RunsPrintsTheSameTable) { expect_same({"runs"}); }

TEST_F(DaemonClientTest, ReportPrintsTheSameTextAndJson) {
  expect_same({"report", "1"});
  expect_same({"report", "2", "--format", "json"});
}

TEST_F(DaemonClientTest, CompareByVariantOrRunPrintsTheSameTables) {
  expect_same({"compare", "base", "better"});
  expect_same({"compare", "base", "better", "--format", "json"});
  expect_same({"compare", "2", "1", "--format", "md"});
  expect_same({"compare", "base", "better", "--baseline", "better", "--format", "csv"});
}

TEST_F(DaemonClientTest, MissingRunEndsWithTheInProcessExitCode) {
  auto local = run_harness({"report", "99", "--store", db}, dir);
  auto remote = run_harness({"report", "99", "--daemon", daemon.url}, dir);
  EXPECT_EQ(local.exit_code, 3);
  EXPECT_EQ(remote.exit_code, 3) << remote.err;
  EXPECT_NE(remote.err.find("99"), std::string::npos) << remote.err;
}

TEST_F(DaemonClientTest, RunFollowsProgressAndPrintsTheStoredReport) {
  // A template name, looked up in the daemon's --templates-dir; no --store: the daemon owns it.
  auto args = run_args("gsm8k_fixture", better_server.base_url(), "remote");
  args.push_back("--daemon");
  args.push_back(daemon.url);
  auto r = run_harness(args, dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("run 3 submitted to " + daemon.url), std::string::npos) << r.err;
  // The progress printer's final line: all 40 done.
  EXPECT_NE(r.err.find("run 3 [########################] 40/40"), std::string::npos) << r.err;
  auto local = run_harness({"report", "3", "--store", db}, dir);
  EXPECT_EQ(r.out, local.out);
  EXPECT_NE(r.out.find("75.00"), std::string::npos) << r.out;
}

TEST_F(DaemonClientTest, PreflightFailureOnTheDaemonEndsWithTheInProcessExitCode) {
  // Port 9 (discard) on loopback: nothing listens, so the daemon's pre-flight fails.
  auto args = run_args("gsm8k_fixture", "http://127.0.0.1:9", "nowhere");
  for (const std::string& a : std::vector<std::string>{"--daemon", daemon.url}) args.push_back(a);
  auto r = run_harness(args, dir);
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_NE(r.err.find("pre-flight"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty());
}

TEST_F(DaemonClientTest, StoreFlagWithDaemonIsAUsageError) {
  auto r = run_harness({"runs", "--daemon", daemon.url, "--store", db}, dir);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--store"), std::string::npos) << r.err;
}

TEST(DaemonClientUnreachable, EndsWithExitFiveAndOneSentence) {
  TempDir dir;
  // Port 1 on loopback: nothing listens there (privileged, never a test server).
  for (std::vector<std::string> args : {std::vector<std::string>{"runs"}, {"report", "1"}, {"compare", "a", "b"},
                                         {"run", "gsm8k_fixture", "--endpoint", "http://127.0.0.1:9/v1", "--model",
                                          "m", "--variant", "v"}}) {
    args.push_back("--daemon");
    args.push_back("http://127.0.0.1:1");
    auto r = run_harness(args, dir);
    EXPECT_EQ(r.exit_code, 5) << args[0] << ": " << r.err;
    EXPECT_NE(r.err.find("cannot reach the daemon at http://127.0.0.1:1"), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_TRUE(r.out.empty());
  }
}

TEST(DaemonClientToken, AskedForWithoutTokenAndAcceptedWithIt) {
  TempDir dir;
  const std::string token_file = dir / "token";
  std::ofstream(token_file) << "0123456789abcdef0123456789abcdef\n";
  auto daemon = start_daemon(dir, dir / "store.db", {"--token-file", token_file});
  ASSERT_FALSE(daemon.url.empty()) << read_file(daemon.child.err_path);
  auto without = run_harness({"runs", "--daemon", daemon.url}, dir);
  EXPECT_EQ(without.exit_code, 2);
  EXPECT_NE(without.err.find("--token-file"), std::string::npos) << without.err;
  auto with = run_harness({"runs", "--daemon", daemon.url, "--token-file", token_file}, dir);
  EXPECT_EQ(with.exit_code, 0) << with.err;
  EXPECT_EQ(with.out.rfind("   id  status", 0), 0u) << with.out;
  stop_daemon(daemon);
}

}  // namespace
}  // namespace harness::testing
