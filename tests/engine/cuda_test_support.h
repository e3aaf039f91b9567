// Shared by the CUDA engine tests: skip without a device, and a CPU/GPU engine pair on a
// tiny random checkpoint.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "engine/cuda/cuda_engine.h"
#include "engine/error.h"
#include "engine/safetensors.h"
#include "engine/sampler.h"
#include "engine/weights.h"
#include "test_checkpoint.h"

#define SKIP_WITHOUT_CUDA_DEVICE()                                                              \
  do {                                                                                           \
    std::string why_;                                                                            \
    if (engine::cuda_device_count(&why_) == 0) GTEST_SKIP() << "no CUDA device (" << why_ << ")"; \
  } while (0)

namespace cuda_test {

struct Pair {
  engine::GemmaConfig config;
  std::unique_ptr<engine::Engine> cpu;
  std::unique_ptr<engine::CudaEngine> gpu;
};

inline Pair load_pair(const std::string& shape, const engine::CudaOptions& options = {}) {
  const std::string& dir = engine_test::checkpoint(shape);
  Pair p;
  p.config = engine::load_config(dir);
  engine::TensorStore store(dir);
  engine::Weights weights = engine::load_weights(p.config, store);
  p.gpu = engine::make_cuda_engine(p.config, weights, options);
  p.cpu = engine::make_cpu_engine(p.config, std::move(weights));
  return p;
}

// max |a − b| / max |b|
inline double rel_error(const std::vector<float>& a, const std::vector<float>& b) {
  double diff = 0, ref = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    diff = std::max(diff, static_cast<double>(std::fabs(a[i] - b[i])));
    ref = std::max(ref, static_cast<double>(std::fabs(b[i])));
  }
  return ref > 0 ? diff / ref : diff;
}

inline std::vector<int32_t> prompt(int n, int vocab, int seed) {
  std::vector<int32_t> t(n);
  for (int i = 0; i < n; ++i) t[i] = 3 + (seed * 7919 + i * 104729) % (vocab - 3);
  return t;
}

}  // namespace cuda_test
