// `harness serve` against hostile API clients (issue #17): endpoints the operator did not
// allow, the API key, the token before the body, bounds on what a client may ask for,
// path components that leave their folder, and queued runs that hold no model.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "engine/random_checkpoint.h"
#include "harness/daemon_test_util.h"
#include "harness/errors.h"
#include "harness/gsm8k_fixture_responder.h"
#include "harness/plan.h"
#include "harness/run_setup.h"
#include "support/fake_openai_server.h"

namespace harness::testing {
namespace {

namespace fs = std::filesystem;

const std::string kKey = "sk-daemon-secret-0123456789";

std::vector<std::string> serve_args(const std::string& db, const std::string& data_dir = fixtures_dir() + "/data") {
  return {"--store", db, "--data-dir", data_dir, "--templates-dir", fixtures_dir() + "/templates"};
}

std::string error_of(const HttpAnswer& a) {
  auto j = nlohmann::json::parse(a.body, nullptr, false);
  return j.is_object() && j.contains("error") ? j["error"].get<std::string>() : a.body;
}

std::string run_body(const std::string& url) {
  return nlohmann::json{{"targets", {"gsm8k_fixture"}},
                        {"variant", "v"},
                        {"endpoints", {{{"url", url}, {"model", "fake-model"}}}},
                        {"limit", 4}}
      .dump();
}

std::string status_at_end(const Daemon& d, int64_t id) {
  std::string events = read_events(d.port, id);
  auto at = events.find("event: end\ndata: ");
  if (at == std::string::npos) return "no end event: " + events;
  auto j = nlohmann::json::parse(events.substr(at + 16, events.find('\n', at + 16) - at - 16));
  return j["status"].get<std::string>();
}

TEST(DaemonSecurity, ApiRunsReachOnlyLoopbackByDefaultAndNeverGetTheKey) {
  TempDir dir;
  FakeOpenAIServer server;
  server.set_responder(gsm8k_three_of_four_responder());
  Daemon d(serve_args(dir / "d.db"), dir, {"OPENAI_API_KEY=" + kKey});
  ASSERT_NE(d.port, 0) << d.log();

  // Another host (here one that does not answer): refused before any request goes out.
  for (const std::string url : {"http://10.255.255.1:9/v1", "http://127.0.0.1@evil.example/v1",
                                "http://localhost.evil.example:8000/v1", "http://[::ffff:10.0.0.1]:80/v1"}) {
    auto a = http(d.port, "POST", "/api/runs", run_body(url));
    EXPECT_EQ(a.status, 403) << url << ": " << a.body;
    EXPECT_NE(error_of(a).find("--allow-endpoint"), std::string::npos) << a.body;
  }
  // A loopback endpoint runs, but the key the daemon holds is never sent to it.
  auto a = http(d.port, "POST", "/api/runs", run_body(server.base_url() + "/v1"));
  ASSERT_EQ(a.status, 202) << a.body;
  EXPECT_EQ(status_at_end(d, a.json()["run_id"]), "complete");
  const auto requests = server.requests();
  ASSERT_GT(server.warmup_count(), 0u);
  ASSERT_GE(server.chat_request_count(), 4u);
  for (const auto& r : requests)
    EXPECT_EQ(r.headers.count("authorization"), 0u) << r.method << " " << r.target << " carried the daemon's key";
}

TEST(DaemonSecurity, TheKeyGoesOnlyToEndpointsUnderAnOperatorPrefix) {
  TempDir dir;
  FakeOpenAIServer server;
  server.set_responder(gsm8k_three_of_four_responder());
  auto args = serve_args(dir / "d.db");
  args.insert(args.end(), {"--allow-endpoint", server.base_url()});
  Daemon d(args, dir, {"OPENAI_API_KEY=" + kKey});
  ASSERT_NE(d.port, 0) << d.log();

  auto a = http(d.port, "POST", "/api/runs", run_body(server.base_url() + "/v1"));
  ASSERT_EQ(a.status, 202) << a.body;
  EXPECT_EQ(status_at_end(d, a.json()["run_id"]), "complete");
  size_t warmups = 0, chats = 0;
  for (const auto& r : server.requests()) {
    EXPECT_EQ(r.headers.count("authorization") ? r.headers.at("authorization") : "", "Bearer " + kKey) << r.target;
    warmups += r.warmup;
    chats += !r.warmup && r.target == "/v1/chat/completions";
  }
  EXPECT_GT(warmups, 0u);
  EXPECT_GE(chats, 4u);

  // With a list, only the list: another loopback port and a longer port number are refused.
  const std::string longer_port = server.base_url() + "0/v1";
  for (const std::string url : {std::string("http://127.0.0.1:1/v1"), longer_port}) {
    auto refused = http(d.port, "POST", "/api/runs", run_body(url));
    EXPECT_EQ(refused.status, 403) << url << ": " << refused.body;
    EXPECT_NE(error_of(refused).find(server.base_url()), std::string::npos) << refused.body;
    EXPECT_NE(error_of(refused).find("--allow-endpoint"), std::string::npos) << refused.body;
  }
  auto bad = run_harness({"serve", "--allow-endpoint", "ftp://x", "--store", dir / "other.db"}, dir);
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  EXPECT_NE(bad.err.find("--allow-endpoint 'ftp://x'"), std::string::npos) << bad.err;
}

TEST(DaemonSecurity, TheTokenIsCheckedBeforeTheBodyIsRead) {
  TempDir dir;
  const std::string token = "0123456789abcdef0123456789abcdef";
  std::ofstream(dir / "token") << token << "\n";
  auto args = serve_args(dir / "d.db");
  args.insert(args.end(), {"--token-file", dir / "token"});
  Daemon d(args, dir);
  ASSERT_NE(d.port, 0) << d.log();
  // Headers announcing a body that never comes: the answer must not wait for it (the
  // request timeout is 30 s; the exchange gives up after 5).
  for (const std::string auth : {std::string(""), std::string("Authorization: Bearer wrong-token-wrong-token\r\n")}) {
    const std::string raw = "POST /api/runs HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth +
                            "Content-Type: application/json\r\nContent-Length: 900000\r\n\r\n";
    auto a = http_exchange(d.port, raw, 5);
    EXPECT_EQ(a.status, 401) << auth << a.body;
  }
}

TEST(DaemonSecurity, RequestTimeoutAndConcurrencyAreBounded) {
  TempDir dir;
  FakeOpenAIServer server;
  server.set_responder(gsm8k_three_of_four_responder());
  auto args = serve_args(dir / "d.db");
  args.insert(args.end(), {"--max-run-concurrency", "8"});
  Daemon d(args, dir);
  ASSERT_NE(d.port, 0) << d.log();
  auto body = nlohmann::json::parse(run_body(server.base_url() + "/v1"));

  auto with = [&](const std::string& field, nlohmann::json value) {
    auto b = body;
    b[field] = std::move(value);
    return http(d.port, "POST", "/api/runs", b.dump());
  };
  auto a = with("request_timeout_s", 1e300);  // milliseconds of it overflow libcurl's long
  EXPECT_EQ(a.status, 400) << a.body;
  EXPECT_NE(error_of(a).find("--max-request-timeout"), std::string::npos) << a.body;
  a = with("request_timeout_s", 86401);
  EXPECT_EQ(a.status, 400) << a.body;
  a = with("concurrency", 4096);  // one thread per request in flight
  EXPECT_EQ(a.status, 400) << a.body;
  EXPECT_NE(error_of(a).find("--max-run-concurrency"), std::string::npos) << a.body;
  a = with("concurrency", 9);
  EXPECT_EQ(a.status, 400) << a.body;
  a = with("concurrency", 8);
  ASSERT_EQ(a.status, 202) << a.body;
  const std::string id = std::to_string(a.json()["run_id"].get<int64_t>());
  status_at_end(d, std::stoll(id));
  auto resumed = http(d.port, "POST", "/api/runs/" + id + "/resume", R"({"concurrency": 100000})");
  EXPECT_EQ(resumed.status, 400) << resumed.body;
  EXPECT_NE(error_of(resumed).find("--max-run-concurrency"), std::string::npos) << resumed.body;
}

TEST(DaemonSecurity, AnEndlessReplyFailsItsSampleWithAClearErrorInsteadOfFillingMemory) {
  TempDir dir;
  FakeOpenAIServer server;
  server.set_responder(gsm8k_three_of_four_responder());
  server.push_fault(endless_body());  // the first chat request of the run
  const std::string db = dir / "d.db";
  Daemon d(serve_args(db), dir, {"HARNESS_MAX_REPLY_MB=1"});
  ASSERT_NE(d.port, 0) << d.log();
  auto a = http(d.port, "POST", "/api/runs", run_body(server.base_url() + "/v1"));
  ASSERT_EQ(a.status, 202) << a.body;
  const int64_t id = a.json()["run_id"];
  EXPECT_EQ(status_at_end(d, id), "incomplete") << d.log();
  auto samples = run_samples(db, id);
  ASSERT_EQ(samples.size(), 4u);
  int failed = 0;
  for (const auto& s : samples) {
    if (s.status != "failed") continue;
    ++failed;
    EXPECT_NE(s.error.find("reply too large"), std::string::npos) << s.error;
    EXPECT_NE(s.error.find(std::to_string(1 << 20)), std::string::npos) << s.error;
    EXPECT_LE(s.response_raw.size(), 4096u);
  }
  EXPECT_EQ(failed, 1);
}

TEST(DaemonSecurity, SuiteTemplateNamesCannotLeaveTheTemplatesDir) {
  TempDir dir;
  FakeOpenAIServer server;
  server.set_responder(gsm8k_three_of_four_responder());
  // A valid template outside the templates dir, and a suite that climbs out to it.
  const fs::path root = dir / "";
  fs::create_directories(root / "templates" / "suites");
  fs::create_directories(root / "outside");
  fs::copy_file(fixtures_dir() + "/templates/gsm8k_fixture.yaml", root / "outside" / "gsm8k_fixture.yaml");
  std::ofstream(root / "templates" / "suites" / "climb.yaml")
      << "name: climb\ndescription: leaves the templates dir\ntemplates: [\"../outside/gsm8k_fixture\"]\n";
  Daemon d({"--store", dir / "d.db", "--data-dir", fixtures_dir() + "/data", "--templates-dir", (root / "templates").string()}, dir);
  ASSERT_NE(d.port, 0) << d.log();
  auto body = nlohmann::json::parse(run_body(server.base_url() + "/v1"));
  body["targets"] = {"climb"};
  auto a = http(d.port, "POST", "/api/runs", body.dump());
  EXPECT_EQ(a.status, 422) << a.body;
  EXPECT_NE(error_of(a).find("not a template name"), std::string::npos) << a.body;
  EXPECT_EQ(http(d.port, "GET", "/api/runs").json().size(), 0u);
}

TEST(DaemonSecurity, TaskIdsFileOfAStoredTemplateCannotLeaveTheDataDir) {
  // Stored templates (resume) come back without the loader's check; make_plans checks too.
  // The file exists, so only the path check stands between it and the read.
  BenchTemplate t = load_template_file(fixtures_dir() + "/templates/gsm8k_fixture.yaml");
  t.selection = {};
  t.selection.kind = Selection::Kind::TaskIdsFile;
  for (const std::string file : {std::string("../templates/gsm8k_fixture.yaml"), fixtures_dir() + "/templates/gsm8k_fixture.yaml"}) {
    t.selection.task_ids_file = file;
    try {
      make_plans({t}, fixtures_dir() + "/data", 0);
      ADD_FAILURE() << file << " was read";
    } catch (const CommandError& e) {
      EXPECT_NE(std::string(e.what()).find("leaves the data dir"), std::string::npos) << e.what();
    }
  }
}

TEST(DaemonSecurity, AQueuedEngineRunLoadsItsModelOnlyWhenItStarts) {
  TempDir dir;
  const fs::path data = dir / "data", tiny = data / "tiny";
  fs::create_directories(data);
  fs::copy(fixtures_dir() + "/data", data, fs::copy_options::recursive);
  engine::write_random_checkpoint(tiny.string(), "tiny", 1);
  FakeOpenAIServer server;
  server.set_responder(gsm8k_three_of_four_responder());
  server.set_delay_ms(100);
  const std::string db = dir / "d.db";
  Daemon d(serve_args(db, data.string()), dir);
  ASSERT_NE(d.port, 0) << d.log();

  // Run 1 holds the only executor; run 2 (engine) waits in the queue.
  auto first = http(d.port, "POST", "/api/runs", fixture_run_body(server.base_url(), 1));
  ASSERT_EQ(first.status, 202) << first.body;
  auto engine_body = nlohmann::json{{"targets", {"gsm8k_fixture"}}, {"variant", "tiny"},
                                    {"engine", tiny.string()}, {"limit", 1}};
  auto second = http(d.port, "POST", "/api/runs", engine_body.dump());
  ASSERT_EQ(second.status, 202) << second.body;
  const int64_t id = second.json()["run_id"];
  EXPECT_EQ(http(d.port, "GET", "/api/runs/" + std::to_string(id)).json()["status"], "queued");
  // While it waits the model goes away: a run that had loaded it at submission would still
  // finish; one that loads it at start fails, naming the missing file.
  fs::remove(tiny / "model.safetensors");
  EXPECT_EQ(http(d.port, "POST", "/api/runs/1/cancel").status, 202);
  EXPECT_EQ(status_at_end(d, id), "failed");
  auto report = http(d.port, "GET", "/api/runs/" + std::to_string(id)).json();
  EXPECT_NE(report.value("error", "").find("model.safetensors"), std::string::npos) << report.dump();

  // Restored, a queued engine run starts, loads the model and stores its fingerprint then.
  engine::write_random_checkpoint(tiny.string(), "tiny", 1);
  auto third = http(d.port, "POST", "/api/runs", engine_body.dump());
  ASSERT_EQ(third.status, 202) << third.body;
  const int64_t id3 = third.json()["run_id"];
  EXPECT_EQ(status_at_end(d, id3), "complete") << d.log();
  auto run = http(d.port, "GET", "/api/runs/" + std::to_string(id3)).json();
  EXPECT_EQ(run["fingerprint"]["flavour"], "embedded") << run.dump();
}

}  // namespace
}  // namespace harness::testing
