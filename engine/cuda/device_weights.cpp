#include "engine/cuda/device_weights.h"

#include <algorithm>
#include <cmath>

#include "engine/cpu_ops.h"
#include "engine/cuda/kernels.h"
#include "engine/safetensors.h"

namespace engine::cuda {

DeviceAllocations::~DeviceAllocations() {
  for (void* p : blocks_) cudaFree(p);
}

void* DeviceAllocations::alloc_bytes(size_t bytes) {
  if (bytes == 0) return nullptr;
  void* p = nullptr;
  CUDA_CHECK(cudaMalloc(&p, bytes));
  blocks_.push_back(p);
  bytes_ += bytes;
  return p;
}

namespace {

// The shape of every weight, so that upload and random generation walk the same list.
struct WeightSpec {
  const bf16** slot;
  size_t count;
  int fan_in;     // > 0: linear weight, random in ±1/√fan_in; 0: norm or scale, constant 1
  const Tensor* host;
};

std::vector<WeightSpec> weight_specs(const GemmaConfig& c, DeviceWeights& d, const Weights* w) {
  if (!c.enable_moe_block)
    throw EngineError("config.json describes a dense Gemma 4 (enable_moe_block is false); the CUDA engine implements only "
                      "the MoE variants, so run this model with HARNESS_ENGINE=cpu.");
  const size_t H = c.hidden_size, F = c.intermediate_size, E = c.num_experts, MF = c.moe_intermediate_size;
  std::vector<WeightSpec> specs;
  specs.push_back({&d.embed, c.vocab_size * H, static_cast<int>(H), w ? &w->embed : nullptr});
  specs.push_back({&d.final_norm, H, 0, w ? &w->final_norm : nullptr});
  d.layers.resize(c.num_layers);
  for (int l = 0; l < c.num_layers; ++l) {
    DeviceLayer& dl = d.layers[l];
    const LayerWeights* lw = w ? &w->layers[l] : nullptr;
    const size_t hd = c.layer_head_dim(l), q = c.num_heads * hd, kv = c.layer_kv_heads(l) * hd;
    auto add = [&](const bf16** slot, size_t count, int fan_in, const Tensor LayerWeights::*member) {
      specs.push_back({slot, count, fan_in, lw ? &(lw->*member) : nullptr});
    };
    add(&dl.input_norm, H, 0, &LayerWeights::input_norm);
    add(&dl.q_proj, q * H, H, &LayerWeights::q_proj);
    add(&dl.k_proj, kv * H, H, &LayerWeights::k_proj);
    dl.v_proj = nullptr;
    if (c.layer_has_v_proj(l)) add(&dl.v_proj, kv * H, H, &LayerWeights::v_proj);
    add(&dl.o_proj, H * q, q, &LayerWeights::o_proj);
    add(&dl.q_norm, hd, 0, &LayerWeights::q_norm);
    add(&dl.k_norm, hd, 0, &LayerWeights::k_norm);
    add(&dl.post_attn_norm, H, 0, &LayerWeights::post_attn_norm);
    add(&dl.pre_ff_norm, H, 0, &LayerWeights::pre_ff_norm);
    add(&dl.post_ff_norm_1, H, 0, &LayerWeights::post_ff_norm_1);
    add(&dl.pre_ff_norm_2, H, 0, &LayerWeights::pre_ff_norm_2);
    add(&dl.post_ff_norm_2, H, 0, &LayerWeights::post_ff_norm_2);
    add(&dl.post_ff_norm, H, 0, &LayerWeights::post_ff_norm);
    add(&dl.mlp_gate, F * H, H, &LayerWeights::mlp_gate);
    add(&dl.mlp_up, F * H, H, &LayerWeights::mlp_up);
    add(&dl.mlp_down, H * F, F, &LayerWeights::mlp_down);
    add(&dl.router_proj, E * H, H, &LayerWeights::router_proj);
    add(&dl.router_scale, H, 0, &LayerWeights::router_scale);
    add(&dl.per_expert_scale, E, 0, &LayerWeights::per_expert_scale);
    add(&dl.experts_gate_up, E * 2 * MF * H, H, &LayerWeights::experts_gate_up);
    add(&dl.experts_down, E * H * MF, MF, &LayerWeights::experts_down);
    dl.layer_scalar = lw ? lw->layer_scalar : 1.0f;
  }
  return specs;
}

void upload_inv_freq(const GemmaConfig& c, DeviceWeights& d, DeviceAllocations& mem) {
  auto put = [&](const std::vector<float>& v) {
    float* p = mem.alloc<float>(v.size());
    CUDA_CHECK(cudaMemcpy(p, v.data(), v.size() * sizeof(float), cudaMemcpyHostToDevice));
    return p;
  };
  d.inv_freq_sliding = put(cpu::rope_inv_freq(c.rope_sliding, c.head_dim));
  d.inv_freq_full = put(cpu::rope_inv_freq(c.rope_full, c.global_head_dim));
}

}  // namespace

DeviceWeights upload_weights(const GemmaConfig& config, const Weights& weights, DeviceAllocations& mem) {
  DeviceWeights d;
  // One tensor at a time: bf16 tensors go straight from the file mapping to the device; others
  // are rounded to bf16 through a bounded staging buffer, so host memory never holds a
  // converted copy of the model.
  constexpr size_t kStagingElems = size_t{1} << 22;
  std::vector<uint16_t> staging;
  for (const WeightSpec& s : weight_specs(config, d, &weights)) {
    if (s.host->size() != s.count)
      throw EngineError("a weight tensor holds " + std::to_string(s.host->size()) + " values where the config needs " +
                        std::to_string(s.count) + "; load the weights with load_weights for this config.");
    bf16* p = mem.alloc<bf16>(s.count);
    if (s.host->dtype() == DType::BF16) {
      CUDA_CHECK(cudaMemcpy(p, s.host->bytes(), s.count * sizeof(bf16), cudaMemcpyHostToDevice));
    } else {
      for (size_t first = 0; first < s.count; first += kStagingElems) {
        size_t n = std::min(kStagingElems, s.count - first);
        staging.resize(n);
        s.host->to_bf16(first, n, staging.data());
        CUDA_CHECK(cudaMemcpy(p + first, staging.data(), n * sizeof(bf16), cudaMemcpyHostToDevice));
      }
    }
    *s.slot = p;
  }
  upload_inv_freq(config, d, mem);
  return d;
}

DeviceWeights random_weights(const GemmaConfig& config, uint64_t seed, DeviceAllocations& mem, cudaStream_t stream) {
  DeviceWeights d;
  uint64_t tensor = 0;
  for (const WeightSpec& s : weight_specs(config, d, nullptr)) {
    bf16* p = mem.alloc<bf16>(s.count);
    float scale = s.fan_in > 0 ? 1.0f / std::sqrt(static_cast<float>(s.fan_in)) : 0.0f;
    fill_random_bf16(p, s.count, seed * 1000003ull + ++tensor, scale, 1.0f, stream);
    *s.slot = p;
  }
  CUDA_CHECK(cudaStreamSynchronize(stream));
  upload_inv_freq(config, d, mem);
  return d;
}

}  // namespace engine::cuda
