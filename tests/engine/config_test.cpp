#include <gtest/gtest.h>

#include "engine/config.h"
#include "engine/error.h"
#include "engine/random_checkpoint.h"

using engine::EngineError;
using engine::GemmaConfig;
using engine::LayerType;
using nlohmann::json;

namespace {

// The 26B-A4B text_config as gemma4.md §1.1 describes it.
json config_26b(int experts) {
  json layer_types = json::array();
  for (int i = 0; i < 30; ++i) layer_types.push_back((i + 1) % 6 ? "sliding_attention" : "full_attention");
  return {{"architectures", {"Gemma4ForConditionalGeneration"}},
          {"model_type", "gemma4"},
          {"text_config",
           {{"model_type", "gemma4_text"}, {"vocab_size", 262144}, {"hidden_size", 2816}, {"num_hidden_layers", 30},
            {"num_attention_heads", 16}, {"num_key_value_heads", 8}, {"num_global_key_value_heads", 2},
            {"head_dim", 256}, {"global_head_dim", 512}, {"attention_k_eq_v", true}, {"intermediate_size", 2112},
            {"enable_moe_block", true}, {"num_experts", experts}, {"top_k_experts", 8},
            {"moe_intermediate_size", 704}, {"sliding_window", 1024}, {"max_position_embeddings", 262144},
            {"final_logit_softcapping", 30.0}, {"layer_types", layer_types}, {"hidden_size_per_layer_input", 0},
            {"num_kv_shared_layers", 0}, {"eos_token_id", {1, 106}}, {"dtype", "bfloat16"},
            {"rope_parameters",
             {{"sliding_attention", {{"rope_type", "default"}, {"rope_theta", 10000.0}}},
              {"full_attention", {{"rope_type", "proportional"}, {"partial_rotary_factor", 0.25}, {"rope_theta", 1000000.0}}}}}}}};
}

std::string error_of(const json& doc) {
  try {
    engine::parse_config(doc, "config.json");
  } catch (const EngineError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(Config, Parses26BA4B) {
  GemmaConfig c = engine::parse_config(config_26b(128), "config.json");
  EXPECT_EQ(c.hidden_size, 2816);
  EXPECT_EQ(c.num_experts, 128);
  EXPECT_EQ(c.top_k_experts, 8);
  EXPECT_EQ(c.moe_intermediate_size, 704);
  EXPECT_EQ(c.weight_prefix, "model.language_model.");
  ASSERT_EQ(c.layer_types.size(), 30u);
  for (int l = 0; l < 30; ++l) EXPECT_EQ(c.is_full(l), l % 6 == 5) << l;
  EXPECT_EQ(c.layer_head_dim(5), 512);
  EXPECT_EQ(c.layer_kv_heads(5), 2);
  EXPECT_EQ(c.layer_head_dim(0), 256);
  EXPECT_EQ(c.layer_kv_heads(0), 8);
  EXPECT_FALSE(c.layer_has_v_proj(5));
  EXPECT_TRUE(c.layer_has_v_proj(4));
  EXPECT_TRUE(c.rope_full.proportional);
  EXPECT_DOUBLE_EQ(c.rope_full.partial_rotary_factor, 0.25);
  EXPECT_DOUBLE_EQ(c.rope_full.theta, 1e6);
  EXPECT_FLOAT_EQ(c.final_logit_softcapping, 30.0f);
  EXPECT_EQ(c.eos_token_ids, (std::vector<int>{1, 106}));
}

TEST(Config, Parses98ExpertPrune) {
  GemmaConfig c = engine::parse_config(config_26b(98), "config.json");
  EXPECT_EQ(c.num_experts, 98);
  EXPECT_EQ(c.top_k_experts, 8);
}

TEST(Config, AcceptsExpertIntermediateSizeKey) {
  json doc = config_26b(128);
  doc["text_config"].erase("moe_intermediate_size");
  doc["text_config"]["expert_intermediate_size"] = 704;
  EXPECT_EQ(engine::parse_config(doc, "config.json").moe_intermediate_size, 704);
}

TEST(Config, TextOnlyExportUsesModelPrefix) {
  json doc = config_26b(128)["text_config"];
  GemmaConfig c = engine::parse_config(doc, "config.json");
  EXPECT_EQ(c.weight_prefix, "model.");
}

TEST(Config, RoundTripsThroughJson) {
  for (std::string shape : {"tiny", "tiny-128e", "tiny-98e"}) {
    GemmaConfig a = engine::tiny_config(shape);
    GemmaConfig b = engine::parse_config(engine::config_to_json(a), "config.json");
    EXPECT_EQ(b.num_experts, a.num_experts) << shape;
    EXPECT_EQ(b.top_k_experts, a.top_k_experts);
    EXPECT_EQ(b.sliding_window, a.sliding_window);
    EXPECT_EQ(b.global_head_dim, a.global_head_dim);
    EXPECT_EQ(b.num_global_kv_heads, a.num_global_kv_heads);
    EXPECT_EQ(b.layer_types, a.layer_types);
    EXPECT_EQ(b.vocab_size, a.vocab_size);
  }
}

TEST(Config, RejectsUnsupportedWithFieldName) {
  json doc = config_26b(128);
  doc["text_config"]["hidden_size_per_layer_input"] = 256;
  EXPECT_NE(error_of(doc).find("hidden_size_per_layer_input"), std::string::npos);

  doc = config_26b(128);
  doc["text_config"].erase("hidden_size_per_layer_input");  // HF's default is 256 (PLE on)
  EXPECT_NE(error_of(doc).find("hidden_size_per_layer_input"), std::string::npos);

  doc = config_26b(128);
  doc["text_config"]["num_kv_shared_layers"] = 18;
  EXPECT_NE(error_of(doc).find("num_kv_shared_layers"), std::string::npos);

  doc = config_26b(128);
  doc["text_config"]["top_k_experts"] = 200;
  EXPECT_NE(error_of(doc).find("top_k_experts"), std::string::npos);

  doc = config_26b(128);
  doc["text_config"].erase("hidden_size");
  EXPECT_NE(error_of(doc).find("\"hidden_size\""), std::string::npos);

  doc = config_26b(128);
  doc["text_config"]["hidden_activation"] = "silu";
  EXPECT_NE(error_of(doc).find("hidden_activation"), std::string::npos);

  doc = config_26b(128);
  doc["text_config"]["rope_parameters"]["full_attention"]["rope_type"] = "yarn";
  EXPECT_NE(error_of(doc).find("rope_type"), std::string::npos);

  doc = config_26b(128);
  doc["model_type"] = "llama";
  EXPECT_NE(error_of(doc).find("model_type"), std::string::npos);

  EXPECT_EQ(error_of(config_26b(128)), "");
}

// 31B-style dense text model: no MoE fields needed, none kept.
TEST(Config, ParsesDenseModel) {
  json doc = config_26b(128);
  doc["text_config"]["enable_moe_block"] = false;
  doc["text_config"].erase("num_experts");
  doc["text_config"].erase("top_k_experts");
  GemmaConfig c = engine::parse_config(doc, "config.json");
  EXPECT_FALSE(c.enable_moe_block);
  EXPECT_EQ(c.num_experts, 0);
  EXPECT_EQ(c.moe_intermediate_size, 0);
  GemmaConfig back = engine::parse_config(engine::config_to_json(c), "config.json");
  EXPECT_FALSE(back.enable_moe_block);
}

// transformers 5.2x saves full layers' shapes as per_layer_config instead of
// global_head_dim / num_global_key_value_heads.
TEST(Config, ReadsPerLayerConfigOverrides) {
  json doc = config_26b(128);
  doc["text_config"].erase("global_head_dim");
  doc["text_config"].erase("num_global_key_value_heads");
  json overrides = json::object();
  for (int l = 5; l < 30; l += 6) overrides[std::to_string(l)] = {{"head_dim", 512}, {"num_key_value_heads", 2}};
  doc["text_config"]["per_layer_config"] = overrides;
  GemmaConfig c = engine::parse_config(doc, "config.json");
  EXPECT_EQ(c.layer_head_dim(5), 512);
  EXPECT_EQ(c.layer_kv_heads(5), 2);
  EXPECT_EQ(c.layer_head_dim(4), 256);
  EXPECT_EQ(c.layer_kv_heads(4), 8);

  // Without k_eq_v, HF ignores num_global_key_value_heads: full layers keep num_key_value_heads.
  json plain = config_26b(128);
  plain["text_config"]["attention_k_eq_v"] = false;
  EXPECT_EQ(engine::parse_config(plain, "config.json").layer_kv_heads(5), 8);

  doc["text_config"]["per_layer_config"]["11"]["head_dim"] = 256;
  EXPECT_NE(error_of(doc).find("per_layer_config.11"), std::string::npos) << error_of(doc);
  doc["text_config"]["per_layer_config"]["11"]["head_dim"] = 512;
  doc["text_config"]["per_layer_config"]["0"] = {{"head_dim", 128}};
  EXPECT_NE(error_of(doc).find("per_layer_config.0"), std::string::npos) << error_of(doc);
}

TEST(Config, ForcesLastLayerFull) {
  json doc = config_26b(128);
  doc["text_config"]["layer_types"][29] = "sliding_attention";
  EXPECT_TRUE(engine::parse_config(doc, "config.json").is_full(29));
}

TEST(Config, MissingFolderIsOneSentence) {
  try {
    engine::load_config("/nonexistent/model");
    FAIL() << "expected an error";
  } catch (const EngineError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/model/config.json"), std::string::npos);
  }
}
