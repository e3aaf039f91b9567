// The CUDA implementation of engine::Engine (bf16 weights, fp32 activations and
// accumulation, paged KV cache) plus the batched decode step that continuous batching
// (scheduler.h) is built on. Plain C++: callers need no CUDA headers. Only present when
// the build found nvcc (HARNESS_HAVE_CUDA); UNVERIFIED until scripts/gpu-check.sh has run
// on a GPU machine (see README.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "engine/engine.h"

namespace engine {

struct CudaOptions {
  int device = 0;
  int max_step_tokens = 2048;  // tokens per forward step; longer prefills run in chunks
  int max_logit_rows = 64;     // logits rows computed at once (all_logits runs in chunks)
  int page_size = 16;          // positions per KV page
  int kv_pages = 0;            // 0: use kv_memory_fraction of the memory left after weights
  double kv_memory_fraction = 0.8;
};

// Number of usable CUDA devices; 0 with the reason in *why when there is no driver or GPU.
int cuda_device_count(std::string* why = nullptr);

class CudaEngine : public Engine {
 public:
  // One decode step for several sequences at once (continuous batching): tokens[i] is
  // appended to seqs[i]; the sequences may have any lengths. Every sequence must come from
  // this engine and appear once. Returns the softcapped logits [n, vocab].
  virtual std::vector<float> decode(std::span<Sequence* const> seqs, std::span<const int32_t> tokens) = 0;
  // The same step with the next token chosen on the GPU: argmax when temperature <= 0,
  // else softmax(logits / temperature) sampled with uniforms[i] ∈ [0, 1).
  virtual std::vector<int32_t> decode_select(std::span<Sequence* const> seqs, std::span<const int32_t> tokens,
                                             float temperature, std::span<const float> uniforms) = 0;
  // Prefill `tokens` into seq and choose the token that follows, on the GPU.
  virtual int32_t append_select(Sequence& seq, std::span<const int32_t> tokens, float temperature,
                                float uniform) = 0;

  virtual int kv_page_size() const = 0;
  virtual int kv_pages_total() const = 0;
  virtual int kv_pages_free() const = 0;
  virtual size_t weight_bytes() const = 0;   // device bytes of the bf16 weights
  virtual size_t kv_bytes() const = 0;       // device bytes of the KV pool
  virtual void synchronize() = 0;            // waits for the GPU (for timings)
};

// Uploads the weights as bf16 (exact for bf16 checkpoints, which the CPU widens exactly).
std::unique_ptr<CudaEngine> make_cuda_engine(const GemmaConfig& config, const Weights& weights,
                                             const CudaOptions& options = {});
// config.json + safetensors of an HF model folder; throws EngineError.
std::unique_ptr<CudaEngine> load_cuda_engine(const std::string& model_dir, const CudaOptions& options = {});
// Random weights generated on the GPU (no host copy), for timing shapes too large for the
// CPU path, such as the real 26B-A4B. Norm weights are 1, layer_scalar 1.
std::unique_ptr<CudaEngine> make_random_cuda_engine(const GemmaConfig& config, uint64_t seed,
                                                    const CudaOptions& options = {});

}  // namespace engine
