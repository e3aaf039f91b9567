// The CUDA side of the `embedded` backend: one CudaEngine and one BatchScheduler driven by
// a thread of their own, so that the harness's N concurrent workers calling generate() are
// batched together (continuous batching); each call blocks until its sequence finishes.
// Compiles without CUDA too: make_cuda_generator then says why there is none.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/generate.h"

namespace harness {

class BatchedGenerator {
 public:
  virtual ~BatchedGenerator() = default;
  virtual const engine::Engine& engine() const = 0;
  // engine::generate's result for this prompt and options; safe from many threads at once.
  // Throws std::runtime_error when the engine fails or the request cannot fit the KV cache.
  virtual engine::GenerateOutput generate(const std::vector<int32_t>& prompt, const engine::GenerateOptions& options) = 0;
};

// Loads the CUDA engine for model_dir; nullptr with the reason in *why when the build has
// no CUDA or no device is present. `tokenizer` must outlive the generator.
std::unique_ptr<BatchedGenerator> make_cuda_generator(const std::string& model_dir, const engine::Tokenizer& tokenizer,
                                                      int max_batch, std::string* why);

#ifdef HARNESS_HAVE_CUDA
}  // namespace harness
namespace engine { class CudaEngine; }
namespace harness {
// The same over an engine the caller made (tests drive it with a CPU-backed CudaEngine).
std::unique_ptr<BatchedGenerator> make_batched_generator(std::unique_ptr<engine::CudaEngine> engine,
                                                         const engine::Tokenizer& tokenizer, int max_batch);
#endif

}  // namespace harness
