// Device memory for the weights: uploaded tensor by tensor from the host Weights (bf16
// tensors copied straight from the file mapping; bf16 on the GPU) or generated on the GPU.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/cuda/device_model.h"
#include "engine/weights.h"

namespace engine::cuda {

// Owns cudaMalloc'd blocks; frees them all on destruction.
class DeviceAllocations {
 public:
  DeviceAllocations() = default;
  ~DeviceAllocations();
  DeviceAllocations(const DeviceAllocations&) = delete;
  DeviceAllocations& operator=(const DeviceAllocations&) = delete;

  template <typename T>
  T* alloc(size_t count) {
    return static_cast<T*>(alloc_bytes(count * sizeof(T)));
  }
  size_t bytes() const { return bytes_; }

 private:
  void* alloc_bytes(size_t bytes);
  std::vector<void*> blocks_;
  size_t bytes_ = 0;
};

DeviceWeights upload_weights(const GemmaConfig& config, const Weights& weights, DeviceAllocations& mem);
DeviceWeights random_weights(const GemmaConfig& config, uint64_t seed, DeviceAllocations& mem, cudaStream_t stream);

}  // namespace engine::cuda
