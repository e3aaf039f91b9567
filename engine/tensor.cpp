#include "engine/tensor.h"

#include <algorithm>
#include <cstring>

#include "engine/error.h"

namespace engine {

Tensor::Tensor(std::vector<float> values) {
  auto owned = std::make_shared<const std::vector<float>>(std::move(values));
  dtype_ = DType::F32;
  size_ = owned->size();
  data_ = reinterpret_cast<const uint8_t*>(owned->data());
  owned_ = std::move(owned);
}

Tensor Tensor::mapped(const TensorView& view, std::shared_ptr<const void> mapping) {
  if (view.dtype == DType::Other)
    throw EngineError(view.file + ": tensor " + view.name + " has dtype " + view.dtype_name +
                      "; the engine reads only BF16, F16 and F32 weights (quantized checkpoints are not supported yet).");
  Tensor t;
  t.dtype_ = view.dtype;
  t.size_ = static_cast<size_t>(view.numel());
  t.data_ = view.data;
  t.mapping_ = std::move(mapping);
  return t;
}

float Tensor::at(size_t i) const {
  float v;
  to_f32(i, 1, &v);
  return v;
}

// Reads `count` little-endian 16-bit floats at `p` (possibly unaligned: an mmapped file)
// and widens each with `widen`.
template <float (*widen)(uint16_t)>
void widen_16bit(const uint8_t* p, size_t count, float* out) {
  for (size_t i = 0; i < count; ++i) {
    uint16_t v;
    std::memcpy(&v, p + 2 * i, 2);
    out[i] = widen(v);
  }
}

void Tensor::to_f32(size_t first, size_t count, float* out) const {
  switch (dtype_) {
    case DType::F32:
      std::memcpy(out, data_ + first * 4, count * 4);
      return;
    case DType::BF16:
      widen_16bit<bf16_to_f32>(data_ + first * 2, count, out);
      return;
    case DType::F16:
      widen_16bit<f16_to_f32>(data_ + first * 2, count, out);
      return;
    case DType::Other: break;
  }
  throw EngineError("a weight tensor has an unsupported dtype; the engine reads BF16, F16 and F32.");
}

void Tensor::to_bf16(size_t first, size_t count, uint16_t* out) const {
  if (dtype_ == DType::BF16) {
    std::memcpy(out, data_ + first * 2, count * 2);
    return;
  }
  float buf[256];
  for (size_t done = 0; done < count; done += 256) {
    size_t n = std::min<size_t>(256, count - done);
    to_f32(first + done, n, buf);
    for (size_t i = 0; i < n; ++i) out[done + i] = f32_to_bf16(buf[i]);
  }
}

std::vector<float> Tensor::to_vector() const {
  std::vector<float> v(size_);
  to_f32(0, size_, v.data());
  return v;
}

const float* Tensor::f32() const {
  if (dtype_ != DType::F32 || (reinterpret_cast<uintptr_t>(data_) % alignof(float)) != 0)
    throw EngineError("internal: a weight used as fp32 in memory is stored as 16-bit; load_weights widens only 1-D tensors.");
  return reinterpret_cast<const float*>(data_);
}

}  // namespace engine
