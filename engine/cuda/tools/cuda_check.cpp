// engine-cuda-check: the GPU session's one program (run by scripts/gpu-check.sh).
//   --check            correctness against the fp32 CPU reference on tiny random checkpoints
//                      (tiny, tiny-128e, tiny-98e) and a mid-size one: prefill logits,
//                      greedy tokens for 256 steps, batched == unbatched, KV pages freed
//   --quick            fewer steps and shapes (for compute-sanitizer)
//   --bench            timings on a random 26B-A4B-shaped model generated on the GPU
//   --out FILE         also append every line printed to FILE
// Exit status 1 when any check fails; every figure is printed either way.
#include <cuda_runtime.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <unistd.h>
#include <vector>

#include "engine/cuda/cuda_engine.h"
#include "engine/cuda/scheduler.h"
#include "engine/random_checkpoint.h"
#include "engine/safetensors.h"
#include "engine/sampler.h"

namespace {

using namespace engine;

FILE* g_out = nullptr;
int g_failures = 0;

void say(const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  char line[1024];
  std::vsnprintf(line, sizeof line, fmt, args);
  va_end(args);
  std::fputs(line, stdout);
  std::fflush(stdout);
  if (g_out) {
    std::fputs(line, g_out);
    std::fflush(g_out);
  }
}

void verdict(bool ok, const std::string& what) {
  if (!ok) ++g_failures;
  say("  [%s] %s\n", ok ? "PASS" : "FAIL", what.c_str());
}

// Bound on the logits' relative error: two bf16 ulps. The GPU keeps the bf16 weights
// exactly and computes in fp32, so it should land far below this.
constexpr double kLogitTolerance = 8e-3;

// max |a − b| / max |b| over the whole vectors.
double rel_error(const std::vector<float>& a, const std::vector<float>& b) {
  double diff = 0, ref = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff = std::max(diff, static_cast<double>(std::fabs(a[i] - b[i])));
    ref = std::max(ref, static_cast<double>(std::fabs(b[i])));
  }
  return ref > 0 ? diff / ref : diff;
}

std::vector<float> row(const std::vector<float>& all, int r, int vocab) {
  return {all.begin() + static_cast<size_t>(r) * vocab, all.begin() + static_cast<size_t>(r + 1) * vocab};
}

// Gap between the best and second-best logit: small gaps explain legitimate greedy flips.
float top2_margin(const std::vector<float>& logits) {
  float a = -INFINITY, b = -INFINITY;
  for (float v : logits) {
    if (v > a) {
      b = a;
      a = v;
    } else if (v > b) {
      b = v;
    }
  }
  return a - b;
}

std::vector<int32_t> random_tokens(int n, int vocab, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int32_t> dist(3, vocab - 1);
  std::vector<int32_t> t(n);
  for (auto& v : t) v = dist(rng);
  return t;
}

// A mid-size shape: every dimension a few times the tiny one, still fast on the CPU.
GemmaConfig mid_config() {
  GemmaConfig c = tiny_config("tiny-128e");
  c.hidden_size = 512;
  c.num_layers = 6;
  c.num_heads = 8;
  c.num_kv_heads = 4;
  c.num_global_kv_heads = 2;
  c.head_dim = 64;
  c.global_head_dim = 128;
  c.intermediate_size = 384;
  c.num_experts = 64;
  c.top_k_experts = 8;
  c.moe_intermediate_size = 96;
  c.sliding_window = 32;
  c.layer_types = {LayerType::Sliding, LayerType::Sliding, LayerType::Sliding,
                   LayerType::Sliding, LayerType::Sliding, LayerType::Full};
  return c;
}

struct Models {
  GemmaConfig config;
  std::unique_ptr<Engine> cpu;
  std::unique_ptr<CudaEngine> gpu;
};

Models load(const std::string& shape, const std::string& dir) {
  GemmaConfig written = shape == "mid" ? mid_config() : tiny_config(shape);
  write_random_checkpoint(dir, written, 1);
  Models m;
  m.config = load_config(dir);
  TensorStore store(dir);
  Weights weights = load_weights(m.config, store);
  m.gpu = make_cuda_engine(m.config, weights);
  m.cpu = make_cpu_engine(m.config, std::move(weights));
  return m;
}

void check_prefill(Models& m, int prompt_len) {
  const int V = m.config.vocab_size;
  auto prompt = random_tokens(prompt_len, V, 11);
  auto cpu_seq = m.cpu->new_sequence();
  auto gpu_seq = m.gpu->new_sequence();
  auto ref = cpu_seq->append(prompt, true);
  auto got = gpu_seq->append(prompt, true);
  double err = rel_error(got, ref);
  int same = 0;
  for (int r = 0; r < prompt_len; ++r) same += argmax(row(got, r, V)) == argmax(row(ref, r, V));
  say("  prefill %d tokens: logits rel error %.3g, argmax equal on %d/%d rows\n", prompt_len, err, same, prompt_len);
  verdict(err <= kLogitTolerance, "prefill logits within bf16 tolerance");
}

void check_greedy(Models& m, int steps) {
  const int V = m.config.vocab_size;
  auto prompt = random_tokens(13, V, 12);
  auto cpu_seq = m.cpu->new_sequence();
  auto gpu_seq = m.gpu->new_sequence();    // logits copied back, argmax on the host
  auto sel_seq = m.gpu->new_sequence();    // token chosen on the GPU
  auto ref = cpu_seq->append(prompt);
  auto got = gpu_seq->append(prompt);
  int32_t sel = m.gpu->append_select(*sel_seq, prompt, 0.0f, 0.0f);
  double worst = 0;
  int diverged = -1;
  float margin = 0;
  for (int step = 0; step < steps; ++step) {
    int32_t t_ref = argmax(ref), t_got = argmax(got);
    worst = std::max(worst, rel_error(got, ref));
    if (t_ref != t_got || t_ref != sel) {
      diverged = step;
      margin = top2_margin(ref);
      say("  step %d: cpu %d, gpu logits %d, gpu select %d (cpu top-2 margin %.3g)\n", step, t_ref, t_got, sel, margin);
      break;
    }
    ref = cpu_seq->append(std::span<const int32_t>(&t_ref, 1));
    got = gpu_seq->append(std::span<const int32_t>(&t_ref, 1));
    Sequence* one[] = {sel_seq.get()};
    sel = m.gpu->decode_select(one, std::span<const int32_t>(&t_ref, 1), 0.0f, {})[0];
  }
  say("  greedy %d steps: max logits rel error %.3g%s\n", steps, worst,
      diverged < 0 ? "" : (", diverged at step " + std::to_string(diverged)).c_str());
  verdict(diverged < 0, "greedy tokens identical to the CPU for " + std::to_string(steps) + " steps");
  verdict(worst <= kLogitTolerance, "decode logits within bf16 tolerance");
}

// Unbatched: each request alone. Batched: request i joins at step 2i while the others are
// mid-decode, all running ones advance in one decode() call. 12 requests, so steps run
// both the few-rows and the tiled matmul kernels.
void check_batching(Models& m, int steps) {
  const int V = m.config.vocab_size;
  const std::vector<int> lengths = {1, 3, 9, 17, 40, 23, 5, 31, 2, 12, 8, 27};
  const int n = static_cast<int>(lengths.size());
  std::vector<std::vector<int32_t>> prompts, solo_tokens(n);
  std::vector<std::vector<std::vector<float>>> solo_logits(n);
  for (int i = 0; i < n; ++i) prompts.push_back(random_tokens(lengths[i], V, 100 + i));

  for (int i = 0; i < n; ++i) {
    auto seq = m.gpu->new_sequence();
    auto logits = seq->append(prompts[i]);
    for (int s = 0; s < steps; ++s) {
      int32_t t = argmax(logits);
      solo_tokens[i].push_back(t);
      solo_logits[i].push_back(logits);
      Sequence* one[] = {seq.get()};
      logits = m.gpu->decode(one, std::span<const int32_t>(&t, 1));
    }
  }

  std::vector<std::unique_ptr<Sequence>> seqs(n);
  std::vector<std::vector<int32_t>> tokens(n);
  std::vector<std::vector<float>> pending(n);  // logits not yet turned into a token
  double worst = 0;
  bool same_tokens = true;
  for (int step = 0;; ++step) {
    if (step % 2 == 0 && step / 2 < n) {
      int i = step / 2;
      seqs[i] = m.gpu->new_sequence();
      pending[i] = seqs[i]->append(prompts[i]);
    }
    std::vector<Sequence*> batch;
    std::vector<int32_t> next;
    std::vector<int> who;
    for (int i = 0; i < n; ++i) {
      if (!seqs[i] || static_cast<int>(tokens[i].size()) >= steps) continue;
      size_t k = tokens[i].size();
      worst = std::max(worst, rel_error(pending[i], solo_logits[i][k]));
      int32_t t = argmax(pending[i]);
      same_tokens = same_tokens && t == solo_tokens[i][k];
      tokens[i].push_back(t);
      if (static_cast<int>(tokens[i].size()) == steps) {
        seqs[i].reset();  // finished: pages go back while the others continue
        continue;
      }
      batch.push_back(seqs[i].get());
      next.push_back(t);
      who.push_back(i);
    }
    if (batch.empty() && step / 2 >= n) break;
    if (batch.empty()) continue;
    auto logits = m.gpu->decode(batch, next);
    for (size_t b = 0; b < who.size(); ++b) pending[who[b]] = row(logits, static_cast<int>(b), V);
  }
  say("  batched vs unbatched (%d requests, %d steps): max logits rel error %.3g\n", n, steps, worst);
  verdict(same_tokens, "continuous batching gives the unbatched greedy tokens");
  verdict(worst <= 1e-4, "batched logits equal unbatched within fp32 summation-order error (1e-4)");

  // The scheduler, with fewer batch slots than requests so that admission waits.
  BatchScheduler scheduler(*m.gpu, 5);
  for (int i = 0; i < n; ++i) {
    BatchRequest r;
    r.id = i;
    r.prompt = prompts[i];
    r.max_new_tokens = steps;
    scheduler.submit(r);
  }
  bool sched_same = true;
  for (const BatchResult& r : scheduler.run_to_completion()) sched_same = sched_same && r.tokens == solo_tokens[r.id];
  verdict(sched_same, "BatchScheduler (5 slots, 12 requests) gives the unbatched greedy tokens");
  verdict(m.gpu->kv_pages_free() == m.gpu->kv_pages_total(),
          "every KV page is free after the sequences ended (" + std::to_string(m.gpu->kv_pages_free()) + "/" +
              std::to_string(m.gpu->kv_pages_total()) + ")");
}

void run_checks(bool quick) {
  std::vector<std::string> shapes = quick ? std::vector<std::string>{"tiny", "tiny-98e"}
                                          : std::vector<std::string>{"tiny", "tiny-128e", "tiny-98e", "mid"};
  auto root = std::filesystem::temp_directory_path() / ("engine-cuda-check-" + std::to_string(::getpid()));
  for (const auto& shape : shapes) {
    say("== %s\n", shape.c_str());
    try {
      Models m = load(shape, (root / shape).string());
      check_prefill(m, quick ? 20 : 40);
      check_greedy(m, quick ? 24 : 256);
      check_batching(m, quick ? 8 : 48);
    } catch (const std::exception& e) {
      verdict(false, std::string("no exception (") + e.what() + ")");
    }
  }
  std::filesystem::remove_all(root);
}

// ---- timings ------------------------------------------------------------------------

GemmaConfig gemma4_26b_a4b() {
  GemmaConfig c;
  c.vocab_size = 262144;
  c.hidden_size = 2816;
  c.num_layers = 30;
  c.num_heads = 16;
  c.num_kv_heads = 8;
  c.num_global_kv_heads = 2;
  c.head_dim = 256;
  c.global_head_dim = 512;
  c.intermediate_size = 2112;
  c.num_experts = 128;
  c.top_k_experts = 8;
  c.moe_intermediate_size = 704;
  c.sliding_window = 1024;
  c.max_position_embeddings = 262144;
  c.final_logit_softcapping = 30.0f;
  for (int i = 0; i < 30; ++i) c.layer_types.push_back(i % 6 == 5 ? LayerType::Full : LayerType::Sliding);
  c.rope_sliding = RopeParams{10000.0, false, 1.0, 1.0};
  c.rope_full = RopeParams{1000000.0, true, 0.25, 1.0};
  return c;
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// Bytes one decode step must read at batch B with `context` cached positions per sequence:
// all non-expert weights (lm_head included), the experts the batch touches (expected
// distinct count E·(1 − (1 − k/E)^B) per layer), and the cached K/V in the windows.
double decode_bytes(const GemmaConfig& c, size_t weight_bytes, int B, int context) {
  double expert_bytes = 2.0 * c.num_layers * c.num_experts * 3.0 * c.moe_intermediate_size * c.hidden_size;
  double touched = 1.0 - std::pow(1.0 - static_cast<double>(c.top_k_experts) / c.num_experts, B);
  double kv = 0;
  for (int l = 0; l < c.num_layers; ++l) {
    int seen = c.is_full(l) ? context : std::min(context, c.sliding_window);
    kv += 2.0 * c.layer_kv_heads(l) * c.layer_head_dim(l) * sizeof(float) * seen;
  }
  return weight_bytes - expert_bytes + expert_bytes * touched + kv * B;
}

void run_bench(double peak_gbs) {
  GemmaConfig c = gemma4_26b_a4b();
  say("== bench: random 26B-A4B shape (bf16 weights generated on the GPU)\n");
  cudaDeviceProp prop{};
  if (cudaGetDeviceProperties(&prop, 0) == cudaSuccess) say("  device: %s, %d SMs\n", prop.name, prop.multiProcessorCount);
  auto t0 = std::chrono::steady_clock::now();
  auto e = make_random_cuda_engine(c, 7);
  size_t free_b = 0, total_b = 0;
  cudaMemGetInfo(&free_b, &total_b);
  say("  setup %.1f s; weights %.2f GB, KV pool %.2f GB (%d pages of %d), device memory used %.2f of %.2f GB\n",
      seconds_since(t0), e->weight_bytes() / 1e9, e->kv_bytes() / 1e9, e->kv_pages_total(), e->kv_page_size(),
      (total_b - free_b) / 1e9, total_b / 1e9);
  say("  roofline: batch-1 decode reads %.2f GB/token -> at most %.0f tok/s at %.0f GB/s\n",
      decode_bytes(c, e->weight_bytes(), 1, 0) / 1e9, peak_gbs * 1e9 / decode_bytes(c, e->weight_bytes(), 1, 0),
      peak_gbs);

  for (int prompt : {1024, 8192}) {
    auto seq = e->new_sequence();
    auto tokens = random_tokens(prompt, c.vocab_size, prompt);
    auto t = std::chrono::steady_clock::now();
    e->append_select(*seq, tokens, 0.0f, 0.0f);
    double s = seconds_since(t);
    say("  prefill %5d tokens: %.3f s, %.0f tok/s\n", prompt, s, prompt / s);
  }

  const int context = 256, steps = 16;
  for (int B : {1, 8, 64}) {
    std::vector<std::unique_ptr<Sequence>> seqs;
    std::vector<Sequence*> ptrs;
    std::vector<int32_t> next;
    for (int i = 0; i < B; ++i) {
      seqs.push_back(e->new_sequence());
      next.push_back(e->append_select(*seqs.back(), random_tokens(context, c.vocab_size, 1000 + i), 0.0f, 0.0f));
      ptrs.push_back(seqs.back().get());
    }
    for (int w = 0; w < 2; ++w) next = e->decode_select(ptrs, next, 0.0f, {});  // warm-up
    e->synchronize();
    auto t = std::chrono::steady_clock::now();
    for (int s = 0; s < steps; ++s) next = e->decode_select(ptrs, next, 0.0f, {});
    e->synchronize();
    double per_step = seconds_since(t) / steps;
    double gbs = decode_bytes(c, e->weight_bytes(), B, context + 2 + steps / 2) / per_step / 1e9;
    say("  decode batch %2d (context ~%d): %.2f ms/step, %.0f tok/s, %.0f GB/s achieved (%.0f%% of %.0f)\n", B,
        context, per_step * 1e3, B / per_step, gbs, 100 * gbs / peak_gbs, peak_gbs);
  }
}

}  // namespace

int main(int argc, char** argv) {
  bool check = false, quick = false, bench = false;
  double peak_gbs = 3350;  // H100 SXM HBM3; pass --peak-gbs 4800 on an H200
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--check") check = true;
    else if (a == "--quick") check = quick = true;
    else if (a == "--bench") bench = true;
    else if (a == "--out" && i + 1 < argc) g_out = std::fopen(argv[++i], "a");
    else if (a == "--peak-gbs" && i + 1 < argc) peak_gbs = std::atof(argv[++i]);
    else {
      std::fprintf(stderr, "usage: %s [--check] [--quick] [--bench] [--out FILE] [--peak-gbs N]\n", argv[0]);
      return 2;
    }
  }
  std::string why;
  if (cuda_device_count(&why) == 0) {
    say("no CUDA device: %s\n", why.c_str());
    return 1;
  }
  try {
    if (check) run_checks(quick);
    if (bench) run_bench(peak_gbs);
  } catch (const std::exception& e) {
    verdict(false, std::string("no exception (") + e.what() + ")");
  }
  say("%s: %d check(s) failed\n", g_failures ? "FAILED" : "OK", g_failures);
  if (g_out) std::fclose(g_out);
  return g_failures ? 1 : 0;
}
