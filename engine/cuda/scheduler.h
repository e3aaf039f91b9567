// Continuous batching over a CudaEngine: requests wait in a queue, are admitted while a
// batch slot and enough KV pages are free (prefill on admission), then advance together,
// one token per running request per step(); a request that stops or reaches its token
// limit leaves the batch and its KV pages go back to the pool, so the next waiting one can
// join. A simple, correct version: one prefill per admission, greedy or temperature
// sampling chosen on the GPU. Not thread-safe: one thread calls submit()/step().
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <vector>

#include "engine/cuda/cuda_engine.h"

namespace engine {

struct BatchRequest {
  uint64_t id = 0;
  std::vector<int32_t> prompt;
  int max_new_tokens = 256;
  float temperature = 0;            // <= 0: greedy
  uint64_t seed = 0;                // sampling draws come from (seed, step)
  std::vector<int32_t> stop_tokens; // generation ends after emitting one of these
  // Called on the thread that runs step() for every token chosen, before it is kept: it may
  // replace the token (a thinking budget forces <channel|>) and returns false to end the
  // request after it (stop strings). The seam through which the embedded backend applies
  // the CPU generate loop's rules; empty: no hook.
  std::function<bool(int32_t& token)> on_token;
};

struct BatchResult {
  uint64_t id = 0;
  std::vector<int32_t> tokens;  // generated tokens, the stop token included
  bool stopped = false;         // ended on a stop token or by on_token, not max_new_tokens
};

class BatchScheduler {
 public:
  BatchScheduler(CudaEngine& engine, int max_batch);

  // Throws EngineError when the request could never fit in the KV cache.
  void submit(BatchRequest request);
  // Admits what fits, then runs one batched decode step. Returns the requests that
  // finished during this call (admission can finish one too, e.g. max_new_tokens == 1).
  std::vector<BatchResult> step();
  // Steps until nothing is waiting or running; results in completion order.
  std::vector<BatchResult> run_to_completion();

  bool idle() const { return waiting_.empty() && running_.empty(); }
  int running() const { return static_cast<int>(running_.size()); }
  int waiting() const { return static_cast<int>(waiting_.size()); }

 private:
  struct Running {
    BatchRequest request;
    std::unique_ptr<Sequence> seq;
    std::vector<int32_t> generated;  // the last one is not in the KV cache yet
    uint64_t rng_state = 0;
    bool hook_stopped = false;       // on_token returned false
  };
  static void keep(Running& r, int32_t token);
  int pages_needed(const BatchRequest& r) const;
  int pages_promised() const;  // pages running requests may still take
  float next_uniform(Running& r);
  bool finished(const Running& r) const;
  void admit(std::vector<BatchResult>& done);
  BatchResult finish(Running& r);

  CudaEngine& engine_;
  int max_batch_;
  std::deque<BatchRequest> waiting_;
  std::vector<std::unique_ptr<Running>> running_;
};

}  // namespace engine
