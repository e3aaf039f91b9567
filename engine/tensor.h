// One weight tensor as the engines read it: either a view of the checkpoint's bytes in
// their file dtype (bf16/f16/f32, memory-mapped, never widened as a whole) or fp32 values
// held in memory (small norm vectors, and weights that tests build or edit).
// A real 26B-A4B checkpoint is ~50 GB of bf16; widening it to fp32 on the host would need
// ~100 GB, so the CPU engine converts one row at a time and the CUDA engine uploads the
// mapped bytes tensor by tensor.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "engine/safetensors.h"

namespace engine {

class Tensor {
 public:
  Tensor() = default;
  // fp32 values held in memory.
  explicit Tensor(std::vector<float> values);
  // A view of `view`'s bytes; `mapping` keeps the file mapped while any copy lives.
  static Tensor mapped(const TensorView& view, std::shared_ptr<const void> mapping);

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  DType dtype() const { return dtype_; }
  bool is_mapped() const { return mapping_ != nullptr; }
  const uint8_t* bytes() const { return data_; }  // size() elements in dtype()
  size_t nbytes() const { return size_ * (dtype_ == DType::F32 ? 4 : 2); }

  float at(size_t i) const;
  // Widens elements [first, first + count) into out.
  void to_f32(size_t first, size_t count, float* out) const;
  std::vector<float> to_vector() const;
  // Widens elements [first, first + count) into bf16 (rounding to nearest even from fp32).
  void to_bf16(size_t first, size_t count, uint16_t* out) const;
  // The fp32 values in memory; throws EngineError unless this tensor holds fp32.
  const float* f32() const;

 private:
  DType dtype_ = DType::F32;
  size_t size_ = 0;
  const uint8_t* data_ = nullptr;
  std::shared_ptr<const std::vector<float>> owned_;  // shared: copies of Weights stay cheap
  std::shared_ptr<const void> mapping_;
};

}  // namespace engine
