// `harness serve` over loopback: submit and watch a run, the report equals the CLI's,
// cancel and resume, strict validation, size limits, the token.
#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "benches/common/jsonl.h"
#include "harness/daemon_test_util.h"
#include "harness/gsm8k_fixture_responder.h"
#include "support/fake_openai_server.h"

namespace harness::testing {
namespace {

std::vector<std::string> serve_args(const std::string& db) {
  return {"--store", db, "--data-dir", fixtures_dir() + "/data", "--templates-dir", fixtures_dir() + "/templates"};
}

int64_t submit(const Daemon& d, const std::string& body) {
  auto a = http(d.port, "POST", "/api/runs", body);
  EXPECT_EQ(a.status, 202) << a.body;
  return a.status == 202 ? a.json()["run_id"].get<int64_t>() : 0;
}

TEST(DaemonApi, SubmittedRunStreamsProgressToTheEndAndReportsLikeTheCli) {
  TempDir dir;
  FakeOpenAIServer server;
  server.set_responder(gsm8k_three_of_four_responder());
  server.set_delay_ms(5);
  const std::string db = dir / "daemon.db";
  Daemon d(serve_args(db), dir);
  ASSERT_NE(d.port, 0) << d.log();

  const int64_t id = submit(d, fixture_run_body(server.base_url(), 4));
  ASSERT_EQ(id, 1);
  std::string events = read_events(d.port, id);
  EXPECT_NE(events.find("event: progress"), std::string::npos) << events;
  EXPECT_NE(events.find("event: end\ndata: {\"run_id\":1,\"status\":\"complete\"}"), std::string::npos) << events;

  auto run = http(d.port, "GET", "/api/runs/1");
  ASSERT_EQ(run.status, 200) << run.body;
  EXPECT_EQ(run.json()["status"], "complete");
  EXPECT_EQ(run.json()["progress"]["done"], 40);
  EXPECT_EQ(run.json()["progress"]["total"], 40);

  // The same run through the CLI, into a store of its own: the two reports are equal.
  const std::string cli_db = dir / "cli.db";
  auto cli = run_harness({"run", fixtures_dir() + "/templates/gsm8k_fixture.yaml", "--endpoint", server.base_url(),
                          "--model", "fake-model", "--variant", "base", "--store", cli_db, "--data-dir",
                          fixtures_dir() + "/data", "--concurrency", "4"},
                         dir);
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  auto cli_report = run_harness({"report", "1", "--store", cli_db}, dir);
  auto text = http(d.port, "GET", "/api/runs/1?format=text");
  EXPECT_EQ(text.status, 200);
  EXPECT_EQ(text.body, cli_report.out);
  EXPECT_NE(text.body.find("75.00"), std::string::npos) << text.body;  // 30 of 40 right

  auto runs = http(d.port, "GET", "/api/runs?format=text");
  EXPECT_EQ(runs.body, run_harness({"runs", "--store", db}, dir).out);
  auto compare = http(d.port, "GET", "/api/compare?runs=1&format=text");
  EXPECT_EQ(compare.status, 200) << compare.body;
  EXPECT_EQ(compare.body, run_harness({"compare", "1", "--store", db}, dir).out);
}

TEST(DaemonApi, CancelStopsARunningRunAndResumeFinishesItWithEverySampleOnce) {
  TempDir dir;
  FakeOpenAIServer server;
  server.set_responder(gsm8k_three_of_four_responder());
  server.set_delay_ms(40);
  const std::string db = dir / "daemon.db";
  Daemon d(serve_args(db), dir);
  ASSERT_NE(d.port, 0) << d.log();

  const int64_t first = submit(d, fixture_run_body(server.base_url(), 2));
  const int64_t second = submit(d, fixture_run_body(server.base_url(), 2, "other"));
  ASSERT_TRUE(wait_for([&] { return run_samples(db, first).size() >= 3; })) << d.log();
  // One run at a time: the second waits, and cancelling it is immediate.
  auto queued = http(d.port, "GET", "/api/runs/" + std::to_string(second));
  EXPECT_EQ(queued.json()["status"], "queued");
  EXPECT_EQ(queued.json()["queue_position"], 1);
  EXPECT_EQ(http(d.port, "POST", "/api/runs/" + std::to_string(second) + "/cancel").status, 202);
  EXPECT_EQ(http(d.port, "GET", "/api/runs/" + std::to_string(second)).json()["status"], "cancelled");

  EXPECT_EQ(http(d.port, "POST", "/api/runs/1/cancel").status, 202);
  std::string events = read_events(d.port, first);
  EXPECT_NE(events.find("\"status\":\"cancelled\""), std::string::npos) << events;
  const size_t stored = run_samples(db, first).size();
  EXPECT_LT(stored, 40u);
  EXPECT_EQ(http(d.port, "POST", "/api/runs/1/cancel").status, 409);

  auto resumed = http(d.port, "POST", "/api/runs/1/resume", R"({"concurrency": 4})");
  EXPECT_EQ(resumed.status, 202) << resumed.body;
  events = read_events(d.port, first);
  EXPECT_NE(events.find("event: end\ndata: {\"run_id\":1,\"status\":\"complete\"}"), std::string::npos) << events;
  auto samples = run_samples(db, first);
  std::set<int> indices;
  for (const auto& s : samples) indices.insert(s.doc_index);
  EXPECT_EQ(samples.size(), 40u);
  EXPECT_EQ(indices.size(), 40u);
  EXPECT_EQ(http(d.port, "POST", "/api/runs/1/resume").status, 409);  // complete
}

TEST(DaemonApi, RefusesBadRequestsWithAnErrorNamingTheProblem) {
  TempDir dir;
  const std::string db = dir / "daemon.db";
  Daemon d(serve_args(db), dir);
  ASSERT_NE(d.port, 0) << d.log();
  auto error_of = [](const HttpAnswer& a) { return a.json()["error"].get<std::string>(); };

  auto a = http(d.port, "POST", "/api/runs", "{\"targets\": [");
  EXPECT_EQ(a.status, 400);
  EXPECT_NE(error_of(a).find("not valid JSON"), std::string::npos) << a.body;

  a = http(d.port, "POST", "/api/runs",
           R"({"targets": ["gsm8k_fixture"], "variant": "v", "endpoints": [{"url": "http://127.0.0.1:1", "model": "m"}], "temperature": 0})");
  EXPECT_EQ(a.status, 400);
  EXPECT_NE(error_of(a).find("unknown field 'temperature'"), std::string::npos) << a.body;

  a = http(d.port, "POST", "/api/runs",
           R"({"targets": ["gsm8k_fixture"], "variant": "v", "endpoints": [{"url": "http://127.0.0.1:1", "model": "m", "key": "x"}]})");
  EXPECT_NE(error_of(a).find("unknown field 'endpoints[0].key'"), std::string::npos) << a.body;

  a = http(d.port, "POST", "/api/runs",
           R"({"targets": ["gsm8k_fixture"], "variant": "v", "endpoints": [{"url": "http://127.0.0.1:1", "model": "m"}], "concurrency": "8"})");
  EXPECT_EQ(a.status, 400);
  EXPECT_NE(error_of(a).find("'concurrency' must be an integer"), std::string::npos) << a.body;

  // Files outside the data dir cannot be named.
  a = http(d.port, "POST", "/api/runs",
           R"({"targets": ["/etc/passwd.yaml"], "variant": "v", "endpoints": [{"url": "http://127.0.0.1:1", "model": "m"}]})");
  EXPECT_EQ(a.status, 400);
  a = http(d.port, "POST", "/api/runs",
           R"({"targets": ["../../etc/x"], "variant": "v", "endpoints": [{"url": "http://127.0.0.1:1", "model": "m"}]})");
  EXPECT_EQ(a.status, 400);
  a = http(d.port, "POST", "/api/runs",
           nlohmann::json{{"targets", {fixtures_dir() + "/templates/gsm8k_fixture.yaml"}},
                          {"variant", "v"},
                          {"endpoints", {{{"url", "http://127.0.0.1:1"}, {"model", "m"}}}}}
               .dump());
  EXPECT_EQ(a.status, 400);
  EXPECT_NE(error_of(a).find("outside the daemon's data dir"), std::string::npos) << a.body;

  // Pre-flight failure: nothing listens there.
  a = http(d.port, "POST", "/api/runs",
           R"({"targets": ["gsm8k_fixture"], "variant": "v", "endpoints": [{"url": "http://127.0.0.1:1", "model": "m"}]})");
  EXPECT_EQ(a.status, 422) << a.body;
  EXPECT_EQ(http(d.port, "GET", "/api/runs").json().size(), 0u);  // it left no trace

  EXPECT_EQ(http(d.port, "GET", "/api/nothing").status, 404);
  EXPECT_EQ(http(d.port, "DELETE", "/api/runs").status, 405);
  EXPECT_EQ(http(d.port, "GET", "/api/runs/7").status, 404);
  EXPECT_EQ(http(d.port, "GET", "/api/runs/x1").status, 400);
  EXPECT_EQ(http(d.port, "GET", "/api/runs?colour=red").status, 400);
  EXPECT_EQ(http(d.port, "GET", "/api/runs?format=xml").status, 400);

  // Over 1 MiB: refused from the Content-Length alone.
  std::string raw = "POST /api/runs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    "Content-Length: 2000000\r\n\r\n" + std::string(1000, ' ');
  EXPECT_EQ(http_exchange(d.port, raw).status, 413);
  // A web page elsewhere cannot drive it.
  raw = "POST /api/runs/1/cancel HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(d.port) +
        "\r\nOrigin: http://evil.example\r\nContent-Length: 0\r\n\r\n";
  EXPECT_EQ(http_exchange(d.port, raw).status, 403);
  raw = "GET /api/runs HTTP/1.1\r\nHost: rebind.example:" + std::to_string(d.port) + "\r\n\r\n";
  EXPECT_EQ(http_exchange(d.port, raw).status, 403);

  auto health = http(d.port, "GET", "/api/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.json()["ok"], true);
  EXPECT_EQ(http(d.port, "GET", "/").status, 200);
}

TEST(DaemonApi, TokenIsRequiredWhenConfiguredAndForAnyNonLoopbackAddress) {
  TempDir dir;
  const std::string db = dir / "daemon.db";
  auto refused = run_harness({"serve", "--listen", "0.0.0.0:0", "--store", db}, dir);
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("not a loopback address"), std::string::npos) << refused.err;

  const std::string token = "0123456789abcdef0123456789abcdef";
  std::ofstream(dir / "token") << token << "\n";
  auto args = serve_args(db);
  args.insert(args.end(), {"--token-file", dir / "token"});
  Daemon d(args, dir);
  ASSERT_NE(d.port, 0) << d.log();
  EXPECT_EQ(http(d.port, "GET", "/api/runs").status, 401);
  EXPECT_EQ(http(d.port, "GET", "/api/runs", "", "0123456789abcdef0123456789abcdeX").status, 401);
  EXPECT_EQ(http(d.port, "GET", "/api/runs", "", token.substr(1)).status, 401);
  EXPECT_EQ(http(d.port, "GET", "/api/runs", "", token).status, 200);
  EXPECT_EQ(http(d.port, "GET", "/").status, 200);  // the page asks for the token itself

  // A second daemon on the same store is refused.
  auto second = run_harness({"serve", "--listen", "127.0.0.1:0", "--store", db}, dir);
  EXPECT_EQ(second.exit_code, 6) << second.err;
}

TEST(DaemonApi, ClosesConnectionsWhoseRequestDoesNotArriveInTime) {
  TempDir dir;
  auto args = serve_args(dir / "daemon.db");
  args.insert(args.end(), {"--request-timeout", "1"});
  Daemon d(args, dir);
  ASSERT_NE(d.port, 0) << d.log();
  // Half a request line, then nothing: the daemon hangs up after the timeout.
  auto t0 = std::chrono::steady_clock::now();
  auto a = http_exchange(d.port, "GET /api/hea", 10);
  double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(a.status, 0);
  EXPECT_LT(waited, 5.0);
  // The daemon still answers others.
  EXPECT_EQ(http(d.port, "GET", "/api/health").status, 200);
}

}  // namespace
}  // namespace harness::testing
