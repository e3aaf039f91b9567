// Gemma 4 text configuration (gemma4.md §1), read from an HF model folder's config.json:
// either Gemma4ForConditionalGeneration (model_type "gemma4", fields under text_config) or a
// text-only export (model_type "gemma4_text").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace engine {

enum class LayerType { Sliding, Full };

struct RopeParams {
  double theta = 10000.0;
  // "proportional" rotates only the first partial_rotary_factor·head_dim/2 frequency pairs
  // but keeps the exponent denominator at the full head_dim (gemma4.md §3.1).
  bool proportional = false;
  double partial_rotary_factor = 1.0;
  double factor = 1.0;  // inv_freq is divided by it (HF); 1.0 when absent
};

struct GemmaConfig {
  int vocab_size = 0;
  int hidden_size = 0;
  int num_layers = 0;
  int num_heads = 0;
  int num_kv_heads = 0;          // sliding layers
  int num_global_kv_heads = 0;   // full layers (equal to num_kv_heads unless the config overrides it)
  int head_dim = 0;              // sliding layers
  int global_head_dim = 0;       // full layers
  int intermediate_size = 0;     // dense MLP in every layer
  bool enable_moe_block = true;  // false: dense model (31B-style), no router/experts
  int num_experts = 0;           // 128, or 98 for pruned variants; not a power of two in general
  int top_k_experts = 0;
  int moe_intermediate_size = 0;
  int sliding_window = 0;
  int max_position_embeddings = 0;
  bool attention_k_eq_v = true;  // full layers: no v_proj, V comes from the raw K projection
  float rms_norm_eps = 1e-6f;
  float final_logit_softcapping = 0.0f;  // 0 = none
  std::vector<LayerType> layer_types;    // [num_layers]
  RopeParams rope_sliding;
  RopeParams rope_full;
  int bos_token_id = 2;
  int pad_token_id = 0;
  std::vector<int> eos_token_ids = {1};
  std::string dtype = "bfloat16";        // storage dtype declared by the checkpoint
  bool multimodal_wrapper = true;        // Gemma4ForConditionalGeneration layout
  std::string weight_prefix = "model.language_model.";  // "model." for text-only exports

  bool is_full(int layer) const { return layer_types[layer] == LayerType::Full; }
  int layer_head_dim(int layer) const { return is_full(layer) ? global_head_dim : head_dim; }
  int layer_kv_heads(int layer) const { return is_full(layer) ? num_global_kv_heads : num_kv_heads; }
  bool layer_has_v_proj(int layer) const { return !(is_full(layer) && attention_k_eq_v); }
};

// Parses a config.json document; `source` names the file in error messages.
// Throws EngineError naming the field for anything missing or unsupported.
GemmaConfig parse_config(const nlohmann::json& doc, const std::string& source);
GemmaConfig load_config(const std::string& model_dir);

// The config.json an HF Gemma 4 checkpoint of this shape carries (used by the tiny
// random checkpoint writer, so transformers can load what we write).
nlohmann::json config_to_json(const GemmaConfig& config);

}  // namespace engine
