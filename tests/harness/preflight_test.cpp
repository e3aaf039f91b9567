// Pre-flight checks one by one (against the in-process fake server and the GSM8K fixture
// plans) and the early-stop rule on the first generations.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "harness/cli_test_util.h"
#include "harness/errors.h"
#include "harness/preflight.h"
#include "harness/run_setup.h"
#include "harness/template.h"
#include "support/fake_openai_server.h"

namespace harness::testing {
namespace {

namespace fs = std::filesystem;
using Status = PreflightCheck::Status;

std::string fixture_data() { return fixtures_dir() + "/data"; }

std::vector<BenchPlan> fixture_plans(const std::string& data_dir, int limit = 5) {
  return make_plans({load_template_file(fixtures_dir() + "/templates/gsm8k_fixture.yaml")}, data_dir, limit);
}

PreflightOptions fast_options() {
  PreflightOptions o;
  o.ready_wait_s = 5;
  o.connect_wait_s = 0.3;
  o.poll_interval_s = 0.02;
  o.request_timeout_s = 10;
  return o;
}

RunConfig config_for(const std::string& url) {
  RunConfig c;
  OpenAIEndpoint ep;
  ep.base_url = url;
  ep.model = "fake-model";
  c.endpoints.push_back(ep);
  return c;
}

const PreflightCheck& only(const PreflightReport& r) {
  EXPECT_EQ(r.checks.size(), 1u) << r.summary();
  return r.checks.at(0);
}

// ---------------------------------------------------------------- datasets

TEST(PreflightData, FixtureDataMatchesItsOwnSha256Sums) {
  PreflightReport report;
  check_datasets(fixture_plans(fixture_data()), fixture_data(), report);
  const auto& c = only(report);
  EXPECT_EQ(c.status, Status::Ok) << report.summary();
  EXPECT_NE(c.detail.find("2 file(s) match"), std::string::npos) << c.detail;
  EXPECT_NE(c.detail.find("not the pinned upstream"), std::string::npos) << c.detail;
}

TEST(PreflightData, FileThatIsNotThePinnedOneFails) {
  // The fixture without its SHA256SUMS is checked against the pinned upstream sha256.
  TempDir dir;
  fs::copy(fixture_data() + "/gsm8k", dir / "gsm8k", fs::copy_options::recursive);
  PreflightReport report;
  check_datasets(fixture_plans(dir.path.string()), dir.path.string(), report);
  const auto& c = only(report);
  EXPECT_EQ(c.status, Status::Failed);
  EXPECT_EQ(c.exit_code, kExitBadInput);
  EXPECT_NE(c.detail.find("gsm8k/test.jsonl has sha256 37ebc4d0e28b"), std::string::npos) << c.detail;
  EXPECT_NE(c.detail.find("expected 3730d312f6e3"), std::string::npos) << c.detail;
  EXPECT_NE(c.detail.find("(pinned)"), std::string::npos) << c.detail;
  EXPECT_NE(c.detail.find("harness data pull gsm8k"), std::string::npos) << c.detail;
}

TEST(PreflightData, FileChangedAfterItsSha256SumsFails) {
  TempDir dir;
  fs::copy(fixture_data(), dir.path, fs::copy_options::recursive);
  { std::ofstream(dir / "gsm8k/train.jsonl", std::ios::app) << "\n"; }
  PreflightReport report;
  check_datasets(fixture_plans(dir.path.string()), dir.path.string(), report);
  const auto& c = only(report);
  EXPECT_EQ(c.status, Status::Failed);
  EXPECT_NE(c.detail.find("gsm8k/train.jsonl"), std::string::npos) << c.detail;
  EXPECT_NE(c.detail.find("SHA256SUMS"), std::string::npos) << c.detail;
}

// ---------------------------------------------------------------- endpoints

TEST(PreflightEndpoint, ReadyServerAnswersTheWarmupAndTellsItsContext) {
  FakeOpenAIServer server;  // vLLM-shaped, max_model_len 32768
  PreflightReport report;
  std::ostringstream log;
  auto limits = check_endpoints(config_for(server.base_url()), fast_options(), report, log);
  EXPECT_EQ(only(report).status, Status::Ok) << report.summary();
  ASSERT_EQ(limits.size(), 1u);
  EXPECT_EQ(limits[0].flavour, "vllm");
  ASSERT_TRUE(limits[0].ctx_per_request);
  EXPECT_EQ(*limits[0].ctx_per_request, 32768);
  EXPECT_EQ(limits[0].ctx_source, "/v1/models max_model_len");
  EXPECT_EQ(server.warmup_count(), 1u);
  // The warm-up is small, with thinking off, and invisible to the run's request counts.
  auto all = server.requests();
  auto warmup = std::find_if(all.begin(), all.end(), [](const RecordedRequest& r) { return r.warmup; });
  ASSERT_NE(warmup, all.end());
  auto body = nlohmann::json::parse(warmup->body);
  EXPECT_EQ(body["max_tokens"], 8);
  EXPECT_EQ(body["chat_template_kwargs"]["enable_thinking"], false);
  EXPECT_EQ(server.chat_request_count(), 0u);
  EXPECT_TRUE(server.chat_requests().empty());
}

TEST(PreflightEndpoint, WarmupDoesNotTakeQueuedFaults) {
  FakeOpenAIServer server;
  server.push_fault(http_error(500, "scripted for the run"));
  PreflightReport report;
  std::ostringstream log;
  check_endpoints(config_for(server.base_url()), fast_options(), report, log);
  EXPECT_EQ(only(report).status, Status::Ok) << report.summary();
  EXPECT_EQ(server.pending_faults(), 1u);
}

TEST(PreflightEndpoint, EmptyWarmupReplyFails) {
  FakeOpenAIServer server;
  server.set_warmup_reply(text_reply(""));
  PreflightReport report;
  std::ostringstream log;
  check_endpoints(config_for(server.base_url()), fast_options(), report, log);
  const auto& c = only(report);
  EXPECT_EQ(c.status, Status::Failed);
  EXPECT_EQ(c.exit_code, kExitEndpoint);
  EXPECT_NE(c.detail.find("empty reply"), std::string::npos) << c.detail;
}

TEST(PreflightEndpoint, ReasoningOnlyWarmupReplyCounts) {
  FakeOpenAIServer server;
  server.set_warmup_reply(empty_content_with_reasoning("Thinking about OK"));
  PreflightReport report;
  std::ostringstream log;
  check_endpoints(config_for(server.base_url()), fast_options(), report, log);
  EXPECT_EQ(only(report).status, Status::Ok) << report.summary();
}

TEST(PreflightEndpoint, LoadingServerIsWaitedFor) {
  FakeServerOptions options;
  options.not_ready_requests = 4;  // /v1/models ×4 answer 503
  FakeOpenAIServer server(options);
  PreflightReport report;
  std::ostringstream log;
  check_endpoints(config_for(server.base_url()), fast_options(), report, log);
  EXPECT_EQ(only(report).status, Status::Ok) << report.summary();
  EXPECT_NE(log.str().find("answers 503"), std::string::npos) << log.str();
  EXPECT_EQ(server.warmup_count(), 1u);
}

TEST(PreflightEndpoint, ServerThatNeverFinishesLoadingFailsAfterTheWait) {
  FakeServerOptions options;
  options.not_ready_requests = 1000000;
  FakeOpenAIServer server(options);
  PreflightOptions o = fast_options();
  o.ready_wait_s = 0.3;
  PreflightReport report;
  std::ostringstream log;
  check_endpoints(config_for(server.base_url()), o, report, log);
  const auto& c = only(report);
  EXPECT_EQ(c.status, Status::Failed);
  EXPECT_EQ(c.exit_code, kExitEndpoint);
  EXPECT_NE(c.detail.find("still answers 503"), std::string::npos) << c.detail;
  EXPECT_NE(c.detail.find("HARNESS_PREFLIGHT_WAIT_S"), std::string::npos) << c.detail;
}

TEST(PreflightEndpoint, ClosedPortFailsQuickly) {
  PreflightReport report;
  std::ostringstream log;
  const auto start = std::chrono::steady_clock::now();
  check_endpoints(config_for("http://127.0.0.1:1"), fast_options(), report, log);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  const auto& c = only(report);
  EXPECT_EQ(c.status, Status::Failed);
  EXPECT_NE(c.detail.find("not reachable"), std::string::npos) << c.detail;
}

TEST(PreflightEndpoint, UnknownModelNamesTheServedOnes) {
  FakeOpenAIServer server;
  server.set_warmup_reply(http_error(404, "The model `nope` does not exist."));
  PreflightReport report;
  std::ostringstream log;
  check_endpoints(config_for(server.base_url()), fast_options(), report, log);
  const auto& c = only(report);
  EXPECT_EQ(c.status, Status::Failed);
  EXPECT_NE(c.detail.find("HTTP 404"), std::string::npos) << c.detail;
  EXPECT_NE(c.detail.find("check --model"), std::string::npos) << c.detail;
}

// ---------------------------------------------------------------- context and budget

TEST(PreflightContext, LlamaSlotTooSmallFailsWithTheNumbers) {
  FakeServerOptions options;
  options.flavour = "llama";
  options.n_ctx = 600;
  FakeOpenAIServer server(options);
  PreflightReport endpoint_report;
  std::ostringstream log;
  auto limits = check_endpoints(config_for(server.base_url()), fast_options(), endpoint_report, log);
  ASSERT_EQ(limits.size(), 1u) << endpoint_report.summary();
  EXPECT_EQ(limits[0].ctx_source, "/props n_ctx per slot");

  auto plans = fixture_plans(fixture_data());
  const int64_t prompt = [&] {
    int64_t m = 0;
    for (const auto* p : plans[0].problems) m = std::max(m, estimate_prompt_tokens(p->messages));
    return m;
  }();
  ASSERT_GT(prompt + 512, 600);  // the 5-shot prompt alone is well over 88 tokens
  PreflightReport report;
  check_context(plans, limits, report);
  const auto& c = only(report);
  EXPECT_EQ(c.status, Status::Failed);
  EXPECT_EQ(c.exit_code, kExitServerConfig);
  const std::string need = std::to_string(prompt + 512);
  EXPECT_NE(c.detail.find("gives a request 600 tokens"), std::string::npos) << c.detail;
  EXPECT_NE(c.detail.find("needs about " + need), std::string::npos) << c.detail;
  EXPECT_NE(c.detail.find("max_gen_toks 512"), std::string::npos) << c.detail;
  EXPECT_NE(c.detail.find("-c at least " + need + " × --parallel"), std::string::npos) << c.detail;
}

TEST(PreflightContext, FitsOrIsNotCheckedWhenTheServerDoesNotTell) {
  auto plans = fixture_plans(fixture_data());
  EndpointLimits big;
  big.base_url = "http://a";
  big.ctx_per_request = 32768;
  big.ctx_source = "/v1/models max_model_len";
  PreflightReport ok;
  check_context(plans, {big}, ok);
  EXPECT_EQ(only(ok).status, Status::Ok) << ok.summary();

  EndpointLimits silent;
  silent.base_url = "http://b";
  PreflightReport unknown;
  check_context(plans, {silent}, unknown);
  EXPECT_EQ(only(unknown).status, Status::NotChecked);
  EXPECT_NE(only(unknown).detail.find("does not tell"), std::string::npos);
}

TEST(PreflightContext, EstimateIsCharsOverThreePlusMessageOverhead) {
  std::vector<benches::Message> messages = {{"user", std::string(300, 'a')}, {"assistant", "abcd"}};
  EXPECT_EQ(estimate_prompt_tokens(messages), 100 + 8 + 2 + 8);
}

// llama-server shows --reasoning-format in /props but no budget anywhere; the check then says
// how the template's budget reaches the server (per request) instead of guessing a field.
TEST(PreflightBudget, LlamaServerShowsNoBudgetSoTheRequestCarriesIt) {
  FakeServerOptions options;
  options.flavour = "llama";
  options.reasoning_format = "deepseek";
  FakeOpenAIServer server(options);
  PreflightReport endpoint_report;
  std::ostringstream log;
  auto limits = check_endpoints(config_for(server.base_url()), fast_options(), endpoint_report, log);
  ASSERT_EQ(limits.size(), 1u);
  EXPECT_FALSE(limits[0].reasoning_budget);
  EXPECT_EQ(limits[0].reasoning_format, "deepseek");

  PreflightReport report;
  check_reasoning_budget(fixture_plans(fixture_data()), limits, report);  // template: 256
  const auto& c = only(report);
  EXPECT_EQ(c.status, Status::NotChecked);
  EXPECT_NE(c.detail.find("sends 256 per request as reasoning_budget_tokens"), std::string::npos) << c.detail;
}

TEST(PreflightBudget, MatchingUnrestrictedOrUnknownBudgets) {
  auto plans = fixture_plans(fixture_data());
  EndpointLimits same, unrestricted, silent;
  same.reasoning_budget = 256;
  unrestricted.reasoning_budget = -1;
  PreflightReport a, b, c;
  check_reasoning_budget(plans, {same}, a);
  check_reasoning_budget(plans, {unrestricted}, b);
  check_reasoning_budget(plans, {silent}, c);
  EXPECT_EQ(only(a).status, Status::Ok);
  EXPECT_EQ(only(b).status, Status::Ok);
  EXPECT_EQ(only(c).status, Status::NotChecked);

  plans[0].tmpl.reasoning.enable_thinking = false;  // thinking off: nothing to compare
  PreflightReport off;
  check_reasoning_budget(plans, {same}, off);
  EXPECT_EQ(only(off).status, Status::NotChecked);
}

// ---------------------------------------------------------------- toolchains

BenchPlan code_plan(const std::string& bench, const std::string& lang = "") {
  BenchPlan p;
  p.tmpl.name = bench + "_t";
  p.tmpl.bench = bench;
  p.ctx.lang = lang;
  return p;
}

TEST(PreflightToolchains, EachCodeBenchNeedsItsToolchain) {
  EXPECT_EQ(toolchains_for(code_plan("humaneval")), std::vector<std::string>{"python3"});
  EXPECT_EQ(toolchains_for(code_plan("livecodebench")), std::vector<std::string>{"python3"});
  EXPECT_EQ(toolchains_for(code_plan("multipl_e", "java")), std::vector<std::string>{"javac+java"});
  EXPECT_EQ(toolchains_for(code_plan("multipl_e", "js")), std::vector<std::string>{"node"});
  EXPECT_TRUE(toolchains_for(code_plan("gsm8k")).empty());
}

TEST(PreflightToolchains, MissingCompilerFailsNamingTheTemplate) {
  std::vector<BenchPlan> plans = {code_plan("multipl_e", "rs"), code_plan("humaneval")};
  PreflightReport report;
  check_toolchains(plans, [](const std::string& tc) {
    return tc == "rustc" ? std::string("rustc was not found on PATH; install Rust") : std::string();
  }, report);
  ASSERT_EQ(report.checks.size(), 2u);
  EXPECT_EQ(report.checks[0].status, Status::Failed);
  EXPECT_EQ(report.checks[0].exit_code, kExitToolchain);
  EXPECT_NE(report.checks[0].detail.find("needed by multipl_e_t"), std::string::npos);
  EXPECT_EQ(report.checks[1].status, Status::Ok);
}

// ---------------------------------------------------------------- summary

TEST(PreflightReport, SummaryBlockAndFirstFailureExitCode) {
  PreflightReport r;
  r.ok("endpoint http://a", "vllm");
  r.not_checked("context t", "the server does not tell its context (http://a)");
  r.fail("toolchain rustc", "install rustc", kExitToolchain);
  r.fail("dataset gsm8k", "pull it", kExitBadInput);
  std::ostringstream log;
  try {
    finish_preflight(r, log);
    FAIL() << "a failed check must throw";
  } catch (const CommandError& e) {
    EXPECT_EQ(e.exit_code, kExitToolchain);
    EXPECT_NE(std::string(e.what()).find("pre-flight: toolchain rustc: install rustc\npre-flight: dataset gsm8k: pull it"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(log.str(),
            "pre-flight:\n"
            "  ok          endpoint http://a: vllm\n"
            "  not checked context t: the server does not tell its context (http://a)\n"
            "  FAILED      toolchain rustc: install rustc\n"
            "  FAILED      dataset gsm8k: pull it\n");
}

// ---------------------------------------------------------------- early stop

store::SampleRecord sample(std::string content, std::string finish = "stop") {
  store::SampleRecord s;
  s.doc_id = "7";
  s.content = std::move(content);
  s.text_source = s.content.empty() ? "none" : "content";
  s.finish_reason = std::move(finish);
  return s;
}

TEST(EarlyStop, WhatMakesAGenerationBroken) {
  EXPECT_EQ(broken_generation(sample("The answer is 42.")), "");
  EXPECT_EQ(broken_generation(sample("")), "empty reply (0 chars)");
  EXPECT_EQ(broken_generation(sample("  42 \n")), "empty reply (2 chars)");
  EXPECT_EQ(broken_generation(sample("long enough", "length")), "hit max_gen_toks (finish_reason length)");
  EXPECT_EQ(broken_generation(sample("<|channel>thought ...")), "leaks a chat-template control token");
  auto fallback = sample("");
  fallback.reasoning = "a reasoning-only reply that Fix-A scores";
  fallback.text_source = "reasoning";
  EXPECT_EQ(broken_generation(fallback), "");
}

TEST(EarlyStop, RuleNeedsAllThreeBrokenOrOneLeak) {
  EXPECT_EQ(early_stop_reason("t", {"doc 0: empty", "doc 1: empty"}, 2, false), "");  // not three yet
  EXPECT_EQ(early_stop_reason("t", {"doc 0: empty", "doc 1: ok", "doc 2: empty"}, 2, false), "");
  const std::string all = early_stop_reason("t", {"doc 0: e", "doc 1: e", "doc 2: e"}, 3, false);
  EXPECT_EQ(all, "the first 3 generations of t are all broken (doc 0: e; doc 1: e; doc 2: e); check the "
                 "server's chat template, reasoning parser and max_gen_toks");
  EXPECT_NE(early_stop_reason("t", {"doc 0: leaks"}, 1, true).find("leaks a chat-template control token"),
            std::string::npos);
}

}  // namespace
}  // namespace harness::testing
