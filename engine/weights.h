// Text-model weights (gemma4.md §4.1). Linear weights are [out, in] as in PyTorch. Matrices
// stay in the checkpoint's dtype, memory-mapped (see tensor.h); 1-D tensors (norms, scales)
// are widened to fp32 at load since they are a few KB each.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/config.h"
#include "engine/tensor.h"

namespace engine {

class TensorStore;

struct LayerWeights {
  Tensor input_norm;        // [hidden]
  Tensor q_proj;            // [n_heads*hd, hidden]   hd = 256 sliding / 512 full
  Tensor k_proj;            // [n_kv*hd, hidden]
  Tensor v_proj;            // [n_kv*hd, hidden]; empty on full layers (k_eq_v)
  Tensor o_proj;            // [hidden, n_heads*hd]
  Tensor q_norm;            // [hd]
  Tensor k_norm;            // [hd]
  Tensor post_attn_norm;    // [hidden]
  Tensor pre_ff_norm;       // [hidden]  dense MLP input
  Tensor post_ff_norm_1;    // [hidden]  dense MLP output
  Tensor pre_ff_norm_2;     // [hidden]  MoE input
  Tensor post_ff_norm_2;    // [hidden]  MoE output
  Tensor post_ff_norm;      // [hidden]  sum of both
  Tensor mlp_gate;          // [ffn, hidden]
  Tensor mlp_up;            // [ffn, hidden]
  Tensor mlp_down;          // [hidden, ffn]
  Tensor router_proj;       // [n_experts, hidden]
  Tensor router_scale;      // [hidden]
  Tensor per_expert_scale;  // [n_experts]
  Tensor experts_gate_up;   // [n_experts, 2*moe_ffn, hidden]  rows 0..moe_ffn-1 gate, then up
  Tensor experts_down;      // [n_experts, hidden, moe_ffn]
  float layer_scalar = 1;   // scales the whole residual stream after the layer
};

struct Weights {
  Tensor embed;             // [vocab, hidden]; also the (tied) lm_head
  Tensor final_norm;        // [hidden]
  std::vector<LayerWeights> layers;
};

// Every text tensor a checkpoint of this config must hold, with its shape, in file order.
struct ExpectedTensor {
  std::string name;          // full name, prefix included
  std::vector<int64_t> shape;
};
std::vector<ExpectedTensor> expected_tensors(const GemmaConfig& config);

// Loads and checks names, shapes and dtypes against the config; vision/audio tensors are
// skipped. Throws EngineError naming the tensor and file.
Weights load_weights(const GemmaConfig& config, const TensorStore& store);

}  // namespace engine
