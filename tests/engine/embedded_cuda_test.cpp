// The `embedded` backend on the CUDA engine (continuous batching over concurrent calls)
// gives the CPU path's greedy results (skips without a CUDA device); its batching driver
// is also checked over a CPU-backed stand-in engine, which runs everywhere.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <thread>

#include "cpu_backed_cuda_engine.h"
#include "cuda_test_support.h"
#include "engine/cuda/cuda_engine.h"
#include "engine/model.h"
#include "harness/embedded_backend.h"
#include "harness/embedded_cuda.h"
#include "test_checkpoint.h"

using namespace harness;

namespace {

std::unique_ptr<Backend> backend_on(const std::string& engine) {
  EmbeddedOptions options;
  options.engine = engine;
  options.max_batch = 3;  // fewer slots than requests: later ones join a running batch
  return make_embedded_backend(engine_test::checkpoint("tiny"), options);
}

std::vector<GenerationRequest> requests() {
  std::vector<GenerationRequest> out;
  const char* prompts[] = {"Natalia sold clips to 48 of her friends. How many?", "Hi", "Count to ten, slowly please.",
                           "What is 2 + 2?", "Write a haiku about the sea and the moon."};
  for (int i = 0; i < 5; ++i) {
    GenerationRequest r;
    r.messages = {{"user", prompts[i]}};
    r.generation.max_gen_toks = 8 + 4 * i;
    r.generation.temperature = 0.0;
    out.push_back(r);
  }
  out[3].reasoning.enable_thinking = true;
  out[3].reasoning.thinking_token_budget = 2;
  return out;
}

std::vector<GenerationResult> run_concurrently(Backend& b, const std::vector<GenerationRequest>& qs) {
  std::vector<GenerationResult> results(qs.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < qs.size(); ++i) threads.emplace_back([&, i] { results[i] = b.generate(qs[i]); });
  for (auto& t : threads) t.join();
  return results;
}

}  // namespace

TEST(EmbeddedCuda, ConcurrentGreedyRequestsMatchTheCpuPath) {
  SKIP_WITHOUT_CUDA_DEVICE();
  auto cpu = backend_on("cpu");
  auto cuda = backend_on("cuda");
  EXPECT_EQ(cuda->fingerprint()["engine"], "cuda-bf16");

  std::vector<GenerationRequest> qs = requests();
  // A stop string cut from the CPU text of request 2, so the CUDA path must stop there too.
  GenerationResult probe = cpu->generate(qs[2]);
  ASSERT_TRUE(probe.ok) << probe.error;
  if (probe.content.size() >= 6) qs[2].generation.stop = {probe.content.substr(probe.content.size() / 2, 3)};

  std::vector<GenerationResult> want = run_concurrently(*cpu, qs);
  std::vector<GenerationResult> got = run_concurrently(*cuda, qs);
  for (size_t i = 0; i < qs.size(); ++i) {
    SCOPED_TRACE("request " + std::to_string(i));
    ASSERT_TRUE(got[i].ok) << got[i].error;
    ASSERT_TRUE(want[i].ok) << want[i].error;
    EXPECT_EQ(got[i].content, want[i].content);
    EXPECT_EQ(got[i].reasoning, want[i].reasoning);
    EXPECT_EQ(got[i].finish_reason, want[i].finish_reason);
    EXPECT_EQ(got[i].prompt_tokens, want[i].prompt_tokens);
    EXPECT_EQ(got[i].completion_tokens, want[i].completion_tokens);
    auto g = nlohmann::json::parse(got[i].response_raw), w = nlohmann::json::parse(want[i].response_raw);
    EXPECT_EQ(g["engine"], "cuda-bf16");
    EXPECT_EQ(w["engine"], "cpu-fp32");
    EXPECT_EQ(g["token_ids"], w["token_ids"]);
    EXPECT_EQ(g["forced_tokens"], w["forced_tokens"]);
  }
}

// The batching driver (thread, scheduler, on_token hook, DecodeRules) over a CPU-backed
// CudaEngine, so it runs without a GPU: concurrent calls give engine::generate's results.
using engine_test::CpuBackedEngine;

TEST(EmbeddedCudaDriver, ConcurrentCallsAreBatchedAndMatchGenerate) {
  auto model = engine::load_model(engine_test::checkpoint("tiny"));
  auto fake = std::make_unique<CpuBackedEngine>(engine::load_cpu_engine(engine_test::checkpoint("tiny")), 1 << 20, 16);
  CpuBackedEngine* fake_ptr = fake.get();
  auto gen = make_batched_generator(std::move(fake), model->tokenizer, 3);

  std::vector<std::vector<int32_t>> prompts;
  std::vector<engine::GenerateOptions> opts;
  const char* texts[] = {"Hi", "Count to ten.", "What is 2 + 2?", "Natalia sold clips.", "Write a haiku."};
  for (int i = 0; i < 5; ++i) {
    prompts.push_back(model->tokenizer.encode(std::string("<bos><|turn>user\n") + texts[i] + "<turn|>\n<|turn>model\n"));
    engine::GenerateOptions o;
    o.max_tokens = 10 + 3 * i;
    o.stop_token_ids = engine::default_stop_tokens(model->config);
    opts.push_back(o);
  }
  prompts[1].push_back(opts[1].think_start_id);  // an open thought block: the budget forces <channel|>
  opts[1].thinking_budget = 2;
  std::string plain = engine::generate(*model->engine, model->tokenizer, prompts[2], opts[2]).text;
  ASSERT_GE(plain.size(), 6u);
  opts[2].stop_strings = {plain.substr(plain.size() / 2, 3)};
  opts[4].max_tokens = 0;

  std::vector<engine::GenerateOutput> got(prompts.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < prompts.size(); ++i)
    threads.emplace_back([&, i] { got[i] = gen->generate(prompts[i], opts[i]); });
  for (auto& t : threads) t.join();

  for (size_t i = 0; i < prompts.size(); ++i) {
    SCOPED_TRACE("request " + std::to_string(i));
    engine::GenerateOutput want = engine::generate(*model->engine, model->tokenizer, prompts[i], opts[i]);
    EXPECT_EQ(got[i].tokens, want.tokens);
    EXPECT_EQ(got[i].text, want.text);
    EXPECT_EQ(got[i].finish_reason, want.finish_reason);
    EXPECT_EQ(got[i].prompt_tokens, want.prompt_tokens);
    EXPECT_EQ(got[i].forced_tokens, want.forced_tokens);
  }
  EXPECT_EQ(got[1].forced_tokens, 1);
  EXPECT_EQ(got[2].finish_reason, "stop");
  EXPECT_TRUE(got[4].tokens.empty());
  EXPECT_GE(fake_ptr->decode_calls.load(), 1);
  std::printf("batched decode steps %d, largest batch %d of 3 slots\n", fake_ptr->decode_calls.load(),
              fake_ptr->max_batch_seen);
}
