#include "engine/weights.h"

#include "engine/error.h"
#include "engine/safetensors.h"

namespace engine {
namespace {

// The slot each checkpoint tensor is loaded into; one table keeps names, shapes and the
// struct in step.
struct Slot {
  std::string suffix;
  std::vector<int64_t> shape;
  Tensor LayerWeights::* field;
};

std::vector<Slot> layer_slots(const GemmaConfig& c, int layer) {
  int64_t H = c.hidden_size, hd = c.layer_head_dim(layer), nq = c.num_heads, nkv = c.layer_kv_heads(layer);
  int64_t E = c.num_experts, F = c.intermediate_size, MF = c.moe_intermediate_size;
  std::vector<Slot> s = {
      {"input_layernorm.weight", {H}, &LayerWeights::input_norm},
      {"self_attn.q_proj.weight", {nq * hd, H}, &LayerWeights::q_proj},
      {"self_attn.k_proj.weight", {nkv * hd, H}, &LayerWeights::k_proj},
  };
  if (c.layer_has_v_proj(layer)) s.push_back({"self_attn.v_proj.weight", {nkv * hd, H}, &LayerWeights::v_proj});
  // File order of the random-checkpoint writer (its RNG draws follow it); the MoE-only
  // tensors are skipped for dense models.
  const bool moe = c.enable_moe_block;
  std::vector<Slot> rest = {
      {"self_attn.o_proj.weight", {H, nq * hd}, &LayerWeights::o_proj},
      {"self_attn.q_norm.weight", {hd}, &LayerWeights::q_norm},
      {"self_attn.k_norm.weight", {hd}, &LayerWeights::k_norm},
      {"post_attention_layernorm.weight", {H}, &LayerWeights::post_attn_norm},
      {"pre_feedforward_layernorm.weight", {H}, &LayerWeights::pre_ff_norm},
      {moe ? "post_feedforward_layernorm_1.weight" : "", {H}, &LayerWeights::post_ff_norm_1},
      {moe ? "pre_feedforward_layernorm_2.weight" : "", {H}, &LayerWeights::pre_ff_norm_2},
      {moe ? "post_feedforward_layernorm_2.weight" : "", {H}, &LayerWeights::post_ff_norm_2},
      {"post_feedforward_layernorm.weight", {H}, &LayerWeights::post_ff_norm},
      {"mlp.gate_proj.weight", {F, H}, &LayerWeights::mlp_gate},
      {"mlp.up_proj.weight", {F, H}, &LayerWeights::mlp_up},
      {"mlp.down_proj.weight", {H, F}, &LayerWeights::mlp_down},
      {moe ? "router.proj.weight" : "", {E, H}, &LayerWeights::router_proj},
      {moe ? "router.scale" : "", {H}, &LayerWeights::router_scale},
      {moe ? "router.per_expert_scale" : "", {E}, &LayerWeights::per_expert_scale},
      {moe ? "experts.gate_up_proj" : "", {E, 2 * MF, H}, &LayerWeights::experts_gate_up},
      {moe ? "experts.down_proj" : "", {E, H, MF}, &LayerWeights::experts_down},
  };
  for (auto& slot : rest)
    if (!slot.suffix.empty()) s.push_back(std::move(slot));
  return s;
}

std::string layer_prefix(const GemmaConfig& c, int layer) {
  return c.weight_prefix + "layers." + std::to_string(layer) + ".";
}

// vLLM also accepts these older names for the same tensors (gemma4.md §4.1).
std::string legacy_name(const std::string& name) {
  for (const char* s : {"experts.gate_up_proj", "experts.down_proj", "router.per_expert_scale"}) {
    std::string suffix(s);
    if (name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
      return name.substr(0, name.size() - suffix.size()) + "moe." + suffix.substr(suffix.find('.') + 1);
  }
  return "";
}

Tensor read(const TensorStore& store, const std::string& name, const std::vector<int64_t>& shape) {
  const TensorView* t = store.find(name);
  if (!t) {
    std::string alt = legacy_name(name);
    if (!alt.empty()) t = store.find(alt);
  }
  if (!t) throw EngineError("tensor " + name + " is missing from the checkpoint; the model folder does not match config.json.");
  if (t->shape != shape)
    throw EngineError(t->file + ": tensor " + name + " has shape " + shape_string(t->shape) + " but config.json implies " +
                      shape_string(shape) + "; the config and the weights do not belong together.");
  Tensor mapped = Tensor::mapped(*t, t->mapping);
  // Norm vectors and scales are read once per token per layer; fp32 copies cost a few KB.
  return shape.size() == 1 ? Tensor(mapped.to_vector()) : mapped;
}

// Gemma4ForConditionalGeneration stores the text model under "model.language_model.",
// Gemma4ForCausalLM under "model."; the config's model_type suggests one, but text-only
// exports of the multimodal model keep the long prefix, so the files decide.
std::string resolve_prefix(const GemmaConfig& c, const TensorStore& store) {
  for (const std::string& prefix : {c.weight_prefix, std::string("model.language_model."), std::string("model.")})
    if (store.find(prefix + "embed_tokens.weight")) return prefix;
  throw EngineError("tensor " + c.weight_prefix + "embed_tokens.weight is missing from the checkpoint (looked under "
                    "\"model.language_model.\" and \"model.\" too); it is not a Gemma 4 text checkpoint in Hugging Face layout.");
}

}  // namespace

std::vector<ExpectedTensor> expected_tensors(const GemmaConfig& c) {
  std::vector<ExpectedTensor> out;
  out.push_back({c.weight_prefix + "embed_tokens.weight", {c.vocab_size, c.hidden_size}});
  for (int l = 0; l < c.num_layers; ++l) {
    for (const auto& s : layer_slots(c, l)) out.push_back({layer_prefix(c, l) + s.suffix, s.shape});
    out.push_back({layer_prefix(c, l) + "layer_scalar", {1}});
  }
  out.push_back({c.weight_prefix + "norm.weight", {c.hidden_size}});
  return out;
}

Weights load_weights(const GemmaConfig& config, const TensorStore& store) {
  GemmaConfig c = config;
  c.weight_prefix = resolve_prefix(config, store);
  Weights w;
  w.embed = read(store, c.weight_prefix + "embed_tokens.weight", {c.vocab_size, c.hidden_size});
  w.final_norm = read(store, c.weight_prefix + "norm.weight", {c.hidden_size});
  w.layers.resize(c.num_layers);
  for (int l = 0; l < c.num_layers; ++l) {
    LayerWeights& lw = w.layers[l];
    for (const auto& s : layer_slots(c, l)) lw.*(s.field) = read(store, layer_prefix(c, l) + s.suffix, s.shape);
    lw.layer_scalar = read(store, layer_prefix(c, l) + "layer_scalar", {1}).at(0);
    if (!c.layer_has_v_proj(l) && store.find(layer_prefix(c, l) + "self_attn.v_proj.weight"))
      throw EngineError("tensor " + layer_prefix(c, l) + "self_attn.v_proj.weight exists but attention_k_eq_v is true for this full "
                        "layer; config.json does not match the weights.");
  }
  return w;
}

}  // namespace engine
