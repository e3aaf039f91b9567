#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "engine/error.h"
#include "engine/safetensors.h"
#include "engine/weights.h"
#include "test_checkpoint.h"

using engine::DType;
using engine::EngineError;
using engine::TensorStore;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_raw_safetensors(const std::string& path, const std::string& header, const std::string& data) {
  std::ofstream out(path, std::ios::binary);
  uint64_t len = header.size();
  out.write(reinterpret_cast<const char*>(&len), 8);
  out << header << data;
}

}  // namespace

TEST(Safetensors, Bf16RoundsToNearestEven) {
  EXPECT_EQ(engine::f32_to_bf16(1.0f), 0x3f80);
  EXPECT_FLOAT_EQ(engine::bf16_to_f32(engine::f32_to_bf16(53.066f)), 53.0f);  // √2816 in bf16
  EXPECT_FLOAT_EQ(engine::bf16_to_f32(engine::f32_to_bf16(-2.5f)), -2.5f);
}

TEST(Safetensors, ReadsF16F32Bf16) {
  std::string dir = engine_test::temp_dir("dtypes");
  // F16: 1.0, -2.0, 0.5, smallest subnormal; F32: 3.25; BF16: -1.5
  std::string data("\x00\x3c\x00\xc0\x00\x38\x01\x00", 8);
  float f = 3.25f;
  data.append(reinterpret_cast<const char*>(&f), 4);
  data.append("\xc0\xbf", 2);
  write_raw_safetensors(dir + "/model.safetensors",
                        R"({"h":{"dtype":"F16","shape":[4],"data_offsets":[0,8]},)"
                        R"("s":{"dtype":"F32","shape":[1],"data_offsets":[8,12]},)"
                        R"("b":{"dtype":"BF16","shape":[1],"data_offsets":[12,14]}})",
                        data);
  TensorStore store(dir);
  float h[4], s, b;
  engine::to_f32(*store.find("h"), h);
  engine::to_f32(*store.find("s"), &s);
  engine::to_f32(*store.find("b"), &b);
  EXPECT_FLOAT_EQ(h[0], 1.0f);
  EXPECT_FLOAT_EQ(h[1], -2.0f);
  EXPECT_FLOAT_EQ(h[2], 0.5f);
  EXPECT_FLOAT_EQ(h[3], 5.9604645e-08f);
  EXPECT_FLOAT_EQ(s, 3.25f);
  EXPECT_FLOAT_EQ(b, -1.5f);
}

TEST(Safetensors, CorruptOffsetsNameTheTensor) {
  std::string dir = engine_test::temp_dir("corrupt");
  write_raw_safetensors(dir + "/model.safetensors", R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})",
                        std::string(8, '\0'));
  try {
    TensorStore store(dir);
    FAIL() << "expected an error";
  } catch (const EngineError& e) {
    EXPECT_NE(std::string(e.what()).find("tensor w"), std::string::npos) << e.what();
  }
}

TEST(Safetensors, ShardedIndex) {
  std::string dir = engine_test::temp_dir("sharded");
  engine::write_safetensors(dir + "/a.safetensors", {{"x", {2}, {1, 2}}}, DType::F32);
  engine::write_safetensors(dir + "/b.safetensors", {{"y", {1, 2}, {3, 4}}}, DType::BF16);
  std::ofstream(dir + "/model.safetensors.index.json") << R"({"metadata":{},"weight_map":{"x":"a.safetensors","y":"b.safetensors"}})";
  TensorStore store(dir);
  ASSERT_NE(store.find("x"), nullptr);
  ASSERT_NE(store.find("y"), nullptr);
  EXPECT_EQ(store.find("y")->shape, (std::vector<int64_t>{1, 2}));
  float y[2];
  engine::to_f32(*store.find("y"), y);
  EXPECT_FLOAT_EQ(y[1], 4.0f);
}

TEST(Weights, LoadsTinyCheckpoint) {
  const std::string& dir = engine_test::checkpoint("tiny");
  auto config = engine::load_config(dir);
  TensorStore store(dir);
  auto w = engine::load_weights(config, store);
  ASSERT_EQ(w.layers.size(), 4u);
  EXPECT_TRUE(w.layers[3].v_proj.empty());   // full layer: k_eq_v
  EXPECT_FALSE(w.layers[0].v_proj.empty());
  EXPECT_EQ(w.layers[3].q_norm.size(), 32u);  // global_head_dim
  EXPECT_EQ(w.layers[0].experts_gate_up.size(), 8u * 2 * 32 * 64);
  EXPECT_GT(w.layers[0].layer_scalar, 0.5f);
  EXPECT_LT(w.layers[0].layer_scalar, 1.01f);
}

TEST(Weights, ShapeMismatchNamesTensorAndFile) {
  const std::string& dir = engine_test::checkpoint("tiny");
  auto config = engine::load_config(dir);
  config.intermediate_size = 100;
  TensorStore store(dir);
  try {
    engine::load_weights(config, store);
    FAIL() << "expected an error";
  } catch (const EngineError& e) {
    std::string msg = e.what();
    EXPECT_NE(msg.find("mlp.gate_proj.weight"), std::string::npos) << msg;
    EXPECT_NE(msg.find("model.safetensors"), std::string::npos) << msg;
    EXPECT_NE(msg.find("[96, 64]"), std::string::npos) << msg;
  }
}

TEST(Weights, MissingTensorIsNamed) {
  std::string dir = engine_test::temp_dir("missing");
  auto config = engine::tiny_config("tiny");
  engine::write_safetensors(dir + "/model.safetensors", {{"model.language_model.norm.weight", {64}, std::vector<float>(64, 1)}},
                            DType::F32);
  TensorStore store(dir);
  try {
    engine::load_weights(config, store);
    FAIL();
  } catch (const EngineError& e) {
    EXPECT_NE(std::string(e.what()).find("embed_tokens.weight is missing"), std::string::npos) << e.what();
  }
}

TEST(Weights, SkipsVisionTensors) {
  std::string dir = engine_test::temp_dir("vision");
  auto config = engine::tiny_config("tiny");
  std::vector<engine::TensorToWrite> tensors;
  for (const auto& t : engine::expected_tensors(config)) {
    int64_t n = 1;
    for (auto d : t.shape) n *= d;
    tensors.push_back({t.name, t.shape, std::vector<float>(n, 0.5f)});
  }
  tensors.push_back({"model.vision_tower.encoder.weight", {3, 3}, std::vector<float>(9, 1.0f)});
  engine::write_safetensors(dir + "/model.safetensors", tensors, DType::BF16);
  TensorStore store(dir);
  EXPECT_NO_THROW(engine::load_weights(config, store));
}

TEST(RandomCheckpoint, DeterministicFromSeed) {
  std::string a = engine_test::temp_dir("seed-a"), b = engine_test::temp_dir("seed-b"), c = engine_test::temp_dir("seed-c");
  engine::write_random_checkpoint(a, "tiny", 7);
  engine::write_random_checkpoint(b, "tiny", 7);
  engine::write_random_checkpoint(c, "tiny", 8);
  EXPECT_EQ(read_file(a + "/model.safetensors"), read_file(b + "/model.safetensors"));
  EXPECT_NE(read_file(a + "/model.safetensors"), read_file(c + "/model.safetensors"));
  EXPECT_EQ(read_file(a + "/tokenizer.json"), read_file(c + "/tokenizer.json"));
  for (const char* f : {"config.json", "tokenizer.json", "tokenizer_config.json", "model.safetensors"})
    EXPECT_TRUE(std::filesystem::exists(a + "/" + f)) << f;
  EXPECT_THROW(engine::tiny_config("huge"), EngineError);
}

// A real 26B-A4B file is ~50 GB of bf16; the loader must keep matrices as views of the
// mapping in their file dtype (an fp32 copy would double the memory) and copy only 1-D
// tensors. The views stay valid after the TensorStore is gone.
TEST(Weights, MatricesStayMappedInFileDtype) {
  auto config = engine::tiny_config("tiny");
  engine::Weights w;
  {
    TensorStore store(engine_test::checkpoint("tiny"));
    w = engine::load_weights(config, store);
    const engine::TensorView* q = store.find("model.language_model.layers.0.self_attn.q_proj.weight");
    ASSERT_NE(q, nullptr);
    EXPECT_EQ(w.layers[0].q_proj.bytes(), q->data);  // the very bytes of the file, not a copy
  }
  for (const engine::Tensor* t : {&w.embed, &w.layers[0].q_proj, &w.layers[3].experts_gate_up, &w.layers[1].mlp_down}) {
    EXPECT_TRUE(t->is_mapped());
    EXPECT_EQ(t->dtype(), DType::BF16);
  }
  EXPECT_FALSE(w.final_norm.is_mapped());
  EXPECT_EQ(w.final_norm.dtype(), DType::F32);
  std::vector<float> row(config.hidden_size);
  w.embed.to_f32(5 * config.hidden_size, config.hidden_size, row.data());  // store closed, mapping still held
  EXPECT_EQ(row[3], w.embed.at(5 * config.hidden_size + 3));
}

// Gemma4ForConditionalGeneration's config (model_type gemma4) with tensors named as
// Gemma4ForCausalLM writes them ("model." prefix): the files decide the prefix.
TEST(Weights, LoadsEitherNamePrefix) {
  auto config = engine::tiny_config("tiny");
  ASSERT_EQ(config.weight_prefix, "model.language_model.");
  std::string dir = engine_test::temp_dir("causal-names");
  std::vector<engine::TensorToWrite> tensors;
  for (const auto& t : engine::expected_tensors(config)) {
    int64_t n = 1;
    for (auto d : t.shape) n *= d;
    std::string name = "model." + t.name.substr(std::string("model.language_model.").size());
    tensors.push_back({name, t.shape, std::vector<float>(n, 0.25f)});
  }
  engine::write_safetensors(dir + "/model.safetensors", tensors, DType::BF16);
  TensorStore store(dir);
  engine::Weights w = engine::load_weights(config, store);
  EXPECT_FLOAT_EQ(w.layers[2].mlp_gate.at(7), 0.25f);
}

// The CUDA upload path rounds non-bf16 tensors through to_bf16 in bounded chunks.
TEST(Weights, TensorToBf16RoundsLikeTheWriter) {
  std::vector<float> values;
  for (int i = 0; i < 600; ++i) values.push_back(0.001f * i - 0.3f + 1e-7f * i);
  engine::Tensor t(values);
  std::vector<uint16_t> out(values.size());
  t.to_bf16(0, values.size(), out.data());
  for (size_t i = 0; i < values.size(); ++i) ASSERT_EQ(out[i], engine::f32_to_bf16(values[i])) << i;
  std::vector<uint16_t> part(5);
  t.to_bf16(300, 5, part.data());
  EXPECT_EQ(part[0], engine::f32_to_bf16(values[300]));
}
