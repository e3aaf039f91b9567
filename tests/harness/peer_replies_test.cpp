// What real llama-server and vLLM answered (captured by scripts/peer-check.sh --save into
// tests/peers/replies/<peer>/), replayed verbatim by the fake server: the backend, the flavour
// detection and the pre-flight must read the real JSON, not only the fake's own shapes.
// The checkpoint behind the captures scripts its thinking-on reply (scripts/peers/
// make_checkpoint.py): "<|channel>thought\n\nCounting<channel|>The answer is 18<turn|>", so
// reasoning "Counting" (vLLM keeps the second newline of the label: "\nCounting").
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "harness/backend.h"
#include "harness/openai_support.h"
#include "harness/preflight.h"
#include "harness/run_setup.h"
#include "support/fake_openai_server.h"

namespace harness {
namespace {

namespace ft = harness::testing;
using nlohmann::json;

constexpr const char* kReasoning = "Counting";
constexpr const char* kContent = "The answer is 18";

struct Peer {
  std::string dir;              // tests/peers/replies/<dir>
  std::string flavour;          // what detection must say
  std::string reasoning_field;  // where the server puts the thought
};

const Peer kAllPeers[] = {{"llama-server", "llama", "reasoning_content"}, {"vllm", "vllm", "reasoning"}};

std::string replies_dir(const Peer& p) { return std::string(HARNESS_SOURCE_DIR) + "/tests/peers/replies/" + p.dir; }

// The peers whose replies were captured and committed (a peer that could not run here has
// none; tests/peers/results says why). At least one must be there.
json capture(const Peer& p, const std::string& name);

// chat: peers whose thinking-on chat reply was a completion (llama-server answered it with
// HTTP 500, see LlamaServerRejectsAThoughtWithoutItsLabel); info: peers whose /v1/models was captured.
std::vector<Peer> captured_peers(bool chat) {
  std::vector<Peer> out;
  for (const Peer& p : kAllPeers) {
    const std::string file = replies_dir(p) + (chat ? "/chat_reasoning.json" : "/models.json");
    if (!std::ifstream(file)) continue;
    if (chat && capture(p, "chat_reasoning")["status"] != 200) continue;
    out.push_back(p);
  }
  return out;
}
const std::vector<Peer> kPeers = captured_peers(true);
const std::vector<Peer> kInfoPeers = captured_peers(false);

TEST(PeerReplies, AtLeastOnePeerWasCaptured) {
  EXPECT_FALSE(kPeers.empty()) << "no captured peer replies under tests/peers/replies";
}

// {"status": N, "body": <JSON or text>, "request": <body sent>} as peer_report.py saved it.
json capture(const Peer& p, const std::string& name) {
  std::ifstream in(replies_dir(p) + "/" + name + ".json");
  EXPECT_TRUE(in) << "missing capture " << replies_dir(p) << "/" << name << ".json";
  std::stringstream ss;
  ss << in.rdbuf();
  json j = json::parse(ss.str(), nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << name;
  return j;
}

std::string trimmed(const std::string& s) {
  const size_t a = s.find_first_not_of(" \n");
  return a == std::string::npos ? "" : s.substr(a, s.find_last_not_of(" \n") - a + 1);
}

std::string body_text(const json& record) {
  return record["body"].is_string() ? record["body"].get<std::string>() : record["body"].dump();
}

RetryPolicy fast_policy() {
  RetryPolicy r;
  r.max_attempts = 2;
  r.initial_delay_s = 0.01;
  r.max_delay_s = 0.05;
  r.connect_timeout_s = 2;
  r.request_timeout_s = 10;
  return r;
}

// A fake server whose info routes answer what the real peer answered (404 where it did).
ft::FakeServerOptions replaying_info_routes(const Peer& p) {
  ft::FakeServerOptions o;
  o.flavour = "openai";  // nothing built in: every info route below is the real one
  for (const auto& [route, name] : {std::pair<std::string, std::string>{"/props", "props"},
                                    {"/v1/models", "models"},
                                    {"/version", "version"}}) {
    const json rec = capture(p, name);
    o.route_bodies[route] = rec["status"] == 200 ? body_text(rec) : "";
  }
  return o;
}

GenerationResult replay_chat(const Peer& p, const std::string& name) {
  ft::FakeOpenAIServer server(replaying_info_routes(p));
  ft::FakeReply reply;
  reply.raw_body = body_text(capture(p, name));
  server.push_fault(reply);
  auto backend = make_openai_backend({{server.base_url(), "gemma4-tiny-peer"}}, fast_policy());
  GenerationRequest request;
  request.messages = {{"user", "Natalia sold clips"}};
  request.generation.max_gen_toks = 64;
  return backend->generate(request);
}

TEST(PeerReplies, ReasoningReplyIsSplitIntoItsField) {
  for (const Peer& p : kPeers) {
    const json raw = capture(p, "chat_reasoning")["body"];
    GenerationResult r = replay_chat(p, "chat_reasoning");
    ASSERT_TRUE(r.ok) << p.dir << ": " << r.error;
    EXPECT_EQ(trimmed(r.reasoning), kReasoning) << p.dir;
    EXPECT_EQ(r.content, kContent) << p.dir;
    EXPECT_EQ(r.reasoning_field, p.reasoning_field) << p.dir;
    EXPECT_EQ(r.finish_reason, "stop") << p.dir;
    EXPECT_EQ(r.prompt_tokens, raw["usage"]["prompt_tokens"].get<int64_t>()) << p.dir;
    EXPECT_EQ(r.completion_tokens, raw["usage"]["completion_tokens"].get<int64_t>()) << p.dir;
  }
}

// llama.cpp's peg-gemma4 parser insists on "<|channel>thought"; a thought without that label
// (what the scripted checkpoint emits: "<|channel>Counting<channel|>...") is answered HTTP 500,
// which the backend retries (5xx) and then reports with the server's message.
TEST(PeerReplies, LlamaServerRejectsAThoughtWithoutItsLabel) {
  const Peer& p = kAllPeers[0];
  if (!std::ifstream(replies_dir(p) + "/chat_reasoning.json")) GTEST_SKIP() << "no llama-server capture";
  // Captured with the first scripted checkpoint, whose thought had no label.
  const json rec = capture(p, "chat_unlabelled_thought_500");
  ASSERT_EQ(rec["status"], 500);
  ft::FakeOpenAIServer server(replaying_info_routes(p));
  ft::FakeReply reply;
  reply.status = 500;
  reply.raw_body = body_text(rec);
  server.push_faults(2, reply);
  auto backend = make_openai_backend({{server.base_url(), "gemma4-tiny-peer"}}, fast_policy());
  GenerationRequest request;
  request.messages = {{"user", "x"}};
  request.generation.max_gen_toks = 8;
  GenerationResult r = backend->generate(request);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.attempts.size(), 2u);
  EXPECT_NE(r.error.find("HTTP 500: The model produced output that does not match the expected peg-gemma4 format"),
            std::string::npos) << r.error;
  // Thinking off, the same server answers normally: content only, usage with cached tokens.
  GenerationResult off = [&] {
    ft::FakeOpenAIServer s2(replaying_info_routes(p));
    ft::FakeReply ok;
    ok.raw_body = body_text(capture(p, "chat_unlabelled_thought_no_thinking"));
    s2.push_fault(ok);
    return make_openai_backend({{s2.base_url(), "gemma4-tiny-peer"}}, fast_policy())->generate(request);
  }();
  ASSERT_TRUE(off.ok) << off.error;
  EXPECT_EQ(off.content, kContent);
  EXPECT_EQ(off.reasoning, "");
}

// max_tokens 5 stops inside the thought ("<|channel>thought\n\nCount"): no content, and Fix-A scores the reasoning instead.
TEST(PeerReplies, LengthCappedReplyInsideTheThought) {
  for (const Peer& p : kPeers) {
    GenerationResult r = replay_chat(p, "chat_length");
    ASSERT_TRUE(r.ok) << p.dir << ": " << r.error;
    EXPECT_EQ(r.finish_reason, "length") << p.dir;
    EXPECT_EQ(r.content, "") << p.dir;
    EXPECT_FALSE(r.reasoning.empty()) << p.dir;
    const ScoredText scored = select_scored_text(benches::TextRule::FixA, r.content, r.reasoning, r.reasoning_field);
    EXPECT_EQ(scored.source, "reasoning") << p.dir;
    EXPECT_EQ(scored.text, r.reasoning) << p.dir;
  }
}

TEST(PeerReplies, ThinkingOffReplyIsAllContent) {
  for (const Peer& p : kPeers) {
    GenerationResult r = replay_chat(p, "chat_no_thinking");
    ASSERT_TRUE(r.ok) << p.dir << ": " << r.error;
    EXPECT_EQ(r.content, kContent) << p.dir;
    EXPECT_EQ(r.reasoning, "") << p.dir;
  }
}

TEST(PeerReplies, FlavourIsDetectedFromTheRealInfoRoutes) {
  for (const Peer& p : kInfoPeers) {
    ft::FakeOpenAIServer server(replaying_info_routes(p));
    auto backend = make_openai_backend({{server.base_url(), ""}}, fast_policy());
    EXPECT_EQ(backend->flavour(), p.flavour) << p.dir;
    const json fp = backend->fingerprint();
    EXPECT_EQ(fp["model"], "gemma4-tiny-peer") << p.dir;
    EXPECT_FALSE(fp["version"].is_null()) << p.dir << ": " << fp.dump();
  }
}

// Context per request from the real fields; both captures come from servers started with
// 20480 tokens per request (llama-server: -c 81920 -np 4; vLLM: --max-model-len 20480).
TEST(PeerReplies, PreflightReadsContextPerSlotAndReasoningFormat) {
  for (const Peer& p : kInfoPeers) {
    ft::FakeOpenAIServer server(replaying_info_routes(p));
    server.set_warmup_reply(ft::text_reply(kContent));
    RunConfig config;
    config.endpoints = {{server.base_url(), ""}};
    PreflightOptions options;
    options.connect_wait_s = 0.5;
    options.ready_wait_s = 1;
    options.poll_interval_s = 0.05;
    PreflightReport report;
    std::ostringstream log;
    auto limits = check_endpoints(config, options, report, log);
    ASSERT_EQ(limits.size(), 1u) << p.dir << ": " << report.summary();
    EXPECT_EQ(limits[0].flavour, p.flavour);
    ASSERT_TRUE(limits[0].ctx_per_request) << p.dir;
    EXPECT_EQ(*limits[0].ctx_per_request, 20480) << p.dir;
    EXPECT_FALSE(limits[0].reasoning_budget) << p.dir;  // neither server shows one
    // llama-server started with --reasoning-format deepseek still shows "none" here: /props
    // lists the default task parameters, not the server's setting, so it proves nothing.
    EXPECT_EQ(limits[0].reasoning_format, p.flavour == "llama" ? "none" : "") << p.dir;
  }
}

// llama-server answers every route 503 with this body while it loads; the pre-flight waits.
TEST(PeerReplies, LlamaServerLoading503IsWaitedFor) {
  const Peer& p = kAllPeers[0];
  std::ifstream in(replies_dir(p) + "/loading_503.body.json");
  if (!in) GTEST_SKIP() << "no llama-server capture";
  std::stringstream ss;
  ss << in.rdbuf();
  ft::FakeServerOptions o = replaying_info_routes(p);
  o.not_ready_requests = 3;
  o.loading_body = ss.str();
  ft::FakeOpenAIServer server(o);
  EXPECT_EQ(server_error_message(o.loading_body), "Loading model");
  RunConfig config;
  config.endpoints = {{server.base_url(), ""}};
  PreflightOptions options;
  options.ready_wait_s = 10;
  options.poll_interval_s = 0.05;
  PreflightReport report;
  std::ostringstream log;
  auto limits = check_endpoints(config, options, report, log);
  EXPECT_FALSE(report.failed()) << report.summary();
  EXPECT_NE(log.str().find("answers 503"), std::string::npos) << log.str();
}

// Each server honours the budget under one field name only (the other is ignored: full
// thought); the request the backend builds for that flavour carries the honoured one.
TEST(PeerReplies, BudgetFieldTheServerHonoursIsSent) {
  for (const Peer& p : kPeers) {
    std::string honoured;
    for (const char* field : {"thinking_token_budget", "reasoning_budget_tokens"}) {
      const json rec = capture(p, std::string("chat_budget_") + field);
      if (rec["status"] != 200) continue;
      ParsedReply parsed = parse_chat_response(body_text(rec));
      // A budget of 1 spends its token on the label: the thought comes back empty.
      if (parsed.ok && trimmed(parsed.reasoning).empty() && parsed.content == kContent) honoured = field;
    }
    ASSERT_FALSE(honoured.empty()) << p.dir << ": no capture shows a budget cutting the thought";
    GenerationRequest r;
    r.messages = {{"user", "x"}};
    r.reasoning.thinking_token_budget = 1;
    EXPECT_TRUE(build_chat_request(r, "m", p.flavour).contains(honoured)) << p.dir << " honours " << honoured;
  }
}

}  // namespace
}  // namespace harness
