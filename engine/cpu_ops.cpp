#include "engine/cpu_ops.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>

namespace engine::cpu {

void rmsnorm(float* out, const float* x, const float* w, int n, float eps) {
  double sum = 0;
  for (int i = 0; i < n; ++i) sum += static_cast<double>(x[i]) * x[i];
  // HF adds eps inside the mean and raises to −0.5 with pow (not rsqrt).
  float inv = static_cast<float>(std::pow(sum / n + eps, -0.5));
  for (int i = 0; i < n; ++i) out[i] = x[i] * inv * (w ? w[i] : 1.0f);
}

void matvec(float* out, const float* W, const float* x, int out_dim, int in_dim) {
  for (int o = 0; o < out_dim; ++o) {
    const float* row = W + static_cast<size_t>(o) * in_dim;
    float acc = 0;
    for (int i = 0; i < in_dim; ++i) acc += row[i] * x[i];
    out[o] = acc;
  }
}

void matvec(float* out, const Tensor& W, size_t first_row, const float* x, int out_dim, int in_dim) {
  if (W.dtype() == DType::F32 && !W.is_mapped()) {
    matvec(out, W.f32() + first_row * in_dim, x, out_dim, in_dim);
    return;
  }
  if (W.dtype() == DType::BF16) {
    for (int o = 0; o < out_dim; ++o) {
      const uint8_t* row = W.bytes() + ((first_row + o) * static_cast<size_t>(in_dim)) * 2;
      float acc = 0;
      for (int i = 0; i < in_dim; ++i) {
        uint16_t v;
        std::memcpy(&v, row + 2 * i, 2);
        acc += bf16_to_f32(v) * x[i];
      }
      out[o] = acc;
    }
    return;
  }
  std::vector<float> row(in_dim);
  for (int o = 0; o < out_dim; ++o) {
    W.to_f32((first_row + o) * static_cast<size_t>(in_dim), in_dim, row.data());
    float acc = 0;
    for (int i = 0; i < in_dim; ++i) acc += row[i] * x[i];
    out[o] = acc;
  }
}

float gelu_tanh(float a) {
  const float k = 0.7978845608028654f;  // √(2/π)
  return 0.5f * a * (1.0f + std::tanh(k * (a + 0.044715f * a * a * a)));
}

std::vector<float> rope_inv_freq(const RopeParams& rope, int head_dim) {
  int half = head_dim / 2;
  int rotated = rope.proportional ? static_cast<int>(rope.partial_rotary_factor * head_dim / 2) : half;
  std::vector<float> inv(half, 0.0f);
  for (int i = 0; i < rotated; ++i)
    inv[i] = static_cast<float>(std::pow(rope.theta, -2.0 * i / head_dim) / rope.factor);
  return inv;
}

void apply_rope(float* x, int head_dim, const float* inv_freq, int pos) {
  int half = head_dim / 2;
  for (int i = 0; i < half; ++i) {
    float angle = static_cast<float>(pos) * inv_freq[i];  // fp32 product, as HF computes freqs
    float c = std::cos(angle), s = std::sin(angle);
    float a = x[i], b = x[i + half];
    x[i] = a * c - b * s;
    x[i + half] = b * c + a * s;
  }
}

Route route_experts(const float* logits, const float* per_expert_scale, int n, int k) {
  // A NaN logit counts as -inf; +inf logits share the mass equally; when every logit is
  // -inf (or NaN) the probabilities are uniform. The same rule is in engine/cuda/moe.cu,
  // so a broken router never yields NaN weights or an undefined expert set.
  std::vector<float> x(n);
  for (int e = 0; e < n; ++e) x[e] = std::isnan(logits[e]) ? -INFINITY : logits[e];
  const float mx = *std::max_element(x.begin(), x.end());
  std::vector<float> p(n);
  double sum = 0;
  for (int e = 0; e < n; ++e) {
    if (mx == INFINITY) p[e] = x[e] == INFINITY ? 1.0f : 0.0f;
    else if (mx == -INFINITY) p[e] = 1.0f;
    else p[e] = std::exp(x[e] - mx);
    sum += p[e];
  }
  for (auto& v : p) v = static_cast<float>(v / sum);
  std::vector<int> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::partial_sort(order.begin(), order.begin() + k, order.end(),
                    [&](int a, int b) { return p[a] != p[b] ? p[a] > p[b] : a < b; });
  Route r;
  float chosen = 0;  // >= the largest p, which is > 0
  for (int j = 0; j < k; ++j) chosen += p[order[j]];
  for (int j = 0; j < k; ++j) {
    r.experts.push_back(order[j]);
    r.weights.push_back(p[order[j]] / chosen * per_expert_scale[order[j]]);
  }
  return r;
}

void softcap(float* logits, int n, float cap) {
  if (cap <= 0) return;
  for (int i = 0; i < n; ++i) logits[i] = cap * std::tanh(logits[i] / cap);
}

}  // namespace engine::cpu
