// The model as the CUDA stages see it: bf16 weights in device memory (shapes as in
// engine/weights.h), the per-step inputs and the scratch activations. Plain structs of
// device pointers; the owner (cuda_engine.cpp) allocates and frees them.
#pragma once

#include <cstddef>
#include <vector>

#include "engine/config.h"
#include "engine/cuda/common.h"

namespace engine::cuda {

struct DeviceLayer {
  const bf16* input_norm;        // [hidden]
  const bf16* q_proj;            // [n_heads*hd, hidden]
  const bf16* k_proj;            // [n_kv*hd, hidden]
  const bf16* v_proj;            // [n_kv*hd, hidden]; nullptr on k_eq_v full layers
  const bf16* o_proj;            // [hidden, n_heads*hd]
  const bf16* q_norm;            // [hd]
  const bf16* k_norm;            // [hd]
  const bf16* post_attn_norm;    // [hidden]
  const bf16* pre_ff_norm;       // [hidden]
  const bf16* post_ff_norm_1;    // [hidden]
  const bf16* pre_ff_norm_2;     // [hidden]
  const bf16* post_ff_norm_2;    // [hidden]
  const bf16* post_ff_norm;      // [hidden]
  const bf16* mlp_gate;          // [ffn, hidden]
  const bf16* mlp_up;            // [ffn, hidden]
  const bf16* mlp_down;          // [hidden, ffn]
  const bf16* router_proj;       // [n_experts, hidden]
  const bf16* router_scale;      // [hidden]
  const bf16* per_expert_scale;  // [n_experts]
  const bf16* experts_gate_up;   // [n_experts, 2*moe_ffn, hidden]
  const bf16* experts_down;      // [n_experts, hidden, moe_ffn]
  float layer_scalar;
};

struct DeviceWeights {
  const bf16* embed;             // [vocab, hidden], also the tied lm_head
  const bf16* final_norm;        // [hidden]
  const float* inv_freq_sliding; // [head_dim/2]
  const float* inv_freq_full;    // [global_head_dim/2]
  std::vector<DeviceLayer> layers;
};

// One forward step: T tokens, each belonging to one of S sequences at its own position.
// A prefill chunk is T tokens of one sequence; a decode step is one token per sequence.
struct StepInputs {
  int T = 0;                 // tokens in this step
  int S = 0;                 // sequences in this step
  int max_pages = 0;         // columns of block_table
  int R = 0;                 // rows that need logits
  const int* tokens;         // [T]
  const int* pos;            // [T] absolute positions
  const int* token_seq;      // [T] row of block_table
  const int* block_table;    // [S, max_pages] KV page ids
  const int* logit_rows;     // [R] token rows whose logits are wanted
};

// Activations for up to T_max tokens (fp32).
struct Scratch {
  float* x;         // [T, hidden] residual stream
  float* h;         // [T, hidden]
  float* q;         // [T, n_heads*max_hd]
  float* k;         // [T, max_kv*max_hd]
  float* v;         // [T, max_kv*max_hd]
  float* o;         // [T, n_heads*max_hd]
  float* a;         // [T, hidden]
  float* dense;     // [T, hidden]
  float* moe;       // [T, hidden]
  float* gate;      // [T, ffn]
  float* up;        // [T, ffn]
  float* act;       // [T, ffn]
  float* router;    // [T, n_experts] router logits
  int* topk_ids;    // [T, top_k]
  float* topk_w;    // [T, top_k]
  int* expert_offsets;  // [n_experts+1] start of each expert's rows in the sorted order
  int* sorted_token;    // [T*top_k] token of each sorted row
  int* sorted_pair;     // [T*top_k] token*top_k + slot of each sorted row
  float* expert_gu;     // [T*top_k, 2*moe_ffn] sorted by expert
  float* expert_act;    // [T*top_k, moe_ffn]
  float* expert_out;    // [T*top_k, hidden] in pair order
  float* final_in;      // [R_max, hidden]
  float* logits;        // [R_max, vocab]
  int* selected;        // [R_max] chosen tokens
  float* uniforms;      // [R_max] sampling draws
};

}  // namespace engine::cuda
