// Safetensors files, memory-mapped: one file or a sharded set listed in
// model.safetensors.index.json. Tensors are viewed in place (the mapping lives as long as
// any view's `mapping` handle) and converted to fp32 on demand.
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace engine {

enum class DType { F32, F16, BF16, Other };

struct TensorView {
  std::string name;
  DType dtype = DType::Other;
  std::string dtype_name;       // as written in the header ("BF16", "U8", ...)
  std::vector<int64_t> shape;
  const uint8_t* data = nullptr;
  size_t nbytes = 0;
  std::string file;             // for error messages
  std::shared_ptr<const void> mapping;  // keeps the file mapped while held

  int64_t numel() const;
};

std::string shape_string(const std::vector<int64_t>& shape);  // "[8, 64]"

// Converts one element-run to fp32 (bf16 and f16 widened exactly).
void to_f32(const TensorView& t, float* out);
inline float bf16_to_f32(uint16_t v) {  // inline: the CPU engine's inner loops call it per weight
  uint32_t bits = static_cast<uint32_t>(v) << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}
float f16_to_f32(uint16_t v);
uint16_t f32_to_bf16(float v);  // round to nearest even

class SafetensorsFile;

// All tensors of a model folder: model.safetensors, or the shards named by
// model.safetensors.index.json. Throws EngineError naming the file on any format error.
class TensorStore {
 public:
  explicit TensorStore(const std::string& model_dir);
  ~TensorStore();
  TensorStore(const TensorStore&) = delete;
  TensorStore& operator=(const TensorStore&) = delete;

  const TensorView* find(const std::string& name) const;  // nullptr when absent
  std::vector<std::string> names() const;

 private:
  std::vector<std::shared_ptr<SafetensorsFile>> files_;
  std::map<std::string, TensorView> tensors_;
};

// Writer used by the random-checkpoint generator: tensors are given as fp32 and stored in
// `dtype` (BF16 or F32), in the order given.
struct TensorToWrite {
  std::string name;
  std::vector<int64_t> shape;
  std::vector<float> values;
};
void write_safetensors(const std::string& path, const std::vector<TensorToWrite>& tensors, DType dtype);

// Streaming form for checkpoints too large to hold in fp32: `fill(i, values)` is called
// once per tensor, in order, with `values` sized to tensor i's element count.
struct TensorShape {
  std::string name;
  std::vector<int64_t> shape;
};
void write_safetensors(const std::string& path, const std::vector<TensorShape>& tensors, DType dtype,
                       const std::function<void(size_t index, std::vector<float>& values)>& fill);

}  // namespace engine
