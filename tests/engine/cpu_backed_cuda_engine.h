// A stand-in for the CUDA engine over the CPU reference, so that what is built on the
// CudaEngine interface (BatchScheduler, the embedded backend's batching driver) is tested
// wherever the CUDA library compiles, GPU or not.
#pragma once

#include <algorithm>
#include <atomic>
#include <cmath>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "engine/cuda/cuda_engine.h"
#include "engine/error.h"
#include "engine/sampler.h"

namespace engine_test {

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

  std::atomic<int> decode_calls = 0;  // read by test threads while a driver decodes
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

}  // namespace engine_test
