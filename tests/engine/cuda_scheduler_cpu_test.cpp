// BatchScheduler's admission, batching and page accounting, run on a CPU-backed stand-in
// for the CUDA engine, so these tests run everywhere the CUDA library compiles (CI too).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "cpu_backed_cuda_engine.h"
#include "engine/cuda/scheduler.h"
#include "engine/error.h"
#include "engine/sampler.h"
#include "test_checkpoint.h"

namespace {

using namespace engine;
using engine_test::CpuBackedEngine;

std::unique_ptr<CpuBackedEngine> make_engine(int pages, int page_size = 4) {
  return std::make_unique<CpuBackedEngine>(load_cpu_engine(engine_test::checkpoint("tiny")), pages, page_size);
}

std::vector<int32_t> prompt(int n, int seed) {
  std::vector<int32_t> t(n);
  for (int i = 0; i < n; ++i) t[i] = 3 + (seed * 31 + i * 17) % 200;
  return t;
}

std::vector<int32_t> alone(CudaEngine& e, const std::vector<int32_t>& p, int n) {
  auto seq = e.new_sequence();
  std::vector<int32_t> out = {e.append_select(*seq, p, 0.0f, 0.0f)};
  while (static_cast<int>(out.size()) < n) {
    Sequence* one[] = {seq.get()};
    out.push_back(e.decode_select(one, std::span<const int32_t>(&out.back(), 1), 0.0f, {})[0]);
  }
  return out;
}

BatchRequest request(uint64_t id, std::vector<int32_t> p, int max_new) {
  BatchRequest r;
  r.id = id;
  r.prompt = std::move(p);
  r.max_new_tokens = max_new;
  return r;
}

TEST(BatchSchedulerOnCpu, BatchesUpToMaxBatchAndGivesTheUnbatchedTokens) {
  auto e = make_engine(1000);
  std::vector<std::vector<int32_t>> expected;
  BatchScheduler s(*e, 3);
  for (int i = 0; i < 6; ++i) {
    expected.push_back(alone(*e, prompt(2 + 3 * i, i), 4 + i));
    s.submit(request(i, prompt(2 + 3 * i, i), 4 + i));
  }
  e->max_batch_seen = 0;
  auto results = s.run_to_completion();
  ASSERT_EQ(results.size(), 6u);
  for (const auto& r : results) EXPECT_EQ(r.tokens, expected[r.id]) << "request " << r.id;
  EXPECT_EQ(e->max_batch_seen, 3);
  EXPECT_EQ(e->kv_pages_free(), 1000);
}

TEST(BatchSchedulerOnCpu, AdmitsOnlyWhatTheKvPagesCanHold) {
  // Each request needs ceil((8 + 8) / 4) = 4 pages; 6 pages hold one at a time.
  auto e = make_engine(6);
  BatchScheduler s(*e, 4);
  for (int i = 0; i < 3; ++i) s.submit(request(i, prompt(8, i), 8));
  s.step();
  EXPECT_EQ(s.running(), 1);
  EXPECT_EQ(s.waiting(), 2);
  EXPECT_EQ(s.run_to_completion().size(), 3u);
  EXPECT_EQ(e->max_batch_seen, 1);
  EXPECT_EQ(e->kv_pages_free(), 6);
}

TEST(BatchSchedulerOnCpu, FinishesOnStopTokenOrLimit) {
  auto e = make_engine(1000);
  auto expected = alone(*e, prompt(5, 9), 6);
  BatchScheduler s(*e, 2);
  BatchRequest stop = request(1, prompt(5, 9), 50);
  stop.stop_tokens = {expected[3]};
  s.submit(stop);
  s.submit(request(2, prompt(5, 9), 1));  // finishes at admission
  auto results = s.run_to_completion();
  ASSERT_EQ(results.size(), 2u);
  // Completion order depends on where the stop token first occurs, so look results up by id.
  if (results[0].id != 2) std::swap(results[0], results[1]);
  ASSERT_EQ(results[0].id, 2u);
  EXPECT_EQ(results[0].tokens, std::vector<int32_t>{expected[0]});
  EXPECT_FALSE(results[0].stopped);
  auto first = std::find(expected.begin(), expected.end(), expected[3]);
  EXPECT_EQ(results[1].tokens, std::vector<int32_t>(expected.begin(), first + 1));
  EXPECT_TRUE(results[1].stopped);
}

TEST(BatchSchedulerOnCpu, SampledRequestsAreReproducibleFromTheirSeed) {
  auto e = make_engine(1000);
  auto run = [&](uint64_t seed) {
    BatchScheduler s(*e, 2);
    BatchRequest r = request(0, prompt(4, 3), 12);
    r.temperature = 1.0f;
    r.seed = seed;
    s.submit(r);
    return s.run_to_completion().at(0).tokens;
  };
  EXPECT_EQ(run(5), run(5));
  EXPECT_EQ(run(5).size(), 12u);
}

TEST(BatchSchedulerOnCpu, RejectsRequestsThatCanNeverFit) {
  auto e = make_engine(3);
  BatchScheduler s(*e, 2);
  EXPECT_THROW(s.submit(request(0, prompt(10, 1), 10)), EngineError);  // 5 pages > 3
  EXPECT_THROW(s.submit(request(1, {}, 10)), EngineError);
  EXPECT_THROW(s.submit(request(2, prompt(2, 1), 0)), EngineError);
  EXPECT_TRUE(s.idle());
}

}  // namespace
