#include "engine/config.h"

#include <fstream>

#include "engine/error.h"

namespace engine {
namespace {

using nlohmann::json;

struct Reader {
  const json& j;
  std::string source;

  [[noreturn]] void fail(const std::string& field, const std::string& what) const {
    throw EngineError(source + ": field \"" + field + "\" " + what);
  }
  int integer(const char* field) const {
    auto it = j.find(field);
    if (it == j.end() || !it->is_number_integer()) fail(field, "is missing or not an integer");
    return it->get<int>();
  }
  int integer_or(const char* field, int fallback) const {
    auto it = j.find(field);
    if (it == j.end() || it->is_null()) return fallback;
    if (!it->is_number_integer()) fail(field, "is not an integer");
    return it->get<int>();
  }
  double number_or(const char* field, double fallback) const {
    auto it = j.find(field);
    if (it == j.end() || it->is_null()) return fallback;
    if (!it->is_number()) fail(field, "is not a number");
    return it->get<double>();
  }
  bool boolean_or(const char* field, bool fallback) const {
    auto it = j.find(field);
    if (it == j.end() || it->is_null()) return fallback;
    if (!it->is_boolean()) fail(field, "is not true/false");
    return it->get<bool>();
  }
  std::string string_or(const char* field, const std::string& fallback) const {
    auto it = j.find(field);
    if (it == j.end() || it->is_null()) return fallback;
    if (!it->is_string()) fail(field, "is not a string");
    return it->get<std::string>();
  }
};

RopeParams parse_rope(const Reader& r, const json& p, const std::string& field) {
  if (!p.is_object()) r.fail(field, "is not an object");
  RopeParams rope;
  std::string type = p.value("rope_type", std::string("default"));
  if (type == "proportional") {
    rope.proportional = true;
  } else if (type != "default") {
    r.fail(field + ".rope_type", "is \"" + type + "\"; only \"default\" and \"proportional\" are supported");
  }
  rope.theta = p.value("rope_theta", 10000.0);
  rope.partial_rotary_factor = p.value("partial_rotary_factor", 1.0);
  // HF divides inv_freq by "factor" only in the proportional type; the default type ignores it.
  if (rope.proportional) rope.factor = p.value("factor", 1.0);
  return rope;
}

// per_layer_config: {"<layer>": {"head_dim": D, "num_key_value_heads": K}, ...}. The engine
// keeps one shape per layer type, so every full layer must carry the same override and
// sliding layers none.
void apply_per_layer_config(const Reader& r, const json& overrides, GemmaConfig& c) {
  if (!overrides.is_object()) r.fail("per_layer_config", "is not an object of layer index → overrides");
  int full_head_dim = c.head_dim, full_kv_heads = c.num_kv_heads;
  bool first = true;
  for (int l = 0; l < c.num_layers; ++l) {
    auto it = overrides.find(std::to_string(l));
    json o = it == overrides.end() ? json::object() : *it;
    if (!o.is_object()) r.fail("per_layer_config." + std::to_string(l), "is not an object");
    for (auto& [key, value] : o.items())
      if (key != "head_dim" && key != "num_key_value_heads")
        r.fail("per_layer_config." + std::to_string(l) + "." + key, "is not supported; only head_dim and num_key_value_heads may vary per layer");
    int hd = o.value("head_dim", c.head_dim), kv = o.value("num_key_value_heads", c.num_kv_heads);
    if (c.layer_types[l] == LayerType::Sliding) {
      if (hd != c.head_dim || kv != c.num_kv_heads)
        r.fail("per_layer_config." + std::to_string(l), "overrides a sliding layer; the engine supports overrides on full-attention layers only");
      continue;
    }
    if (!first && (hd != full_head_dim || kv != full_kv_heads))
      r.fail("per_layer_config." + std::to_string(l), "differs from the other full-attention layers; the engine needs one shape for all of them");
    full_head_dim = hd;
    full_kv_heads = kv;
    first = false;
  }
  c.global_head_dim = full_head_dim;
  c.num_global_kv_heads = full_kv_heads;
}

}  // namespace

GemmaConfig parse_config(const json& doc, const std::string& source) {
  if (!doc.is_object()) throw EngineError(source + " is not a JSON object; expected an HF config.json.");
  GemmaConfig c;
  std::string outer_type = doc.value("model_type", std::string());
  const json* text = &doc;
  if (outer_type == "gemma4") {
    if (!doc.contains("text_config") || !doc["text_config"].is_object())
      throw EngineError(source + ": field \"text_config\" is missing; a gemma4 config must carry the text model's settings there.");
    text = &doc["text_config"];
    c.multimodal_wrapper = true;
    c.weight_prefix = "model.language_model.";
  } else if (outer_type == "gemma4_text") {
    c.multimodal_wrapper = false;
    c.weight_prefix = "model.";
  } else {
    throw EngineError(source + ": field \"model_type\" is \"" + outer_type +
                      "\"; the embedded engine supports only Gemma 4 (\"gemma4\" or \"gemma4_text\").");
  }
  Reader r{*text, source + (text == &doc ? "" : " (text_config)")};
  Reader outer{doc, source};

  c.vocab_size = r.integer("vocab_size");
  c.hidden_size = r.integer("hidden_size");
  c.num_layers = r.integer("num_hidden_layers");
  c.num_heads = r.integer("num_attention_heads");
  c.num_kv_heads = r.integer("num_key_value_heads");
  c.head_dim = r.integer_or("head_dim", 256);
  c.intermediate_size = r.integer("intermediate_size");
  c.attention_k_eq_v = r.boolean_or("attention_k_eq_v", false);
  // Full layers' head dim and kv heads: released configs carry global_head_dim and
  // num_global_key_value_heads (the latter only counts when attention_k_eq_v is set, as in
  // HF); transformers ≥ 5.2x writes them as per_layer_config overrides instead.
  c.global_head_dim = r.integer_or("global_head_dim", 512);
  c.num_global_kv_heads = c.attention_k_eq_v ? r.integer_or("num_global_key_value_heads", c.num_kv_heads) : c.num_kv_heads;
  c.enable_moe_block = r.boolean_or("enable_moe_block", false);
  c.num_experts = r.integer_or("num_experts", 0);
  c.top_k_experts = r.integer_or("top_k_experts", 0);
  c.moe_intermediate_size = r.integer_or("moe_intermediate_size", r.integer_or("expert_intermediate_size", 0));
  c.sliding_window = r.integer_or("sliding_window", 512);
  c.max_position_embeddings = r.integer_or("max_position_embeddings", 131072);
  c.rms_norm_eps = static_cast<float>(r.number_or("rms_norm_eps", 1e-6));
  c.final_logit_softcapping = static_cast<float>(r.number_or("final_logit_softcapping", 0.0));
  c.bos_token_id = r.integer_or("bos_token_id", 2);
  c.pad_token_id = r.integer_or("pad_token_id", 0);
  const json* eos = text->contains("eos_token_id") ? &(*text)["eos_token_id"]
                    : doc.contains("eos_token_id") ? &doc["eos_token_id"] : nullptr;
  if (eos && eos->is_number_integer()) c.eos_token_ids = {eos->get<int>()};
  if (eos && eos->is_array()) c.eos_token_ids = eos->get<std::vector<int>>();
  c.dtype = r.string_or("dtype", r.string_or("torch_dtype", outer.string_or("dtype", outer.string_or("torch_dtype", "bfloat16"))));

  // Features of other Gemma 4 sizes that this engine does not implement (gemma4.md §1.3).
  if (c.enable_moe_block) {
    if (c.num_experts < 1 || c.top_k_experts < 1 || c.top_k_experts > c.num_experts)
      r.fail("top_k_experts", "must be between 1 and num_experts (" + std::to_string(c.num_experts) + ")");
    if (c.moe_intermediate_size < 1) r.fail("moe_intermediate_size", "is missing or not positive");
  } else {
    c.num_experts = c.top_k_experts = c.moe_intermediate_size = 0;
  }
  if (r.integer_or("hidden_size_per_layer_input", 256) != 0)
    r.fail("hidden_size_per_layer_input", "is not 0 (absent means 256); per-layer embeddings (E2B/E4B) are not supported");
  if (r.integer_or("num_kv_shared_layers", 0) != 0)
    r.fail("num_kv_shared_layers", "is non-zero; KV-shared layers (E2B/E4B) are not supported");
  if (r.boolean_or("use_double_wide_mlp", false)) r.fail("use_double_wide_mlp", "is true; not supported");
  if (r.boolean_or("attention_bias", false)) r.fail("attention_bias", "is true; Gemma 4 has no attention bias");
  std::string act = r.string_or("hidden_activation", "gelu_pytorch_tanh");
  if (act != "gelu_pytorch_tanh") r.fail("hidden_activation", "is \"" + act + "\"; only gelu_pytorch_tanh is supported");
  if (r.j.contains("attn_logit_softcapping") && !r.j["attn_logit_softcapping"].is_null())
    r.fail("attn_logit_softcapping", "is set; Gemma 4 has no attention softcap and the engine does not implement one");
  if (c.num_heads % c.num_kv_heads != 0) r.fail("num_key_value_heads", "must divide num_attention_heads");
  if (c.sliding_window < 1) r.fail("sliding_window", "must be positive");

  // layer_types: default 5 sliding : 1 full, last layer forced to full (HF-cfg).
  if (text->contains("layer_types") && !(*text)["layer_types"].is_null()) {
    const json& lt = (*text)["layer_types"];
    if (!lt.is_array() || static_cast<int>(lt.size()) != c.num_layers)
      r.fail("layer_types", "must be a list with num_hidden_layers (" + std::to_string(c.num_layers) + ") entries");
    for (const auto& t : lt) {
      std::string s = t.is_string() ? t.get<std::string>() : "";
      if (s == "sliding_attention") c.layer_types.push_back(LayerType::Sliding);
      else if (s == "full_attention") c.layer_types.push_back(LayerType::Full);
      else r.fail("layer_types", "holds \"" + s + "\"; expected sliding_attention or full_attention");
    }
  } else {
    for (int i = 0; i < c.num_layers; ++i)
      c.layer_types.push_back((i + 1) % 6 ? LayerType::Sliding : LayerType::Full);
  }
  if (!c.layer_types.empty()) c.layer_types.back() = LayerType::Full;

  if (text->contains("per_layer_config") && !(*text)["per_layer_config"].is_null())
    apply_per_layer_config(r, (*text)["per_layer_config"], c);

  if (c.num_global_kv_heads < 1 || c.num_heads % c.num_global_kv_heads != 0)
    r.fail("num_global_key_value_heads", "must divide num_attention_heads");
  if (c.head_dim % 2 || c.global_head_dim % 2) r.fail("head_dim", "must be even for RoPE");

  c.rope_sliding = RopeParams{10000.0, false, 1.0, 1.0};
  c.rope_full = RopeParams{1000000.0, true, 0.25, 1.0};
  if (text->contains("rope_parameters") && (*text)["rope_parameters"].is_object()) {
    const json& rp = (*text)["rope_parameters"];
    if (rp.contains("sliding_attention")) c.rope_sliding = parse_rope(r, rp["sliding_attention"], "rope_parameters.sliding_attention");
    if (rp.contains("full_attention")) c.rope_full = parse_rope(r, rp["full_attention"], "rope_parameters.full_attention");
  }
  return c;
}

GemmaConfig load_config(const std::string& model_dir) {
  std::string path = model_dir + "/config.json";
  std::ifstream in(path);
  if (!in) throw EngineError(path + " cannot be read; pass a Hugging Face model folder that contains config.json.");
  json doc = json::parse(in, nullptr, false);
  if (doc.is_discarded()) throw EngineError(path + " is not valid JSON; re-download the model's config.json.");
  return parse_config(doc, path);
}

json config_to_json(const GemmaConfig& c) {
  json layer_types = json::array();
  for (auto t : c.layer_types) layer_types.push_back(t == LayerType::Full ? "full_attention" : "sliding_attention");
  auto rope = [](const RopeParams& p) {
    json j = {{"rope_type", p.proportional ? "proportional" : "default"}, {"rope_theta", p.theta}};
    if (p.proportional) j["partial_rotary_factor"] = p.partial_rotary_factor;
    if (p.factor != 1.0) j["factor"] = p.factor;
    return j;
  };
  json text = {
      {"model_type", "gemma4_text"},
      {"vocab_size", c.vocab_size},
      {"hidden_size", c.hidden_size},
      {"num_hidden_layers", c.num_layers},
      {"num_attention_heads", c.num_heads},
      {"num_key_value_heads", c.num_kv_heads},
      {"num_global_key_value_heads", c.num_global_kv_heads},
      {"head_dim", c.head_dim},
      {"global_head_dim", c.global_head_dim},
      {"intermediate_size", c.intermediate_size},
      {"attention_k_eq_v", c.attention_k_eq_v},
      {"enable_moe_block", c.enable_moe_block},
      {"sliding_window", c.sliding_window},
      {"max_position_embeddings", c.max_position_embeddings},
      {"rms_norm_eps", c.rms_norm_eps},
      {"final_logit_softcapping", c.final_logit_softcapping},
      {"layer_types", layer_types},
      {"rope_parameters", {{"sliding_attention", rope(c.rope_sliding)}, {"full_attention", rope(c.rope_full)}}},
      {"hidden_activation", "gelu_pytorch_tanh"},
      {"hidden_size_per_layer_input", 0},
      {"num_kv_shared_layers", 0},
      {"use_double_wide_mlp", false},
      {"attention_bias", false},
      {"use_bidirectional_attention", "vision"},
      {"tie_word_embeddings", true},
      {"bos_token_id", c.bos_token_id},
      {"pad_token_id", c.pad_token_id},
      {"eos_token_id", c.eos_token_ids},
      {"dtype", c.dtype},
  };
  if (c.enable_moe_block) {
    text["num_experts"] = c.num_experts;
    text["top_k_experts"] = c.top_k_experts;
    text["moe_intermediate_size"] = c.moe_intermediate_size;
  }
  if (!c.multimodal_wrapper) {
    text["architectures"] = {"Gemma4ForCausalLM"};
    return text;
  }
  return {
      {"architectures", {"Gemma4ForConditionalGeneration"}},
      {"model_type", "gemma4"},
      {"text_config", text},
      {"vision_config", nullptr},
      {"audio_config", nullptr},
      {"tie_word_embeddings", true},
      {"eos_token_id", c.eos_token_ids},
      {"dtype", c.dtype},
  };
}

}  // namespace engine
