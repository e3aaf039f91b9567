#include "engine/safetensors.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "engine/error.h"

namespace engine {

int64_t TensorView::numel() const {
  int64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

std::string shape_string(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

uint16_t f32_to_bf16(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  if ((bits & 0x7fffffff) > 0x7f800000) return 0x7fc0;  // NaN stays NaN
  bits += 0x7fff + ((bits >> 16) & 1);
  return static_cast<uint16_t>(bits >> 16);
}

float f16_to_f32(uint16_t h) {
  uint32_t sign = (h & 0x8000u) << 16, exp = (h >> 10) & 0x1f, mant = h & 0x3ff, bits;
  if (exp == 0) {
    if (mant == 0) {
      bits = sign;
    } else {  // subnormal: renormalize
      exp = 127 - 15 + 1;
      while (!(mant & 0x400)) { mant <<= 1; --exp; }
      bits = sign | (exp << 23) | ((mant & 0x3ff) << 13);
    }
  } else if (exp == 31) {
    bits = sign | 0x7f800000u | (mant << 13);
  } else {
    bits = sign | ((exp + 127 - 15) << 23) | (mant << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

void to_f32(const TensorView& t, float* out) {
  int64_t n = t.numel();
  switch (t.dtype) {
    case DType::F32: std::memcpy(out, t.data, n * 4); return;
    case DType::BF16:
      for (int64_t i = 0; i < n; ++i) { uint16_t v; std::memcpy(&v, t.data + 2 * i, 2); out[i] = bf16_to_f32(v); }
      return;
    case DType::F16:
      for (int64_t i = 0; i < n; ++i) { uint16_t v; std::memcpy(&v, t.data + 2 * i, 2); out[i] = f16_to_f32(v); }
      return;
    case DType::Other: break;
  }
  throw EngineError(t.file + ": tensor " + t.name + " has dtype " + t.dtype_name +
                    "; the CPU engine reads only BF16, F16 and F32 (quantized checkpoints need the CUDA engine).");
}

class SafetensorsFile {
 public:
  explicit SafetensorsFile(const std::string& path) : path_(path) {
    int fd = ::open(path.c_str(), O_RDONLY);
    if (fd < 0) throw EngineError(path + " cannot be opened; check that the model folder is complete.");
    struct stat st {};
    ::fstat(fd, &st);
    size_ = static_cast<size_t>(st.st_size);
    if (size_ < 8) { ::close(fd); throw EngineError(path + " is too short to be a safetensors file; re-download it."); }
    void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);
    if (p == MAP_FAILED) throw EngineError(path + " cannot be memory-mapped.");
    base_ = static_cast<const uint8_t*>(p);
  }
  ~SafetensorsFile() { ::munmap(const_cast<uint8_t*>(base_), size_); }

  // Parses the header and adds every tensor to `out`.
  void index(std::map<std::string, TensorView>& out, const std::shared_ptr<const void>& self) const {
    uint64_t header_len;
    std::memcpy(&header_len, base_, 8);
    if (header_len > size_ - 8) throw EngineError(path_ + ": safetensors header length exceeds the file; the file is truncated.");
    auto header = nlohmann::json::parse(reinterpret_cast<const char*>(base_ + 8),
                                        reinterpret_cast<const char*>(base_ + 8 + header_len), nullptr, false);
    if (header.is_discarded() || !header.is_object()) throw EngineError(path_ + ": safetensors header is not valid JSON.");
    const uint8_t* data = base_ + 8 + header_len;
    size_t data_size = size_ - 8 - header_len;
    for (auto& [name, info] : header.items()) {
      if (name == "__metadata__") continue;
      TensorView t;
      t.name = name;
      t.file = path_;
      t.mapping = self;
      t.dtype_name = info.value("dtype", std::string());
      t.dtype = t.dtype_name == "F32" ? DType::F32 : t.dtype_name == "BF16" ? DType::BF16
              : t.dtype_name == "F16" ? DType::F16 : DType::Other;
      t.shape = info.value("shape", std::vector<int64_t>{});
      auto offsets = info.value("data_offsets", std::vector<uint64_t>{});
      if (offsets.size() != 2 || offsets[0] > offsets[1] || offsets[1] > data_size)
        throw EngineError(path_ + ": tensor " + name + " has data_offsets outside the file; the file is corrupt.");
      t.data = data + offsets[0];
      t.nbytes = offsets[1] - offsets[0];
      size_t elem = t.dtype == DType::F32 ? 4 : (t.dtype == DType::Other ? 0 : 2);
      if (elem && t.nbytes != static_cast<size_t>(t.numel()) * elem)
        throw EngineError(path_ + ": tensor " + name + " holds " + std::to_string(t.nbytes) + " bytes, not what shape " +
                          shape_string(t.shape) + " in " + t.dtype_name + " needs; the file is corrupt.");
      out[name] = std::move(t);
    }
  }

 private:
  std::string path_;
  const uint8_t* base_ = nullptr;
  size_t size_ = 0;
};

TensorStore::TensorStore(const std::string& dir) {
  namespace fs = std::filesystem;
  std::vector<std::string> shards;
  std::string index_path = dir + "/model.safetensors.index.json";
  if (fs::exists(index_path)) {
    std::ifstream in(index_path);
    auto index = nlohmann::json::parse(in, nullptr, false);
    if (index.is_discarded() || !index.contains("weight_map") || !index["weight_map"].is_object())
      throw EngineError(index_path + " has no \"weight_map\" object; re-download the index file.");
    std::set<std::string> unique;
    for (auto& [name, file] : index["weight_map"].items()) unique.insert(file.get<std::string>());
    for (const auto& f : unique) shards.push_back(dir + "/" + f);
  } else if (fs::exists(dir + "/model.safetensors")) {
    shards.push_back(dir + "/model.safetensors");
  } else {
    throw EngineError(dir + " has neither model.safetensors nor model.safetensors.index.json; pass a Hugging Face model folder.");
  }
  for (const auto& path : shards) {
    files_.push_back(std::make_shared<SafetensorsFile>(path));
    files_.back()->index(tensors_, files_.back());
  }
}

TensorStore::~TensorStore() = default;

const TensorView* TensorStore::find(const std::string& name) const {
  auto it = tensors_.find(name);
  return it == tensors_.end() ? nullptr : &it->second;
}

std::vector<std::string> TensorStore::names() const {
  std::vector<std::string> out;
  for (const auto& [name, t] : tensors_) out.push_back(name);
  return out;
}

void write_safetensors(const std::string& path, const std::vector<TensorShape>& tensors, DType dtype,
                       const std::function<void(size_t, std::vector<float>&)>& fill) {
  size_t elem = dtype == DType::F32 ? 4 : 2;
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  header["__metadata__"] = {{"format", "pt"}};
  uint64_t offset = 0;
  for (const auto& t : tensors) {
    uint64_t n = 1;
    for (auto d : t.shape) n *= static_cast<uint64_t>(d);
    header[t.name] = {{"dtype", dtype == DType::F32 ? "F32" : "BF16"}, {"shape", t.shape}, {"data_offsets", {offset, offset + n * elem}}};
    offset += n * elem;
  }
  std::string h = header.dump();
  while ((h.size() + 8) % 8) h += ' ';  // data section 8-byte aligned, as the reference writer does
  std::ofstream out(path, std::ios::binary);
  if (!out) throw EngineError(path + " cannot be written; check the folder exists and is writable.");
  uint64_t len = h.size();
  out.write(reinterpret_cast<const char*>(&len), 8);
  out.write(h.data(), static_cast<std::streamsize>(h.size()));
  std::vector<float> values;
  std::vector<uint16_t> b;
  for (size_t i = 0; i < tensors.size(); ++i) {
    uint64_t n = 1;
    for (auto d : tensors[i].shape) n *= static_cast<uint64_t>(d);
    values.assign(n, 0.0f);
    fill(i, values);
    if (dtype == DType::F32) {
      out.write(reinterpret_cast<const char*>(values.data()), static_cast<std::streamsize>(n * 4));
    } else {
      b.resize(n);
      for (size_t j = 0; j < n; ++j) b[j] = f32_to_bf16(values[j]);
      out.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(n * 2));
    }
  }
  if (!out) throw EngineError(path + " could not be written completely; check free disk space.");
}

void write_safetensors(const std::string& path, const std::vector<TensorToWrite>& tensors, DType dtype) {
  std::vector<TensorShape> shapes;
  for (const auto& t : tensors) shapes.push_back({t.name, t.shape});
  write_safetensors(path, shapes, dtype, [&](size_t i, std::vector<float>& v) {
    if (v.size() != tensors[i].values.size())
      throw EngineError("tensor " + tensors[i].name + " has " + std::to_string(tensors[i].values.size()) +
                        " values but shape " + shape_string(tensors[i].shape) + "; fix the writer's input.");
    v = tensors[i].values;
  });
}

}  // namespace engine
