// Host-side launchers of every CUDA stage, one group per file. All run on `stream`,
// asynchronously; pointers are device pointers. Read top to bottom in the order the
// forward pass (cuda_engine.cpp) calls them.
#pragma once

#include <cstddef>
#include <cstdint>

#include "engine/cuda/common.h"

namespace engine::cuda {

// embedding.cu: x[t] = embed[tokens[t]] · scale
void embed_tokens(float* x, const bf16* embed, const int* tokens, int T, int hidden, float scale, cudaStream_t stream);

// rmsnorm.cu (Gemma 4 form, weight used as is; w == nullptr is the weightless RMS0)
void rmsnorm(float* out, const float* x, const bf16* w, int rows, int n, float eps, cudaStream_t stream);
// x += RMS(a; w)
void rmsnorm_residual(float* x, const float* a, const bf16* w, int rows, int n, float eps, cudaStream_t stream);
// u = RMS0(x) · scale · n^−½ (router input)
void router_input(float* u, const float* x, const bf16* scale, int rows, int n, float eps, cudaStream_t stream);
// x = (x + RMS(dense + RMS(moe; w_moe); w_all)) · layer_scalar; dense is already normed
void ffn_combine(float* x, const float* dense, const float* moe, const bf16* w_moe, const bf16* w_all,
                 float layer_scalar, int rows, int n, float eps, cudaStream_t stream);

// rope.cu: per head, x = RoPE(RMS(x; w)) at pos[t]; w == nullptr → RMS0, inv_freq == nullptr → no RoPE
void head_norm_rope(float* x, int rows, int heads, int hd, const bf16* w, const float* inv_freq, const int* pos,
                    float eps, cudaStream_t stream);

// matmul.cu: y[r, o] = Σ_i x[r, i] · W[o, i]   (W bf16 [out, in], fp32 accumulation)
void matmul(float* y, const float* x, const bf16* w, int rows, int in, int out, cudaStream_t stream);
// The same per group g over rows offsets[g]..offsets[g+1]−1 with W + g·w_group_stride;
// x row = x_rows[r] (or r), y row = y_rows[r] (or r). max_rows bounds any group's size.
void grouped_matmul(float* y, const float* x, const bf16* w, size_t w_group_stride, int groups, const int* offsets,
                    const int* x_rows, const int* y_rows, int max_rows, int in, int out, cudaStream_t stream);

// mlp.cu: out[r, i] = gelu_tanh(gate[r, i]) · up[r, i], rows `stride` apart in gate/up
void gelu_mul(float* out, const float* gate, const float* up, int rows, int n, int stride, cudaStream_t stream);

// kv_cache.cu: writes K/V of each token into its page slot
void kv_store(kv_t* layer_base, size_t page_elems, int page_size, const float* k, const float* v, const int* pos,
              const int* token_seq, const int* block_table, int max_pages, int T, int kv_width, cudaStream_t stream);

// attention.cu: causal attention of every token over its own sequence's cached keys;
// window > 0 limits it to the last `window` positions (sliding layers).
void attention(float* out, const float* q, const kv_t* layer_base, size_t page_elems, int page_size,
               const int* block_table, int max_pages, const int* token_seq, const int* pos, int T, int n_heads,
               int n_kv, int hd, int window, cudaStream_t stream);

// moe.cu
void router_topk(int* ids, float* weights, const float* logits, const bf16* per_expert_scale, int T, int n_experts,
                 int k, cudaStream_t stream);
void group_by_expert(int* offsets, int* sorted_token, int* sorted_pair, const int* ids, int T, int k, int n_experts,
                     cudaStream_t stream);
void moe_combine(float* out, const float* expert_out, const float* weights, int T, int k, int hidden,
                 cudaStream_t stream);

// logits.cu: gathers the rows that need logits; logits = cap·tanh(logits/cap)
void gather_rows(float* out, const float* x, const int* rows, int R, int n, cudaStream_t stream);
void softcap(float* logits, size_t n, float cap, cudaStream_t stream);

// sampling.cu: one token per row; ties go to the lower id
void argmax_rows(int* out, const float* logits, int R, int vocab, cudaStream_t stream);
// softmax(logits / temperature), inverse CDF at uniforms[r] ∈ [0, 1)
void sample_rows(int* out, const float* logits, const float* uniforms, int R, int vocab, float temperature,
                 cudaStream_t stream);

// random_weights.cu: uniform in [−scale, scale] from (seed, element index); constant when scale == 0
void fill_random_bf16(bf16* w, size_t n, uint64_t seed, float scale, float constant, cudaStream_t stream);

}  // namespace engine::cuda
