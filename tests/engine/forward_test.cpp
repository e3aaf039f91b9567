#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "engine/cpu_ops.h"
#include "engine/engine.h"
#include "engine/safetensors.h"
#include "engine/tokenizer.h"
#include "test_checkpoint.h"

using namespace engine;

namespace {

struct Loaded {
  GemmaConfig config;
  Weights weights;
};

Loaded load(const std::string& shape) {
  const std::string& dir = engine_test::checkpoint(shape);
  Loaded l{load_config(dir), {}};
  TensorStore store(dir);
  l.weights = load_weights(l.config, store);
  return l;
}

std::vector<int32_t> test_tokens(int n, int vocab) {
  std::vector<int32_t> t = {2};
  for (int i = 1; i < n; ++i) t.push_back(300 + (i * 37) % (vocab - 300));
  return t;
}

float max_abs_diff(const float* a, const float* b, size_t n) {
  float m = 0;
  for (size_t i = 0; i < n; ++i) m = std::max(m, std::fabs(a[i] - b[i]));
  return m;
}

}  // namespace

TEST(CpuOps, RmsNormUsesWeightDirectly) {
  std::vector<float> x = {1, -2, 3, -4}, w = {0, 1, 2, 1}, out(4);
  cpu::rmsnorm(out.data(), x.data(), w.data(), 4, 0.0f);
  float inv = 1.0f / std::sqrt(7.5f);
  EXPECT_FLOAT_EQ(out[0], 0.0f);  // (1 + w) would give x·inv here
  EXPECT_FLOAT_EQ(out[1], -2 * inv);
  EXPECT_FLOAT_EQ(out[2], 6 * inv);
  cpu::rmsnorm(out.data(), x.data(), nullptr, 4, 0.0f);
  EXPECT_FLOAT_EQ(out[3], -4 * inv);
}

TEST(CpuOps, GeluTanh) {
  EXPECT_FLOAT_EQ(cpu::gelu_tanh(0.0f), 0.0f);
  EXPECT_NEAR(cpu::gelu_tanh(1.0f), 0.8411920f, 1e-6);  // torch gelu(1, approximate="tanh")
  EXPECT_NEAR(cpu::gelu_tanh(-3.0f), -0.0036373f, 1e-6);
}

TEST(CpuOps, ProportionalRopeRotatesOnlyTheFirstPairs) {
  RopeParams full{1e6, true, 0.25, 1.0};
  auto inv = cpu::rope_inv_freq(full, 512);
  ASSERT_EQ(inv.size(), 256u);
  EXPECT_FLOAT_EQ(inv[0], 1.0f);
  EXPECT_NEAR(inv[1], std::pow(1e6, -2.0 / 512), 1e-7);  // exponent over 512, not over 128
  EXPECT_GT(inv[63], 0.0f);
  for (int i = 64; i < 256; ++i) EXPECT_EQ(inv[i], 0.0f) << i;

  std::vector<float> x(512);
  for (int i = 0; i < 512; ++i) x[i] = 0.01f * i;
  auto y = x;
  cpu::apply_rope(y.data(), 512, inv.data(), 7);
  EXPECT_NE(y[0], x[0]);
  EXPECT_NE(y[256], x[256]);  // element 0 pairs with 256 (NeoX layout)
  for (int i = 64; i < 256; ++i) EXPECT_EQ(y[i], x[i]) << i;
  for (int i = 320; i < 512; ++i) EXPECT_EQ(y[i], x[i]) << i;
  auto z = x;
  cpu::apply_rope(z.data(), 512, inv.data(), 0);
  EXPECT_EQ(z, x);  // position 0 is the identity
}

TEST(CpuOps, RouterPicksTopKAndRenormalises) {
  std::vector<float> logits = {0.1f, 2.0f, -1.0f, 1.5f, 3.0f, 0.0f, 1.5f};
  std::vector<float> scale = {1, 1, 1, 1, 2, 1, 1};
  auto r = cpu::route_experts(logits.data(), scale.data(), 7, 3);
  EXPECT_EQ(r.experts, (std::vector<int>{4, 1, 3}));  // tie 3 vs 6 goes to the lower index
  double z = std::exp(3.0) + std::exp(2.0) + std::exp(1.5);
  EXPECT_NEAR(r.weights[0], 2 * std::exp(3.0) / z, 1e-6);  // per_expert_scale after renormalising
  EXPECT_NEAR(r.weights[1], std::exp(2.0) / z, 1e-6);
  EXPECT_NEAR(r.weights[2], std::exp(1.5) / z, 1e-6);
}

TEST(CpuOps, RouterWorksForNonPowerOfTwoExperts) {
  std::vector<float> logits(98), scale(98, 1.0f);
  for (int e = 0; e < 98; ++e) logits[e] = std::sin(e * 1.3f);
  auto r = cpu::route_experts(logits.data(), scale.data(), 98, 8);
  std::vector<float> sorted = logits;
  std::sort(sorted.rbegin(), sorted.rend());
  for (int j = 0; j < 8; ++j) EXPECT_EQ(logits[r.experts[j]], sorted[j]);
  float sum = 0;
  for (float w : r.weights) sum += w;
  EXPECT_NEAR(sum, 1.0f, 1e-5);
}

TEST(CpuForward, IncrementalDecodeEqualsFullRecompute) {
  Loaded l = load("tiny");
  auto engine = make_cpu_engine(l.config, l.weights);
  auto tokens = test_tokens(20, l.config.vocab_size);
  auto full = engine->new_sequence()->append(tokens, true);  // [20, vocab]
  auto seq = engine->new_sequence();
  // Mixed chunking: a 5-token prefill, then one token at a time, then a 3-token chunk.
  std::vector<float> step = seq->append(std::span(tokens).subspan(0, 5), true);
  size_t V = l.config.vocab_size;
  EXPECT_LT(max_abs_diff(step.data(), full.data(), 5 * V), 1e-4f);
  for (int t = 5; t < 17; ++t) {
    step = seq->append(std::span(tokens).subspan(t, 1));
    EXPECT_LT(max_abs_diff(step.data(), &full[t * V], V), 1e-4f) << "position " << t;
  }
  step = seq->append(std::span(tokens).subspan(17, 3));
  EXPECT_LT(max_abs_diff(step.data(), &full[19 * V], V), 1e-4f);
  EXPECT_EQ(seq->length(), 20);
}

TEST(CpuForward, SlidingWindowMatters) {
  Loaded l = load("tiny");
  ASSERT_EQ(l.config.sliding_window, 8);
  GemmaConfig wide = l.config;
  wide.sliding_window = 1 << 20;
  auto windowed = make_cpu_engine(l.config, l.weights)->new_sequence()->append(test_tokens(20, l.config.vocab_size), true);
  auto unbounded = make_cpu_engine(wide, l.weights)->new_sequence()->append(test_tokens(20, l.config.vocab_size), true);
  size_t V = l.config.vocab_size;
  // Inside the window both see the same keys; past it the sliding layers lose the oldest.
  EXPECT_LT(max_abs_diff(windowed.data(), unbounded.data(), 8 * V), 1e-5f);
  EXPECT_GT(max_abs_diff(&windowed[8 * V], &unbounded[8 * V], V), 1e-3f);
  EXPECT_GT(max_abs_diff(&windowed[19 * V], &unbounded[19 * V], V), 1e-3f);
}

TEST(CpuForward, SoftcapBoundsLogits) {
  Loaded l = load("tiny");
  GemmaConfig capped = l.config;
  capped.final_logit_softcapping = 0.5f;
  auto logits = make_cpu_engine(capped, l.weights)->new_sequence()->append(test_tokens(6, l.config.vocab_size));
  float mx = 0;
  for (float v : logits) {
    EXPECT_LE(std::fabs(v), 0.5f);
    mx = std::max(mx, std::fabs(v));
  }
  EXPECT_GT(mx, 0.45f);  // the raw logits are large; the cap is what bounds them
  GemmaConfig uncapped = l.config;
  uncapped.final_logit_softcapping = 0.0f;
  auto raw = make_cpu_engine(uncapped, l.weights)->new_sequence()->append(test_tokens(6, l.config.vocab_size));
  for (size_t i = 0; i < raw.size(); ++i) EXPECT_NEAR(logits[i], 0.5f * std::tanh(raw[i] / 0.5f), 1e-5f);
}

TEST(CpuForward, LayerScalarAndMoeAffectOutput) {
  Loaded l = load("tiny");
  auto tokens = test_tokens(4, l.config.vocab_size);
  auto base = make_cpu_engine(l.config, l.weights)->new_sequence()->append(tokens);
  Weights scaled = l.weights;
  scaled.layers[1].layer_scalar *= 2;
  auto a = make_cpu_engine(l.config, scaled)->new_sequence()->append(tokens);
  EXPECT_GT(max_abs_diff(base.data(), a.data(), base.size()), 1e-3f);
  Weights no_experts = l.weights;
  for (auto& layer : no_experts.layers) layer.experts_down = Tensor(std::vector<float>(layer.experts_down.size(), 0.0f));
  auto b = make_cpu_engine(l.config, no_experts)->new_sequence()->append(tokens);
  EXPECT_GT(max_abs_diff(base.data(), b.data(), base.size()), 1e-3f);
}

TEST(CpuForward, ManyExpertShapesRun) {
  for (std::string shape : {"tiny-128e", "tiny-98e"}) {
    auto engine = load_cpu_engine(engine_test::checkpoint(shape));
    EXPECT_EQ(engine->config().num_experts, shape == "tiny-128e" ? 128 : 98);
    auto logits = engine->new_sequence()->append(test_tokens(10, engine->config().vocab_size));
    ASSERT_EQ(logits.size(), static_cast<size_t>(engine->config().vocab_size));
    for (float v : logits) ASSERT_TRUE(std::isfinite(v));
  }
}

// The judge is transformers itself: scripts/reference/engine_fixtures.py builds tiny random
// Gemma 4 checkpoints (MoE and dense, both weight-name layouts, k_eq_v, partial RoPE, softcap,
// bf16 and fp32 files), saves them with save_pretrained and records transformers' fp32
// prefill logits at every position and 64 greedy tokens. The engine loads the committed
// folders as they are.
//
// Tolerance: max |ours − theirs| ≤ 1e-4 · max(1, max |theirs|). Both sides compute in fp32
// from the same stored weights; what differs is summation order (torch's blocked SIMD sums
// vs. our sequential ones) and libm (exp/tanh/pow), worth ~1e-6 relative per op and growing
// through the layers to the ~1e-5 seen here. A real formula difference (norm, RoPE, scaling,
// routing, mask) shows as 1e-2 or more.
TEST(CpuForward, MatchesTransformersReferenceLogits) {
  const std::filesystem::path root = std::filesystem::path(HARNESS_SOURCE_DIR) / "tests/engine/fixtures/gemma4_ref";
  ASSERT_TRUE(std::filesystem::is_directory(root)) << root << " is missing; regenerate it with scripts/reference/engine_fixtures.py";
  std::vector<std::filesystem::path> folders;
  for (const auto& entry : std::filesystem::directory_iterator(root))
    if (std::filesystem::exists(entry.path() / "reference.json")) folders.push_back(entry.path());
  std::sort(folders.begin(), folders.end());
  ASSERT_GE(folders.size(), 3u) << "expected the fixtures moe_kv_shared, dense_causal and moe_causal_top8 in " << root;

  for (const auto& folder : folders) {
    std::ifstream in(folder / "reference.json");
    auto ref = nlohmann::json::parse(in);
    const std::string name = ref["name"].get<std::string>();
    auto engine = load_cpu_engine(folder.string());
    const size_t V = engine->config().vocab_size;
    auto ids = ref["input_ids"].get<std::vector<int32_t>>();
    ASSERT_EQ(ref["prefill_logits"]["vocab"].get<size_t>(), V) << name;
    ASSERT_EQ(ref["prefill_logits"]["rows"].get<size_t>(), ids.size()) << name;
    std::vector<float> theirs(ids.size() * V);
    std::ifstream lf(folder / ref["prefill_logits"]["file"].get<std::string>(), std::ios::binary);
    lf.read(reinterpret_cast<char*>(theirs.data()), static_cast<std::streamsize>(theirs.size() * sizeof(float)));
    ASSERT_EQ(static_cast<size_t>(lf.gcount()), theirs.size() * sizeof(float)) << name << ": logits file is short";

    auto ours = engine->new_sequence()->append(ids, true);
    ASSERT_EQ(ours.size(), theirs.size());
    float scale = 1.0f, worst = 0.0f;
    for (float v : theirs) scale = std::max(scale, std::fabs(v));
    int top1_agree = 0;
    for (size_t r = 0; r < ids.size(); ++r) {
      const float* a = &ours[r * V];
      const float* b = &theirs[r * V];
      worst = std::max(worst, max_abs_diff(a, b, V));
      top1_agree += (std::max_element(a, a + V) - a) == (std::max_element(b, b + V) - b);
    }
    std::cout << name << ": prefill " << ids.size() << " positions, max abs diff " << worst << " (logit scale " << scale
              << "), top-1 agree " << top1_agree << "/" << ids.size() << "\n";
    EXPECT_LE(worst, 1e-4f * scale) << name;
    EXPECT_EQ(top1_agree, static_cast<int>(ids.size())) << name;

    // Greedy decoding through the KV cache (one token per step) against transformers' full
    // recompute: the same 64 tokens.
    auto want = ref["greedy_tokens"].get<std::vector<int32_t>>();
    auto seq = engine->new_sequence();
    auto logits = seq->append(ids);
    std::vector<int32_t> got;
    for (size_t step = 0; step < want.size(); ++step) {
      int32_t next = static_cast<int32_t>(std::max_element(logits.begin(), logits.end()) - logits.begin());
      got.push_back(next);
      logits = seq->append(std::span<const int32_t>(&next, 1));
    }
    EXPECT_EQ(got, want) << name;
  }
}

// GQA: query head i reads kv head ⌊i / (n_q / n_kv)⌋ (repeat_kv layout). The same model
// with every kv head written out once per query head must give the same logits; the
// interleaved assignment (i mod n_kv) must not.
TEST(CpuForward, GroupedQueryAttentionUsesRepeatKvLayout) {
  Loaded l = load("tiny");
  const GemmaConfig& c = l.config;
  auto expand = [&](bool interleaved) {
    Loaded e = l;
    e.config.num_kv_heads = c.num_heads;
    e.config.num_global_kv_heads = c.num_heads;
    for (int layer = 0; layer < c.num_layers; ++layer) {
      int hd = c.layer_head_dim(layer), nkv = c.layer_kv_heads(layer), group = c.num_heads / nkv;
      for (Tensor LayerWeights::*field : {&LayerWeights::k_proj, &LayerWeights::v_proj}) {
        const Tensor& tensor = l.weights.layers[layer].*field;
        if (tensor.empty()) continue;
        std::vector<float> src = tensor.to_vector(), dst;
        for (int i = 0; i < c.num_heads; ++i) {
          int j = interleaved ? i % nkv : i / group;
          dst.insert(dst.end(), src.begin() + static_cast<size_t>(j) * hd * c.hidden_size,
                     src.begin() + static_cast<size_t>(j + 1) * hd * c.hidden_size);
        }
        e.weights.layers[layer].*field = Tensor(std::move(dst));
      }
    }
    return e;
  };
  auto tokens = test_tokens(12, c.vocab_size);
  auto base = make_cpu_engine(l.config, l.weights)->new_sequence()->append(tokens, true);
  Loaded grouped = expand(false), interleaved = expand(true);
  auto same = make_cpu_engine(grouped.config, grouped.weights)->new_sequence()->append(tokens, true);
  auto wrong = make_cpu_engine(interleaved.config, interleaved.weights)->new_sequence()->append(tokens, true);
  EXPECT_LT(max_abs_diff(base.data(), same.data(), base.size()), 1e-4f);
  EXPECT_GT(max_abs_diff(base.data(), wrong.data(), base.size()), 1e-3f);
}
