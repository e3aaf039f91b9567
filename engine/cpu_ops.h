// The building blocks of the fp32 CPU reference (gemma4.md §2–§3), one function per
// operation so that each CUDA kernel has an oracle to test against.
#pragma once

#include <vector>

#include "engine/config.h"
#include "engine/tensor.h"

namespace engine::cpu {

// Gemma 4 RMSNorm: x · (mean(x²) + eps)^−½ · w — the weight is used as is, no (1 + w).
// w == nullptr is the weightless form used for v_norm and the router input.
void rmsnorm(float* out, const float* x, const float* w, int n, float eps);

// out[o] = Σ_i W[o, i] · x[i]; W is [out_dim, in_dim] (PyTorch Linear layout).
void matvec(float* out, const float* W, const float* x, int out_dim, int in_dim);
// The same over rows first_row … first_row+out_dim−1 of a weight in its stored dtype,
// widened one element at a time (fp32 accumulation, as the fp32 form).
void matvec(float* out, const Tensor& W, size_t first_row, const float* x, int out_dim, int in_dim);

// PyTorch gelu(approximate="tanh"), used by the dense MLP and by the experts.
float gelu_tanh(float a);

// Inverse frequencies [head_dim/2]. "proportional" keeps the exponent denominator at the
// full head_dim and zeroes the pairs past partial_rotary_factor, so they pass unrotated.
std::vector<float> rope_inv_freq(const RopeParams& rope, int head_dim);

// NeoX layout: element i rotates with element i + head_dim/2.
void apply_rope(float* x, int head_dim, const float* inv_freq, int pos);

// Router (gemma4.md §2.5): softmax over all experts, top-k, renormalise over the chosen
// k, then × per_expert_scale. Ties go to the lower expert index. Non-finite logits: NaN
// counts as -inf, +inf logits share the probability equally, all -inf/NaN → uniform
// (so experts 0..k-1); the CUDA router (engine/cuda/moe.cu) applies the same rule.
struct Route {
  std::vector<int> experts;   // [k], in descending probability order
  std::vector<float> weights; // [k]
};
Route route_experts(const float* router_logits, const float* per_expert_scale, int n_experts, int k);

// logits = cap · tanh(logits / cap); cap <= 0 means no softcap.
void softcap(float* logits, int n, float cap);

}  // namespace engine::cpu
