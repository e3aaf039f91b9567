// Continuous batching (engine/cuda/scheduler.h). Skips without a CUDA device.
#include "engine/cuda/scheduler.h"

#include "cuda_test_support.h"

namespace {

using cuda_test::load_pair;
using cuda_test::prompt;

// Greedy tokens of one request run alone, with the token chosen on the GPU.
std::vector<int32_t> solo(engine::CudaEngine& e, const std::vector<int32_t>& tokens, int n) {
  auto seq = e.new_sequence();
  std::vector<int32_t> out = {e.append_select(*seq, tokens, 0.0f, 0.0f)};
  while (static_cast<int>(out.size()) < n) {
    engine::Sequence* one[] = {seq.get()};
    out.push_back(e.decode_select(one, std::span<const int32_t>(&out.back(), 1), 0.0f, {})[0]);
  }
  return out;
}

TEST(BatchScheduler, MoreRequestsThanSlotsGiveTheUnbatchedTokens) {
  SKIP_WITHOUT_CUDA_DEVICE();
  auto p = load_pair("tiny-128e");
  engine::BatchScheduler scheduler(*p.gpu, 3);
  std::vector<std::vector<int32_t>> prompts;
  for (int i = 0; i < 7; ++i) {
    prompts.push_back(prompt(1 + 5 * i, p.config.vocab_size, 10 + i));
    engine::BatchRequest r;
    r.id = i;
    r.prompt = prompts.back();
    r.max_new_tokens = 6 + i;
    scheduler.submit(r);
  }
  auto results = scheduler.run_to_completion();
  ASSERT_EQ(results.size(), 7u);
  for (const auto& r : results) {
    EXPECT_EQ(r.tokens, solo(*p.gpu, prompts[r.id], 6 + static_cast<int>(r.id))) << "request " << r.id;
    EXPECT_FALSE(r.stopped);
  }
  EXPECT_TRUE(scheduler.idle());
  EXPECT_EQ(p.gpu->kv_pages_free(), p.gpu->kv_pages_total());
}

TEST(BatchScheduler, StopsOnAStopTokenAndKeepsIt) {
  SKIP_WITHOUT_CUDA_DEVICE();
  auto p = load_pair("tiny");
  auto tokens = prompt(4, p.config.vocab_size, 20);
  auto expected = solo(*p.gpu, tokens, 5);
  engine::BatchScheduler scheduler(*p.gpu, 2);
  engine::BatchRequest r;
  r.prompt = tokens;
  r.max_new_tokens = 50;
  r.stop_tokens = {expected[2]};
  scheduler.submit(r);
  auto results = scheduler.run_to_completion();
  ASSERT_EQ(results.size(), 1u);
  // Stops at the first occurrence of the stop token, which may come before index 2.
  auto first = std::find(expected.begin(), expected.end(), expected[2]);
  EXPECT_EQ(results[0].tokens, std::vector<int32_t>(expected.begin(), first + 1));
  EXPECT_TRUE(results[0].stopped);
}

TEST(BatchScheduler, RejectsRequestsLargerThanTheCache) {
  SKIP_WITHOUT_CUDA_DEVICE();
  engine::CudaOptions options;
  options.kv_pages = 2;
  auto p = load_pair("tiny", options);
  engine::BatchScheduler scheduler(*p.gpu, 2);
  engine::BatchRequest r;
  r.prompt = prompt(10, p.config.vocab_size, 30);
  r.max_new_tokens = 100;
  EXPECT_THROW(scheduler.submit(r), engine::EngineError);
}

}  // namespace
