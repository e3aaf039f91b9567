// The CPU reference forward pass (gemma4.md §2–§3), fp32 arithmetic over weights kept in
// their file dtype (bf16 rows are widened as they are read): simple loops, one token at a time
// inside each layer, KV cache kept for every position (the sliding window is a mask, not a
// ring buffer, so the code stays obviously equal to the reference).
#include <cmath>
#include <limits>

#include "engine/cpu_ops.h"
#include "engine/engine.h"
#include "engine/error.h"
#include "engine/safetensors.h"

namespace engine {
namespace {

using namespace cpu;

class CpuEngine;

class CpuSequence : public Sequence {
 public:
  explicit CpuSequence(const CpuEngine& engine);
  int length() const override { return length_; }
  std::vector<float> append(std::span<const int32_t> tokens, bool all_logits) override;

 private:
  void attention_block(int layer, std::vector<float>& x, int n);
  void ffn_block(int layer, float* x);

  const CpuEngine& e_;
  int length_ = 0;
  std::vector<std::vector<float>> k_cache_;  // per layer: [pos, n_kv*hd], after k_norm and RoPE
  std::vector<std::vector<float>> v_cache_;  // per layer: [pos, n_kv*hd], after v_norm
};

class CpuEngine : public Engine {
 public:
  CpuEngine(GemmaConfig c, Weights w) : config_(std::move(c)), w_(std::move(w)) {
    inv_freq_sliding_ = rope_inv_freq(config_.rope_sliding, config_.head_dim);
    inv_freq_full_ = rope_inv_freq(config_.rope_full, config_.global_head_dim);
    // The reference multiplies by √hidden cast to the weight dtype (bf16: √2816 → 53.0).
    embed_scale_ = std::sqrt(static_cast<float>(config_.hidden_size));
    if (config_.dtype == "bfloat16") embed_scale_ = bf16_to_f32(f32_to_bf16(embed_scale_));
  }
  const GemmaConfig& config() const override { return config_; }
  std::string name() const override { return "cpu-fp32"; }
  std::unique_ptr<Sequence> new_sequence() override { return std::make_unique<CpuSequence>(*this); }

  GemmaConfig config_;
  Weights w_;
  std::vector<float> inv_freq_sliding_, inv_freq_full_;
  float embed_scale_ = 1;
};

CpuSequence::CpuSequence(const CpuEngine& engine)
    : e_(engine), k_cache_(engine.config_.num_layers), v_cache_(engine.config_.num_layers) {}

std::vector<float> CpuSequence::append(std::span<const int32_t> tokens, bool all_logits) {
  const GemmaConfig& c = e_.config_;
  const int H = c.hidden_size, n = static_cast<int>(tokens.size());
  if (n == 0) return {};
  if (length_ + n > c.max_position_embeddings)
    throw EngineError("sequence of " + std::to_string(length_ + n) + " tokens exceeds max_position_embeddings (" +
                      std::to_string(c.max_position_embeddings) + "); shorten the prompt or max tokens.");
  std::vector<float> x(static_cast<size_t>(n) * H);  // residual stream [n, hidden]
  for (int t = 0; t < n; ++t) {
    int32_t id = tokens[t];
    if (id < 0 || id >= c.vocab_size) throw EngineError("token id " + std::to_string(id) + " is outside the vocabulary.");
    float* xt = &x[static_cast<size_t>(t) * H];
    e_.w_.embed.to_f32(static_cast<size_t>(id) * H, H, xt);
    for (int i = 0; i < H; ++i) xt[i] *= e_.embed_scale_;
  }
  for (int l = 0; l < c.num_layers; ++l) {
    attention_block(l, x, n);
    for (int t = 0; t < n; ++t) ffn_block(l, &x[static_cast<size_t>(t) * H]);
  }
  length_ += n;

  int first = all_logits ? 0 : n - 1;
  std::vector<float> logits(static_cast<size_t>(n - first) * c.vocab_size);
  std::vector<float> y(H);
  for (int t = first; t < n; ++t) {
    rmsnorm(y.data(), &x[static_cast<size_t>(t) * H], e_.w_.final_norm.f32(), H, c.rms_norm_eps);
    float* out = &logits[static_cast<size_t>(t - first) * c.vocab_size];
    matvec(out, e_.w_.embed, 0, y.data(), c.vocab_size, H);  // tied lm_head
    softcap(out, c.vocab_size, c.final_logit_softcapping);
  }
  return logits;
}

void CpuSequence::attention_block(int l, std::vector<float>& x, int n) {
  const GemmaConfig& c = e_.config_;
  const LayerWeights& w = e_.w_.layers[l];
  const int H = c.hidden_size, hd = c.layer_head_dim(l), nq = c.num_heads, nkv = c.layer_kv_heads(l);
  const int group = nq / nkv;  // query heads per kv head (repeat_kv layout)
  const float* inv_freq = c.is_full(l) ? e_.inv_freq_full_.data() : e_.inv_freq_sliding_.data();
  const float eps = c.rms_norm_eps;

  std::vector<float> h(H), q(static_cast<size_t>(n) * nq * hd), k(nkv * hd), v(nkv * hd);
  for (int t = 0; t < n; ++t) {
    int pos = length_ + t;
    rmsnorm(h.data(), &x[static_cast<size_t>(t) * H], w.input_norm.f32(), H, eps);
    float* qt = &q[static_cast<size_t>(t) * nq * hd];
    matvec(qt, w.q_proj, 0, h.data(), nq * hd, H);
    for (int i = 0; i < nq; ++i) {
      rmsnorm(qt + i * hd, qt + i * hd, w.q_norm.f32(), hd, eps);
      apply_rope(qt + i * hd, hd, inv_freq, pos);
    }
    matvec(k.data(), w.k_proj, 0, h.data(), nkv * hd, H);
    if (c.layer_has_v_proj(l)) matvec(v.data(), w.v_proj, 0, h.data(), nkv * hd, H);
    else v = k;  // k_eq_v: V is the raw K projection, taken before k_norm
    for (int j = 0; j < nkv; ++j) {
      rmsnorm(&k[j * hd], &k[j * hd], w.k_norm.f32(), hd, eps);
      apply_rope(&k[j * hd], hd, inv_freq, pos);
      rmsnorm(&v[j * hd], &v[j * hd], nullptr, hd, eps);
    }
    k_cache_[l].insert(k_cache_[l].end(), k.begin(), k.end());
    v_cache_[l].insert(v_cache_[l].end(), v.begin(), v.end());
  }

  std::vector<float> o(nq * hd), scores, a(H);
  for (int t = 0; t < n; ++t) {
    int pos = length_ + t;
    // Sliding layers see keys pos−window < j ≤ pos; full layers every j ≤ pos.
    int lo = c.is_full(l) ? 0 : std::max(0, pos - c.sliding_window + 1);
    scores.assign(pos - lo + 1, 0.0f);
    for (int i = 0; i < nq; ++i) {
      const float* qi = &q[(static_cast<size_t>(t) * nq + i) * hd];
      int kvh = i / group;
      float mx = -std::numeric_limits<float>::infinity();
      for (int j = lo; j <= pos; ++j) {
        const float* kj = &k_cache_[l][(static_cast<size_t>(j) * nkv + kvh) * hd];
        float s = 0;
        for (int d = 0; d < hd; ++d) s += qi[d] * kj[d];
        scores[j - lo] = s;  // scale 1.0: Gemma 4 has no 1/√d (q_norm/k_norm take its place)
        mx = std::max(mx, s);
      }
      float sum = 0;
      for (auto& s : scores) sum += (s = std::exp(s - mx));
      float* oi = &o[i * hd];
      std::fill(oi, oi + hd, 0.0f);
      for (int j = lo; j <= pos; ++j) {
        float p = scores[j - lo] / sum;
        const float* vj = &v_cache_[l][(static_cast<size_t>(j) * nkv + kvh) * hd];
        for (int d = 0; d < hd; ++d) oi[d] += p * vj[d];
      }
    }
    matvec(a.data(), w.o_proj, 0, o.data(), H, nq * hd);
    rmsnorm(a.data(), a.data(), w.post_attn_norm.f32(), H, eps);
    float* xt = &x[static_cast<size_t>(t) * H];
    for (int i = 0; i < H; ++i) xt[i] += a[i];
  }
}

void CpuSequence::ffn_block(int l, float* x) {
  const GemmaConfig& c = e_.config_;
  const LayerWeights& w = e_.w_.layers[l];
  const int H = c.hidden_size, F = c.intermediate_size, MF = c.moe_intermediate_size, E = c.num_experts;
  const float eps = c.rms_norm_eps;

  // Dense MLP and MoE both read the same residual r; each output is normed, then summed.
  std::vector<float> in(H), gate(std::max(F, 2 * MF)), up(F), act(std::max(F, MF)), ffn(H), tmp(H);
  rmsnorm(in.data(), x, w.pre_ff_norm.f32(), H, eps);
  matvec(gate.data(), w.mlp_gate, 0, in.data(), F, H);
  matvec(up.data(), w.mlp_up, 0, in.data(), F, H);
  for (int i = 0; i < F; ++i) act[i] = gelu_tanh(gate[i]) * up[i];
  matvec(ffn.data(), w.mlp_down, 0, act.data(), H, F);

  if (c.enable_moe_block) {
    rmsnorm(ffn.data(), ffn.data(), w.post_ff_norm_1.f32(), H, eps);
    // Router sees the un-normed residual: RMS0(r) · scale · hidden^−½.
    std::vector<float> u(H), router_logits(E), moe(H, 0.0f);
    rmsnorm(u.data(), x, nullptr, H, eps);
    const float root = 1.0f / std::sqrt(static_cast<float>(H));
    const float* scale = w.router_scale.f32();
    for (int i = 0; i < H; ++i) u[i] = u[i] * scale[i] * root;
    matvec(router_logits.data(), w.router_proj, 0, u.data(), E, H);
    Route route = route_experts(router_logits.data(), w.per_expert_scale.f32(), E, c.top_k_experts);

    rmsnorm(in.data(), x, w.pre_ff_norm_2.f32(), H, eps);
    for (size_t j = 0; j < route.experts.size(); ++j) {
      size_t e = static_cast<size_t>(route.experts[j]);
      matvec(gate.data(), w.experts_gate_up, e * 2 * MF, in.data(), 2 * MF, H);  // [gate; up]
      for (int i = 0; i < MF; ++i) act[i] = gelu_tanh(gate[i]) * gate[MF + i];
      matvec(tmp.data(), w.experts_down, e * H, act.data(), H, MF);
      for (int i = 0; i < H; ++i) moe[i] += route.weights[j] * tmp[i];
    }
    rmsnorm(moe.data(), moe.data(), w.post_ff_norm_2.f32(), H, eps);
    for (int i = 0; i < H; ++i) ffn[i] += moe[i];
  }
  // Dense models (no MoE block) go straight from the MLP to the final FFN norm.
  rmsnorm(tmp.data(), ffn.data(), w.post_ff_norm.f32(), H, eps);
  for (int i = 0; i < H; ++i) x[i] = (x[i] + tmp[i]) * w.layer_scalar;
}

}  // namespace

std::unique_ptr<Engine> make_cpu_engine(GemmaConfig config, Weights weights) {
  return std::make_unique<CpuEngine>(std::move(config), std::move(weights));
}

std::unique_ptr<Engine> load_cpu_engine(const std::string& model_dir) {
  GemmaConfig config = load_config(model_dir);
  TensorStore store(model_dir);
  Weights weights = load_weights(config, store);
  return make_cpu_engine(std::move(config), std::move(weights));
}

}  // namespace engine
