// Mixture of experts (gemma4.md §2.5), in three kernels around two grouped matmuls:
// 1. router_topk: softmax over all E router logits (fp32; NaN counts as -inf, see the
//    kernel), top-k (ties → lower expert),
//    renormalised over the chosen k, × per_expert_scale — as engine::cpu::route_experts;
// 2. group_by_expert: counts tokens per expert and lists each expert's (token, slot)
//    pairs contiguously, so every expert's MLP runs once over all tokens routed to it;
// 3. (grouped gate_up matmul, gelu_mul, grouped down matmul in cuda_engine.cpp)
// 4. moe_combine: Σ_slot weight · expert output per token, slots in route order (the
//    CPU's summation order).
// E may be any count up to kMaxExperts (98-expert prunes are not powers of two).
#include <climits>

#include "engine/cuda/device.cuh"
#include "engine/cuda/kernels.h"

namespace engine::cuda {
namespace {

constexpr int kMaxExperts = 1024;
constexpr int kMaxTopK = 32;

// Keeps the better of two (probability, expert) candidates: higher probability, then lower id.
__device__ __forceinline__ void keep_better(float& v, int& i, float v2, int i2) {
  if (v2 > v || (v2 == v && i2 < i)) {
    v = v2;
    i = i2;
  }
}

// One block (256 threads) per token.
__global__ void router_topk_kernel(int* ids, float* weights, const float* logits, const bf16* per_expert_scale,
                                   int n_experts, int k) {
  __shared__ float p[kMaxExperts];
  __shared__ bool used[kMaxExperts];
  __shared__ float scratch[32];
  __shared__ float cand_v[32];
  __shared__ int cand_i[32];
  __shared__ int chosen[kMaxTopK];
  int t = blockIdx.x, lane = threadIdx.x % 32, warp = threadIdx.x / 32, nwarps = blockDim.x / 32;
  const float* lg = logits + static_cast<size_t>(t) * n_experts;

  // Non-finite logits follow engine::cpu::route_experts: NaN counts as -inf, +inf logits
  // share the mass equally, all -inf/NaN is uniform. So p[] is always finite and >= 0, and
  // every top-k step below finds an unused expert (v starts at -1 < any p).
  float mx = -INFINITY;
  for (int e = threadIdx.x; e < n_experts; e += blockDim.x) {
    float x = lg[e];
    if (!isnan(x)) mx = fmaxf(mx, x);
  }
  mx = block_max(mx, scratch);
  float sum = 0.0f;
  for (int e = threadIdx.x; e < n_experts; e += blockDim.x) {
    float x = isnan(lg[e]) ? -INFINITY : lg[e];
    if (mx == INFINITY) p[e] = x == INFINITY ? 1.0f : 0.0f;
    else if (mx == -INFINITY) p[e] = 1.0f;
    else p[e] = expf(x - mx);
    used[e] = false;
    sum += p[e];
  }
  sum = block_sum(sum, scratch);  // also a barrier: p[] is complete below
  for (int e = threadIdx.x; e < n_experts; e += blockDim.x) p[e] /= sum;
  __syncthreads();

  for (int j = 0; j < k; ++j) {
    float v = -1.0f;
    int i = INT_MAX;
    for (int e = threadIdx.x; e < n_experts; e += blockDim.x)
      if (!used[e]) keep_better(v, i, p[e], e);
    for (int o = 16; o > 0; o >>= 1) keep_better(v, i, __shfl_xor_sync(0xffffffffu, v, o), __shfl_xor_sync(0xffffffffu, i, o));
    if (lane == 0) {
      cand_v[warp] = v;
      cand_i[warp] = i;
    }
    __syncthreads();
    if (threadIdx.x == 0) {
      for (int w = 1; w < nwarps; ++w) keep_better(v, i, cand_v[w], cand_i[w]);
      // Unreachable with the rule above; kept so that no input can index used[] out of range.
      if (i < 0 || i >= n_experts) {
        i = 0;
        while (i < n_experts - 1 && used[i]) ++i;
      }
      chosen[j] = i;
      used[i] = true;
    }
    __syncthreads();
  }
  if (threadIdx.x == 0) {
    float total = 0.0f;
    for (int j = 0; j < k; ++j) total += p[chosen[j]];
    for (int j = 0; j < k; ++j) {
      int e = chosen[j];
      ids[t * k + j] = e;
      weights[t * k + j] = p[e] / total * to_f32(per_expert_scale[e]);
    }
  }
}

// A single block: the pair count T·k is small next to the expert matmuls it feeds.
__global__ void group_by_expert_kernel(int* offsets, int* sorted_token, int* sorted_pair, const int* ids, int pairs,
                                       int k, int n_experts) {
  __shared__ int count[kMaxExperts];
  __shared__ int cursor[kMaxExperts];
  for (int e = threadIdx.x; e < n_experts; e += blockDim.x) count[e] = 0;
  __syncthreads();
  for (int i = threadIdx.x; i < pairs; i += blockDim.x) atomicAdd(&count[ids[i]], 1);
  __syncthreads();
  if (threadIdx.x == 0) {
    int run = 0;
    for (int e = 0; e < n_experts; ++e) {
      offsets[e] = cursor[e] = run;
      run += count[e];
    }
    offsets[n_experts] = run;
  }
  __syncthreads();
  // The order inside an expert's rows varies from run to run; each row is computed on its
  // own and written back to its pair slot, so results do not depend on it.
  for (int i = threadIdx.x; i < pairs; i += blockDim.x) {
    int slot = atomicAdd(&cursor[ids[i]], 1);
    sorted_token[slot] = i / k;
    sorted_pair[slot] = i;
  }
}

__global__ void moe_combine_kernel(float* out, const float* expert_out, const float* weights, int k, int hidden) {
  int t = blockIdx.x;
  for (int h = threadIdx.x; h < hidden; h += blockDim.x) {
    float s = 0.0f;
    for (int j = 0; j < k; ++j) s += weights[t * k + j] * expert_out[(static_cast<size_t>(t) * k + j) * hidden + h];
    out[static_cast<size_t>(t) * hidden + h] = s;
  }
}

}  // namespace

void router_topk(int* ids, float* weights, const float* logits, const bf16* per_expert_scale, int T, int n_experts,
                 int k, cudaStream_t stream) {
  if (n_experts > kMaxExperts || k > kMaxTopK || k > n_experts)
    throw EngineError("the CUDA router supports at most 1024 experts and top-32 (config has " +
                      std::to_string(n_experts) + " experts, top-" + std::to_string(k) + ").");
  router_topk_kernel<<<T, 256, 0, stream>>>(ids, weights, logits, per_expert_scale, n_experts, k);
  CUDA_CHECK_LAUNCH();
}

void group_by_expert(int* offsets, int* sorted_token, int* sorted_pair, const int* ids, int T, int k, int n_experts,
                     cudaStream_t stream) {
  group_by_expert_kernel<<<1, 1024, 0, stream>>>(offsets, sorted_token, sorted_pair, ids, T * k, k, n_experts);
  CUDA_CHECK_LAUNCH();
}

void moe_combine(float* out, const float* expert_out, const float* weights, int T, int k, int hidden,
                 cudaStream_t stream) {
  moe_combine_kernel<<<T, 256, 0, stream>>>(out, expert_out, weights, k, hidden);
  CUDA_CHECK_LAUNCH();
}

}  // namespace engine::cuda
