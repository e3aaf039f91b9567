// The pure parts of the OpenAI backend: request body (benches.md §0.4), reply parsing,
// the scored-text rules (§0.6), URL normalization, retry delays.
#include <gtest/gtest.h>

#include "harness/backend.h"
#include "harness/openai_support.h"

namespace harness {
namespace {

using nlohmann::json;

// A gsm8k-like request: few-shot as multi-turn, greedy, lm-eval's five stop strings
// (four from the task, then the EOS string).
GenerationRequest gsm8k_request() {
  GenerationRequest r;
  r.messages = {{"user", "Question: 1+1?\nAnswer:"},
                {"assistant", "1+1=2. The answer is 2."},
                {"user", "Question: 2+3?\nAnswer:"}};
  r.generation.max_gen_toks = 16384;
  r.generation.temperature = 0.0;
  r.generation.top_p = 1.0;
  r.generation.top_k = 0;
  r.generation.seed = 1234;
  r.generation.stop = {"Question:", "</s>", "<|im_end|>", "\n\n\n", "<eos>"};
  return r;
}

json expected_gsm8k_body() {
  return json{
      {"messages",
       json::array({{{"role", "user"}, {"content", "Question: 1+1?\nAnswer:"}, {"type", "text"}},
                    {{"role", "assistant"}, {"content", "1+1=2. The answer is 2."}, {"type", "text"}},
                    {{"role", "user"}, {"content", "Question: 2+3?\nAnswer:"}, {"type", "text"}}})},
      {"model", "gemma-4"},
      {"max_tokens", 16384},
      {"temperature", 0.0},
      {"stop", json::array({"Question:", "</s>", "<|im_end|>", "\n\n\n"})},
      {"seed", 1234},
      {"top_p", 1.0},
      {"top_k", 0}};
}

TEST(OpenAIRequest, Gsm8kBodyMatchesLmEval) {
  EXPECT_EQ(build_chat_request(gsm8k_request(), "gemma-4", "llama"), expected_gsm8k_body());
}

TEST(OpenAIRequest, ThinkingSettingsAreSentWhenSet) {
  GenerationRequest r = gsm8k_request();
  r.reasoning.enable_thinking = true;
  r.reasoning.thinking_token_budget = 12288;
  json expected = expected_gsm8k_body();
  expected["chat_template_kwargs"] = {{"enable_thinking", true}};
  expected["thinking_token_budget"] = 12288;
  EXPECT_EQ(build_chat_request(r, "gemma-4", "vllm"), expected);

  r.reasoning.enable_thinking = false;
  r.reasoning.thinking_token_budget.reset();
  expected["chat_template_kwargs"] = {{"enable_thinking", false}};
  expected.erase("thinking_token_budget");
  EXPECT_EQ(build_chat_request(r, "gemma-4", "vllm"), expected);
}

// llama-server reads the per-request budget from reasoning_budget_tokens only; vLLM from
// thinking_token_budget only (and answers 400 when it has no reasoning parser).
TEST(OpenAIRequest, LlamaServerGetsTheBudgetUnderItsOwnFieldToo) {
  GenerationRequest r = gsm8k_request();
  r.reasoning.thinking_token_budget = 12288;
  const json llama = build_chat_request(r, "gemma-4", "llama");
  EXPECT_EQ(llama["reasoning_budget_tokens"], 12288);
  EXPECT_EQ(llama["thinking_token_budget"], 12288);
  for (const char* flavour : {"vllm", "openai"}) {
    const json other = build_chat_request(r, "gemma-4", flavour);
    EXPECT_FALSE(other.contains("reasoning_budget_tokens")) << flavour;
    EXPECT_EQ(other["thinking_token_budget"], 12288) << flavour;
  }
  r.reasoning.thinking_token_budget.reset();
  EXPECT_FALSE(build_chat_request(r, "gemma-4", "llama").contains("reasoning_budget_tokens"));
}

TEST(OpenAIRequest, OptionalFieldsAreLeftOutWhenUnset) {
  GenerationRequest r;
  r.messages = {{"user", "hi"}};
  r.generation.max_gen_toks = 1024;
  const json body = build_chat_request(r, "m", "openai");
  EXPECT_FALSE(body.contains("top_k"));
  EXPECT_FALSE(body.contains("seed"));
  EXPECT_FALSE(body.contains("stop"));
  EXPECT_FALSE(body.contains("chat_template_kwargs"));
  EXPECT_FALSE(body.contains("thinking_token_budget"));
  EXPECT_EQ(body["max_tokens"], 1024);
}

TEST(OpenAIRequest, BaseUrlIsNormalized) {
  for (const char* base : {"http://h:8000", "http://h:8000/", "http://h:8000/v1", "http://h:8000/v1/"}) {
    EXPECT_EQ(normalize_base_url(base), "http://h:8000") << base;
    EXPECT_EQ(chat_completions_url(base), "http://h:8000/v1/chat/completions") << base;
  }
  EXPECT_EQ(normalize_base_url("http://h/proxy/v1"), "http://h/proxy");
}

TEST(OpenAIReply, ParsesContentReasoningFinishAndUsage) {
  const ParsedReply r = parse_chat_response(R"({"choices":[{"index":0,"message":{
      "role":"assistant","content":"42","reasoning_content":"think"},"finish_reason":"length"}],
      "usage":{"prompt_tokens":10,"completion_tokens":20}})");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.content, "42");
  EXPECT_EQ(r.reasoning, "think");
  EXPECT_EQ(r.reasoning_field, "reasoning_content");
  EXPECT_EQ(r.finish_reason, "length");
  EXPECT_EQ(r.prompt_tokens, 10);
  EXPECT_EQ(r.completion_tokens, 20);
}

TEST(OpenAIReply, NullContentIsEmptyAndReasoningFieldIsRecorded) {
  const ParsedReply r = parse_chat_response(
      R"({"choices":[{"message":{"content":null,"reasoning":"r"},"finish_reason":null}]})");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.content, "");
  EXPECT_EQ(r.reasoning, "r");
  EXPECT_EQ(r.reasoning_field, "reasoning");
  EXPECT_EQ(r.finish_reason, "");
  EXPECT_EQ(r.prompt_tokens, -1);
}

TEST(OpenAIReply, EmptyReasoningContentFallsBackToReasoning) {
  const ParsedReply r = parse_chat_response(
      R"({"choices":[{"message":{"content":"","reasoning_content":"","reasoning":"r2"}}]})");
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.reasoning, "r2");
  EXPECT_EQ(r.reasoning_field, "reasoning");
}

TEST(OpenAIReply, ErrorsAreValues) {
  EXPECT_EQ(parse_chat_response("<html>oops</html>").error, "response is not JSON");
  EXPECT_EQ(parse_chat_response("").error, "response is not JSON");
  EXPECT_EQ(parse_chat_response(R"({"id":"x"})").error, "response has no choices");
  EXPECT_EQ(parse_chat_response(R"({"choices":[]})").error, "response has no choices");
  EXPECT_EQ(parse_chat_response(R"({"error":{"message":"model is loading","code":503}})").error,
            "model is loading");
  EXPECT_FALSE(parse_chat_response(R"({"choices":[]})").ok);
}

TEST(OpenAIReply, ServerErrorMessage) {
  EXPECT_EQ(server_error_message(R"({"error":{"message":"too long"}})"), "too long");
  EXPECT_EQ(server_error_message(R"({"error":"plain"})"), "plain");
  EXPECT_EQ(server_error_message("line1\nline2"), "line1 line2");
  EXPECT_EQ(server_error_message(std::string(500, 'x')).size(), 200u);
}

TEST(ScoredText, FixAPrefersContentThenReasoning) {
  using benches::TextRule;
  ScoredText s = select_scored_text(TextRule::FixA, "answer", "thought", "reasoning_content");
  EXPECT_EQ(s.text, "answer");
  EXPECT_EQ(s.source, "content");
  s = select_scored_text(TextRule::FixA, "", "thought", "reasoning");
  EXPECT_EQ(s.text, "thought");
  EXPECT_EQ(s.source, "reasoning");
  s = select_scored_text(TextRule::FixA, "", "", "");
  EXPECT_EQ(s.text, "");
  EXPECT_EQ(s.source, "none");
  // Python truthiness: whitespace is non-empty.
  EXPECT_EQ(select_scored_text(TextRule::FixA, " ", "thought", "reasoning").source, "content");
}

TEST(ScoredText, LcbConcatenatesReasoningThenContent) {
  using benches::TextRule;
  ScoredText s = select_scored_text(TextRule::LcbConcat, "code", "plan", "reasoning");
  EXPECT_EQ(s.text, "plan\ncode");
  EXPECT_EQ(s.source, "both");
  EXPECT_EQ(select_scored_text(TextRule::LcbConcat, "code", "", "").source, "content");
  EXPECT_EQ(select_scored_text(TextRule::LcbConcat, "", "plan", "reasoning").text, "plan");
  EXPECT_EQ(select_scored_text(TextRule::LcbConcat, "", "", "").source, "none");
}

TEST(ScoredText, MultiplEIgnoresTheReasoningField) {
  using benches::TextRule;
  const auto rule = TextRule::ContentOrReasoningContent;
  EXPECT_EQ(select_scored_text(rule, "fn", "r", "reasoning_content").text, "fn");
  ScoredText s = select_scored_text(rule, "", "r", "reasoning_content");
  EXPECT_EQ(s.text, "r");
  EXPECT_EQ(s.source, "reasoning");
  s = select_scored_text(rule, "", "r", "reasoning");
  EXPECT_EQ(s.text, "");
  EXPECT_EQ(s.source, "none");
}

TEST(Retry, StatusClassification) {
  EXPECT_EQ(classify_http_status(200), AttemptVerdict::Success);
  for (int s : {408, 429, 500, 502, 503, 504}) EXPECT_EQ(classify_http_status(s), AttemptVerdict::Retry) << s;
  for (int s : {400, 401, 403, 404, 422}) EXPECT_EQ(classify_http_status(s), AttemptVerdict::FailFast) << s;
}

TEST(Retry, ExponentialDelayWithJitterAndCap) {
  RetryPolicy p;
  p.initial_delay_s = 1.0;
  p.max_delay_s = 10.0;
  p.jitter = 0.25;
  EXPECT_DOUBLE_EQ(retry_delay_s(p, 2, std::nullopt, 0.5), 1.0);
  EXPECT_DOUBLE_EQ(retry_delay_s(p, 3, std::nullopt, 0.5), 2.0);
  EXPECT_DOUBLE_EQ(retry_delay_s(p, 4, std::nullopt, 0.5), 4.0);
  EXPECT_DOUBLE_EQ(retry_delay_s(p, 9, std::nullopt, 0.5), 10.0);
  EXPECT_DOUBLE_EQ(retry_delay_s(p, 2, std::nullopt, 0.0), 0.75);
  EXPECT_DOUBLE_EQ(retry_delay_s(p, 3, std::nullopt, 1.0), 2.5);
  // Retry-After wins, without jitter, capped by max_delay_s.
  EXPECT_DOUBLE_EQ(retry_delay_s(p, 2, 3.0, 0.0), 3.0);
  EXPECT_DOUBLE_EQ(retry_delay_s(p, 2, 120.0, 0.9), 10.0);
}

TEST(Retry, RetryAfterHeader) {
  EXPECT_EQ(parse_retry_after(" 1"), 1.0);
  EXPECT_EQ(parse_retry_after("2.5\r\n"), 2.5);
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), std::nullopt);
  EXPECT_EQ(parse_retry_after("-1"), std::nullopt);
  EXPECT_EQ(parse_retry_after("3x"), std::nullopt);
}

TEST(Retry, TimestampsAreIsoUtcWithMilliseconds) {
  const std::string t = iso8601_utc_now();
  ASSERT_EQ(t.size(), 24u) << t;
  EXPECT_EQ(t[4], '-');
  EXPECT_EQ(t[10], 'T');
  EXPECT_EQ(t[19], '.');
  EXPECT_EQ(t.back(), 'Z');
}

TEST(Flavour, DecidedFromProbeReplies) {
  const json vllm_models = {{"data", {{{"id", "m"}, {"owned_by", "vllm"}, {"max_model_len", 8192}}}}};
  EXPECT_EQ(decide_flavour({{"version", "0.11.0"}}, nullptr, vllm_models), "vllm");
  EXPECT_EQ(decide_flavour({{"version", "0.11.0"}}, nullptr, nullptr), "vllm");
  const json props = {{"default_generation_settings", {{"n_ctx", 4096}}}, {"total_slots", 2}};
  EXPECT_EQ(decide_flavour(nullptr, props, nullptr), "llama");
  EXPECT_EQ(decide_flavour(nullptr, nullptr, {{"data", {{{"id", "m"}, {"owned_by", "llamacpp"}}}}}),
            "llama");
  EXPECT_EQ(decide_flavour(nullptr, nullptr, {{"data", {{{"id", "gpt"}, {"owned_by", "openai"}}}}}),
            "openai");
  EXPECT_EQ(decide_flavour(nullptr, nullptr, nullptr), "openai");

  const json fp = endpoint_fingerprint("http://h:1/v1", "llama", nullptr,
                                       {{"default_generation_settings", {{"n_ctx", 4096}}},
                                        {"total_slots", 2}, {"build_info", "b9700"}},
                                       nullptr);
  EXPECT_EQ(fp["base_url"], "http://h:1");
  EXPECT_EQ(fp["version"], "b9700");
  EXPECT_EQ(fp["props"]["n_ctx_per_slot"], 4096);
  EXPECT_EQ(fp["props"]["total_slots"], 2);
}

}  // namespace
}  // namespace harness
