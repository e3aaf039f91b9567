#include <gtest/gtest.h>

#include <cstdlib>
#include <thread>

#include "engine/model.h"
#include "harness/embedded_backend.h"
#include "engine/decode_rules.h"
#include "test_checkpoint.h"

using namespace harness;

namespace {

Backend& backend() {
  EmbeddedOptions options;
  options.engine = "cpu";  // these tests pin the CPU reference whatever the machine has
  static std::unique_ptr<Backend> b = make_embedded_backend(engine_test::checkpoint("tiny"), options);
  return *b;
}

GenerationRequest request(int max_tokens) {
  GenerationRequest r;
  r.messages = {{"user", "Natalia sold clips to 48 of her friends. How many?"}};
  r.generation.max_gen_toks = max_tokens;
  r.generation.temperature = 0.0;
  return r;
}

}  // namespace

TEST(EmbeddedBackend, GeneratesWithUsageAndFinishReason) {
  GenerationResult r = backend().generate(request(8));
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_TRUE(r.finish_reason == "stop" || r.finish_reason == "length");
  EXPECT_GT(r.prompt_tokens, 10);
  EXPECT_GE(r.completion_tokens, 1);
  EXPECT_LE(r.completion_tokens, 8);
  EXPECT_EQ(r.attempts.size(), 1u);
  auto req = nlohmann::json::parse(r.request_json);
  EXPECT_EQ(req["prompt"].get<std::string>().rfind("<bos><|turn>user\n", 0), 0u);
  auto raw = nlohmann::json::parse(r.response_raw);
  EXPECT_EQ(raw["token_ids"].size(), static_cast<size_t>(r.completion_tokens));
  EXPECT_EQ(backend().flavour(), "embedded");
  EXPECT_EQ(backend().fingerprint()["engine"], "cpu-fp32");
}

TEST(EmbeddedBackend, ThinkingBudgetZeroGivesEmptyReasoning) {
  GenerationRequest q = request(6);
  q.reasoning.enable_thinking = true;
  q.reasoning.thinking_token_budget = 0;
  // The tiny model will not open a thought channel by itself; with thinking on the prompt
  // does not open one either, so nothing is forced and the text is all content.
  GenerationResult r = backend().generate(q);
  ASSERT_TRUE(r.ok) << r.error;
  auto req = nlohmann::json::parse(r.request_json);
  EXPECT_EQ(req["prompt"].get<std::string>().find("<|think|>") != std::string::npos, true);
  EXPECT_EQ(req["thinking_token_budget"], 0);
}

TEST(EmbeddedBackend, ConcurrentCallsAreSerialisedAndEqual) {
  GenerationResult a, b;
  std::thread t1([&] { a = backend().generate(request(6)); });
  std::thread t2([&] { b = backend().generate(request(6)); });
  t1.join();
  t2.join();
  ASSERT_TRUE(a.ok && b.ok);
  EXPECT_EQ(a.response_raw, b.response_raw);  // greedy: same request, same tokens
}

TEST(EmbeddedBackend, BadFolderIsOneSentence) {
  try {
    make_embedded_backend("/nonexistent/model");
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/model"), std::string::npos);
  }
}

TEST(EmbeddedBackend, HarnessEngineCpuChoosesAndRecordsTheCpuEngine) {
  ::setenv("HARNESS_ENGINE", "cpu", 1);
  auto b = make_embedded_backend(engine_test::checkpoint("tiny"));
  ::unsetenv("HARNESS_ENGINE");
  EXPECT_EQ(b->fingerprint()["engine"], "cpu-fp32");
  GenerationResult r = b->generate(request(3));
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(nlohmann::json::parse(r.response_raw)["engine"], "cpu-fp32");
}

TEST(EmbeddedBackend, UnknownEngineChoiceIsOneSentence) {
  EmbeddedOptions options;
  options.engine = "tpu";
  try {
    make_embedded_backend(engine_test::checkpoint("tiny"), options);
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cpu, cuda or auto"), std::string::npos);
  }
}

#ifndef HARNESS_HAVE_CUDA
TEST(EmbeddedBackend, AskingForCudaWithoutItSaysWhy) {
  EmbeddedOptions options;
  options.engine = "cuda";
  try {
    make_embedded_backend(engine_test::checkpoint("tiny"), options);
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("HARNESS_ENGINE=cpu"), std::string::npos);
  }
}
#endif

// DecodeRules driven by a loop of its own (as the CUDA path's scheduler hook drives it)
// must end and cut exactly where engine::generate does.
namespace {

engine::GenerateOutput generate_with_rules(engine::Model& m, const std::vector<int32_t>& prompt,
                                           const engine::GenerateOptions& opt) {
  engine::DecodeRules rules(m.tokenizer, m.config, prompt, opt);
  if (rules.max_tokens() == 0) return rules.finish();
  auto seq = m.engine->new_sequence();
  std::vector<float> logits = seq->append(prompt);
  engine::Sampler sampler(opt.sampling);
  for (;;) {
    int32_t next = sampler.sample(logits);
    if (!rules.accept(next)) break;
    logits = seq->append(std::span<const int32_t>(&next, 1));
  }
  return rules.finish();
}

void expect_same(const engine::GenerateOutput& a, const engine::GenerateOutput& b) {
  EXPECT_EQ(a.tokens, b.tokens);
  EXPECT_EQ(a.text, b.text);
  EXPECT_EQ(a.finish_reason, b.finish_reason);
  EXPECT_EQ(a.prompt_tokens, b.prompt_tokens);
  EXPECT_EQ(a.forced_tokens, b.forced_tokens);
}

}  // namespace

TEST(DecodeRules, MatchesGenerateOnLimitStopStringAndThinkingBudget) {
  auto m = engine::load_model(engine_test::checkpoint("tiny"));
  std::vector<int32_t> prompt = m->tokenizer.encode("<bos><|turn>user\nCount to ten.<turn|>\n<|turn>model\n");
  engine::GenerateOptions opt;
  opt.max_tokens = 24;
  opt.stop_token_ids = engine::default_stop_tokens(m->config);

  engine::GenerateOutput plain = engine::generate(*m->engine, m->tokenizer, prompt, opt);
  expect_same(generate_with_rules(*m, prompt, opt), plain);

  // A stop string taken from the middle of the plain text must cut both the same way.
  ASSERT_GE(plain.text.size(), 6u);
  {
    engine::GenerateOptions cut = opt;
    cut.stop_strings = {plain.text.substr(plain.text.size() / 2, 3)};
    engine::GenerateOutput expected = engine::generate(*m->engine, m->tokenizer, prompt, cut);
    EXPECT_EQ(expected.finish_reason, "stop");
    expect_same(generate_with_rules(*m, prompt, cut), expected);
  }

  // A prompt that opens a thought block: budget 3 forces <channel|> after three tokens.
  std::vector<int32_t> thinking = prompt;
  thinking.push_back(opt.think_start_id);
  engine::GenerateOptions budget = opt;
  budget.thinking_budget = 3;
  engine::GenerateOutput expected = engine::generate(*m->engine, m->tokenizer, thinking, budget);
  EXPECT_EQ(expected.forced_tokens, 1);
  expect_same(generate_with_rules(*m, thinking, budget), expected);

  engine::GenerateOptions none = opt;
  none.max_tokens = 0;
  expect_same(generate_with_rules(*m, prompt, none), engine::generate(*m->engine, m->tokenizer, prompt, none));
}
