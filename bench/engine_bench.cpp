// CPU reference engine speed on tiny random checkpoints: prefill and decode tokens/s and
// the weight bytes read per decoded token (bf16, as stored), to compare CUDA numbers against.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "engine/engine.h"
#include "engine/random_checkpoint.h"

int main() {
  for (const char* shape : {"tiny", "tiny-128e", "tiny-98e"}) {
    auto dir = std::filesystem::temp_directory_path() / (std::string("engine-bench-") + shape);
    engine::write_random_checkpoint(dir.string(), shape, 1);
    auto e = engine::load_cpu_engine(dir.string());
    const auto& c = e->config();
    std::vector<int32_t> prompt = {2};
    for (int i = 1; i < 512; ++i) prompt.push_back(300 + (i * 37) % (c.vocab_size - 300));
    auto seq = e->new_sequence();
    auto t0 = std::chrono::steady_clock::now();
    auto logits = seq->append(prompt);
    double prefill_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const int decode = 256;
    t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < decode; ++i) {
      int32_t next = static_cast<int32_t>(std::max_element(logits.begin(), logits.end()) - logits.begin());
      logits = seq->append(std::span<const int32_t>(&next, 1));
    }
    double decode_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    // Active weights per token: attention + dense MLP + top-k experts + router + lm_head.
    double active = 0;
    for (int l = 0; l < c.num_layers; ++l) {
      double hd = c.layer_head_dim(l), kv = c.layer_kv_heads(l);
      active += c.hidden_size * hd * (2.0 * c.num_heads + kv * (c.layer_has_v_proj(l) ? 2 : 1));
      active += 3.0 * c.hidden_size * c.intermediate_size + c.num_experts * c.hidden_size;
      active += c.top_k_experts * 3.0 * c.hidden_size * c.moe_intermediate_size;
    }
    active += static_cast<double>(c.vocab_size) * c.hidden_size;
    // The CPU engine reads the weights in the file's dtype (bf16 here), widening as it goes.
    std::printf("%-10s prefill %4zu tok: %8.0f tok/s | decode %d tok (ctx 512-768): %7.0f tok/s, %.2f GB/s bf16 weights\n",
                shape, prompt.size(), prompt.size() / prefill_s, decode, decode / decode_s,
                decode / decode_s * active * 2 / 1e9);
  }
}
