#include "engine/random_checkpoint.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "engine/error.h"
#include "engine/safetensors.h"
#include "engine/weights.h"

namespace engine {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

// splitmix64 + Box–Muller: std::normal_distribution differs between standard libraries,
// and the checkpoint must be the same everywhere.
struct Rng {
  uint64_t state;
  uint64_t next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  double uniform() { return (next() >> 11) * (1.0 / 9007199254740992.0); }
  double normal() {
    double u1 = uniform(), u2 = uniform();
    if (u1 < 1e-300) u1 = 1e-300;
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
};

const char* kTrainingText =
    "The quick brown fox jumps over the lazy dog. Natalia sold clips to 48 of her friends in April, "
    "and then she sold half as many clips in May. How many clips did Natalia sell altogether? "
    "Let's think step by step. The answer is 72. Question: what is the sum of 3 and 4? Answer: 7.\n"
    "def add(a, b):\n    return a + b\n\nfor i in range(10):\n    print(i * i)\n"
    "If x + 2 = 5 then x = 3. The total number of apples is the number of apples in the basket "
    "plus the number of apples on the table. Therefore the final answer is $\\boxed{12}$.\n"
    "You are a helpful assistant. Please solve the following problem and put the answer at the end.\n";

// Gemma 4 control tokens at their ids (gemma4.md §5); special=true marks what
// skip_special_tokens would drop.
const std::map<int, std::pair<std::string, bool>>& special_tokens() {
  static const std::map<int, std::pair<std::string, bool>> t = {
      {0, {"<pad>", true}}, {1, {"<eos>", true}}, {2, {"<bos>", true}}, {3, {"<unk>", true}}, {4, {"<mask>", false}},
      {46, {"<|tool>", true}}, {47, {"<tool|>", true}}, {48, {"<|tool_call>", true}}, {49, {"<tool_call|>", true}},
      {50, {"<|tool_response>", true}}, {51, {"<tool_response|>", true}}, {52, {"<|\"|>", true}},
      {98, {"<|think|>", true}}, {100, {"<|channel>", true}}, {101, {"<channel|>", true}},
      {105, {"<|turn>", true}}, {106, {"<turn|>", true}},
  };
  return t;
}

std::vector<std::string> utf8_chars(const std::string& s) {
  std::vector<std::string> out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : 4;
    out.push_back(s.substr(i, n));
    i += n;
  }
  return out;
}

}  // namespace

json tiny_tokenizer_json() {
  const std::string space = "\xE2\x96\x81";  // ▁
  ordered_json vocab = ordered_json::object();
  std::vector<std::string> by_id;
  auto add = [&](const std::string& tok) {
    if (vocab.contains(tok)) return;
    vocab[tok] = static_cast<int>(by_id.size());
    by_id.push_back(tok);
  };
  const auto& specials = special_tokens();
  for (int id = 0; id < 238; ++id) {
    if (id == 107) add("\n");
    else if (id == 108) add("\n\n");
    else if (specials.count(id)) add(specials.at(id).first);
    else add("<unused" + std::to_string(id) + ">");
  }
  for (int b = 0; b < 256; ++b) {
    char name[8];
    std::snprintf(name, sizeof name, "<0x%02X>", b);
    add(name);
  }
  add(space);
  add("\t");
  for (char c = 0x21; c < 0x7f; ++c) add(std::string(1, c));

  // A few hundred merges learned greedily (most frequent adjacent pair, ties to the
  // smaller pair) from the built-in text with spaces already replaced by ▁.
  std::string text = kTrainingText;
  std::string norm;
  for (char c : text) norm += c == ' ' ? space : std::string(1, c);
  std::vector<std::string> seq = utf8_chars(norm);
  json merges = json::array();
  merges.push_back({"\n", "\n"});
  for (int round = 0; round < 300; ++round) {
    std::map<std::pair<std::string, std::string>, int> counts;
    for (size_t i = 0; i + 1 < seq.size(); ++i) ++counts[{seq[i], seq[i + 1]}];
    std::pair<std::string, std::string> best;
    int best_count = 1;
    for (const auto& [pair, n] : counts)
      if (n > best_count) { best = pair; best_count = n; }
    if (best_count < 2) break;
    if (vocab.contains(best.first + best.second)) {
      // Already a token (e.g. "\n\n"): still merge the sequence so training goes on.
    } else {
      add(best.first + best.second);
      merges.push_back({best.first, best.second});
    }
    std::vector<std::string> next;
    for (size_t i = 0; i < seq.size(); ++i) {
      if (i + 1 < seq.size() && seq[i] == best.first && seq[i + 1] == best.second) {
        next.push_back(best.first + best.second);
        ++i;
      } else {
        next.push_back(seq[i]);
      }
    }
    seq = std::move(next);
  }

  json added = json::array();
  for (int id = 0; id < 238; ++id) {
    if (id == 107 || id == 108) continue;
    bool special = specials.count(id) ? specials.at(id).second : false;
    added.push_back({{"id", id}, {"content", by_id[id]}, {"single_word", false}, {"lstrip", false},
                     {"rstrip", false}, {"normalized", false}, {"special", special}});
  }
  return {
      {"version", "1.0"},
      {"truncation", nullptr},
      {"padding", nullptr},
      {"added_tokens", added},
      {"normalizer", {{"type", "Replace"}, {"pattern", {{"String", " "}}}, {"content", space}}},
      {"pre_tokenizer", {{"type", "Split"}, {"pattern", {{"String", " "}}}, {"behavior", "MergedWithPrevious"}, {"invert", false}}},
      {"post_processor", nullptr},
      {"decoder",
       {{"type", "Sequence"},
        {"decoders", json::array({{{"type", "Replace"}, {"pattern", {{"String", space}}}, {"content", " "}},
                                  {{"type", "ByteFallback"}},
                                  {{"type", "Fuse"}}})}}},
      {"model",
       {{"type", "BPE"}, {"dropout", nullptr}, {"unk_token", "<unk>"}, {"continuing_subword_prefix", nullptr},
        {"end_of_word_suffix", nullptr}, {"fuse_unk", true}, {"byte_fallback", true}, {"ignore_merges", false},
        {"vocab", vocab}, {"merges", merges}}},
  };
}

GemmaConfig tiny_config(const std::string& shape) {
  static const int vocab = static_cast<int>(tiny_tokenizer_json()["model"]["vocab"].size());
  GemmaConfig c;
  c.vocab_size = vocab;
  c.hidden_size = 64;
  c.num_layers = 4;
  c.num_heads = 4;
  c.num_kv_heads = 2;
  c.num_global_kv_heads = 1;
  c.head_dim = 16;
  c.global_head_dim = 32;
  c.intermediate_size = 96;
  c.moe_intermediate_size = 32;
  c.sliding_window = 8;
  c.max_position_embeddings = 8192;
  c.attention_k_eq_v = true;
  c.final_logit_softcapping = 30.0f;
  c.layer_types = {LayerType::Sliding, LayerType::Sliding, LayerType::Sliding, LayerType::Full};
  c.rope_sliding = RopeParams{10000.0, false, 1.0, 1.0};
  c.rope_full = RopeParams{1000000.0, true, 0.25, 1.0};
  c.eos_token_ids = {1, 106};
  if (shape == "tiny") {
    c.num_experts = 8;
    c.top_k_experts = 2;
  } else if (shape == "tiny-128e") {
    c.num_experts = 128;
    c.top_k_experts = 8;
    c.moe_intermediate_size = 8;
  } else if (shape == "tiny-98e") {
    c.num_experts = 98;
    c.top_k_experts = 8;
    c.moe_intermediate_size = 8;
  } else if (shape == "mid") {
    // The 26B-A4B layer layout at full width (gemma4.md §1.1) with one sliding and one full
    // layer and 16 experts: ~620 MB of bf16, big enough that memory use on load shows.
    c.hidden_size = 2816;
    c.num_layers = 2;
    c.num_heads = 16;
    c.num_kv_heads = 8;
    c.num_global_kv_heads = 2;
    c.head_dim = 256;
    c.global_head_dim = 512;
    c.intermediate_size = 2112;
    c.moe_intermediate_size = 704;
    c.num_experts = 16;
    c.top_k_experts = 8;
    c.sliding_window = 1024;
    c.layer_types = {LayerType::Sliding, LayerType::Full};
  } else {
    throw EngineError("unknown checkpoint shape \"" + shape + "\"; use tiny, tiny-128e, tiny-98e or mid.");
  }
  return c;
}

void write_random_checkpoint(const std::string& dir, const GemmaConfig& config, uint64_t seed) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw EngineError("cannot create checkpoint folder " + dir + ": " + ec.message() + ".");

  Rng rng{seed * 0x9e3779b97f4a7c15ULL + 0x1234567ULL};
  std::vector<TensorShape> shapes;
  for (const auto& t : expected_tensors(config)) shapes.push_back({t.name, t.shape});
  // Streamed one tensor at a time, so a checkpoint of hundreds of MB never sits in memory in
  // fp32; the draws happen in the same order as before, so the bytes are unchanged.
  auto fill = [&](size_t index, std::vector<float>& values) {
    const std::string& name = shapes[index].name;
    const std::vector<int64_t>& shape = shapes[index].shape;
    auto ends_with = [&](const char* s) {
      std::string suf(s);
      return name.size() >= suf.size() && name.compare(name.size() - suf.size(), suf.size(), suf) == 0;
    };
    if (ends_with("embed_tokens.weight")) {  // small, so the layers (not the token itself) decide the output
      for (auto& v : values) v = static_cast<float>(0.15 * rng.normal());
    } else if (ends_with("layer_scalar")) {
      for (auto& v : values) v = static_cast<float>(0.6 + 0.4 * rng.uniform());
    } else if (shape.size() == 1) {  // norm weights, router scales: around 1, never (1 + w)
      for (auto& v : values) v = static_cast<float>(1.0 + 0.2 * rng.normal());
    } else {  // [.., out, in] linear weights: unit gain
      double std = 1.0 / std::sqrt(static_cast<double>(shape.back()));
      for (auto& v : values) v = static_cast<float>(std * rng.normal());
    }
  };
  write_safetensors(dir + "/model.safetensors", shapes, config.dtype == "float32" ? DType::F32 : DType::BF16, fill);

  auto write_json = [&](const std::string& file, const json& j) {
    std::ofstream out(dir + "/" + file);
    if (!out) throw EngineError("cannot write " + dir + "/" + file + "; check the folder is writable.");
    out << j.dump(2) << "\n";
  };
  write_json("config.json", config_to_json(config));
  write_json("tokenizer.json", tiny_tokenizer_json());
  write_json("tokenizer_config.json", {{"tokenizer_class", "GemmaTokenizer"}, {"add_bos_token", false},
                                       {"add_eos_token", false}, {"bos_token", "<bos>"}, {"eos_token", "<eos>"},
                                       {"pad_token", "<pad>"}, {"unk_token", "<unk>"}});
  write_json("generation_config.json", {{"bos_token_id", 2}, {"eos_token_id", {1, 106, 50}}, {"pad_token_id", 0}});
}

void write_random_checkpoint(const std::string& dir, const std::string& shape, uint64_t seed) {
  write_random_checkpoint(dir, tiny_config(shape), seed);
}

}  // namespace engine
