// BatchScheduler's admission, batching and page accounting, run on a CPU-backed stand-in
// for the CUDA engine, so these tests run everywhere the CUDA library compiles (CI too).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "engine/cuda/scheduler.h"
#include "engine/error.h"
#include "engine/sampler.h"
#include "test_checkpoint.h"

namespace {

using namespace engine;

// The CudaEngine interface over the CPU reference; KV pages are counted as the CUDA
// engine counts them (ceil(length / page_size) per live sequence).
class CpuBackedEngine : public CudaEngine {
 public:
  CpuBackedEngine(std::unique_ptr<Engine> cpu, int pages, int page_size)
      : cpu_(std::move(cpu)), total_(pages), free_(pages), page_size_(page_size) {}

  struct Seq : Sequence {
    Seq(CpuBackedEngine& e, std::unique_ptr<Sequence> s) : e(e), inner(std::move(s)) {}
    ~Seq() override { e.free_ += held; }
    int length() const override { return inner->length(); }
    std::vector<float> append(std::span<const int32_t> tokens, bool all_logits) override {
      int need = (length() + static_cast<int>(tokens.size()) + e.page_size_ - 1) / e.page_size_ - held;
      if (need > e.free_) throw EngineError("KV cache is full");
      if (need > 0) {
        e.free_ -= need;
        held += need;
      }
      return inner->append(tokens, all_logits);
    }
    CpuBackedEngine& e;
    std::unique_ptr<Sequence> inner;
    int held = 0;
  };

  const GemmaConfig& config() const override { return cpu_->config(); }
  std::string name() const override { return "cpu-backed"; }
  std::unique_ptr<Sequence> new_sequence() override { return std::make_unique<Seq>(*this, cpu_->new_sequence()); }

  std::vector<float> decode(std::span<Sequence* const> seqs, std::span<const int32_t> tokens) override {
    ++decode_calls;
    max_batch_seen = std::max(max_batch_seen, static_cast<int>(seqs.size()));
    std::vector<float> out;
    for (size_t i = 0; i < seqs.size(); ++i) {
      auto row = seqs[i]->append(tokens.subspan(i, 1), false);
      out.insert(out.end(), row.begin(), row.end());
    }
    return out;
  }
  std::vector<int32_t> decode_select(std::span<Sequence* const> seqs, std::span<const int32_t> tokens,
                                     float temperature, std::span<const float> uniforms) override {
    auto logits = decode(seqs, tokens);
    const size_t V = config().vocab_size;
    std::vector<int32_t> out;
    for (size_t i = 0; i < seqs.size(); ++i) {
      std::vector<float> row(logits.begin() + i * V, logits.begin() + (i + 1) * V);
      out.push_back(pick(row, temperature, temperature > 0 ? uniforms[i] : 0.0f));
    }
    return out;
  }
  int32_t append_select(Sequence& seq, std::span<const int32_t> tokens, float temperature, float uniform) override {
    return pick(seq.append(tokens, false), temperature, uniform);
  }
  int kv_page_size() const override { return page_size_; }
  int kv_pages_total() const override { return total_; }
  int kv_pages_free() const override { return free_; }
  size_t weight_bytes() const override { return 0; }
  size_t kv_bytes() const override { return 0; }
  void synchronize() override {}

  int decode_calls = 0;
  int max_batch_seen = 0;

 private:
  static int32_t pick(const std::vector<float>& logits, float temperature, float u) {
    if (temperature <= 0) return argmax(logits);
    float mx = *std::max_element(logits.begin(), logits.end());
    double total = 0;
    for (float l : logits) total += std::exp((l - mx) / temperature);
    double run = 0;
    for (size_t i = 0; i < logits.size(); ++i) {
      run += std::exp((logits[i] - mx) / temperature);
      if (run > u * total) return static_cast<int32_t>(i);
    }
    return static_cast<int32_t>(logits.size() - 1);
  }
  std::unique_ptr<Engine> cpu_;
  int total_, free_, page_size_;
};

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
