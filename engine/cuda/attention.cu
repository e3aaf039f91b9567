// Causal attention over the paged KV cache (gemma4.md §3), one kernel for prefill and
// decode: every query token reads the keys of its own sequence at positions lo…pos, with
// lo = pos − window + 1 on sliding layers and 0 on full ones. K/V of the current step are
// already in the cache (kv_store runs first), so a prefill chunk masks itself by position.
// Scale 1.0 (Gemma 4 has no 1/√d), no logit softcap. GQA: query head i reads kv head
// i / (n_heads / n_kv).
//
// One block per (query head, token), kWarps warps; warp w takes keys lo+w, lo+w+kWarps, …
// and keeps an online softmax (running max m, sum l, weighted V sum acc); the warps merge
// at the end. Lane j holds head dims j, j+32, … (up to kMaxDimsPerLane of them).
#include "engine/cuda/device.cuh"
#include "engine/cuda/kernels.h"

namespace engine::cuda {
namespace {

constexpr int kWarps = 4;
constexpr int kMaxDimsPerLane = 16;  // head_dim ≤ 512
constexpr int kMaxHeadDim = 32 * kMaxDimsPerLane;

__global__ void __launch_bounds__(kWarps * 32)
    attention_kernel(float* out, const float* q, const kv_t* layer_base, size_t page_elems, int page_size,
                     const int* block_table, int max_pages, const int* token_seq, const int* pos, int n_heads,
                     int n_kv, int hd, int window) {
  __shared__ float warp_m[kWarps], warp_l[kWarps];
  __shared__ float warp_acc[kWarps][kMaxHeadDim];
  int head = blockIdx.x, t = blockIdx.y;
  int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  int kv_head = head / (n_heads / n_kv);
  int width = n_kv * hd;
  int p = pos[t];
  int lo = window > 0 ? max(0, p - window + 1) : 0;
  const int* pages = block_table + token_seq[t] * max_pages;

  float qv[kMaxDimsPerLane], acc[kMaxDimsPerLane];
  const float* qh = q + (static_cast<size_t>(t) * n_heads + head) * hd;
#pragma unroll
  for (int i = 0; i < kMaxDimsPerLane; ++i) {
    int d = lane + 32 * i;
    qv[i] = d < hd ? qh[d] : 0.0f;
    acc[i] = 0.0f;
  }
  float m = -INFINITY, l = 0.0f;
  for (int j = lo + warp; j <= p; j += kWarps) {
    const kv_t* kj = layer_base + pages[j / page_size] * page_elems + static_cast<size_t>(j % page_size) * 2 * width +
                     kv_head * hd;
    const kv_t* vj = kj + width;
    float s = 0.0f;
#pragma unroll
    for (int i = 0; i < kMaxDimsPerLane; ++i) {
      int d = lane + 32 * i;
      if (d < hd) s += qv[i] * to_f32(kj[d]);
    }
    s = warp_sum(s);
    float m_new = fmaxf(m, s);
    float rescale = expf(m - m_new);  // 0 on the first key (m = −inf)
    float e = expf(s - m_new);
    l = l * rescale + e;
#pragma unroll
    for (int i = 0; i < kMaxDimsPerLane; ++i) {
      int d = lane + 32 * i;
      if (d < hd) acc[i] = acc[i] * rescale + e * to_f32(vj[d]);
    }
    m = m_new;
  }
  if (lane == 0) {
    warp_m[warp] = m;
    warp_l[warp] = l;
  }
#pragma unroll
  for (int i = 0; i < kMaxDimsPerLane; ++i) {
    int d = lane + 32 * i;
    if (d < hd) warp_acc[warp][d] = acc[i];
  }
  __syncthreads();
  // Merge: a warp that saw no key has m = −inf and contributes nothing.
  float mx = -INFINITY;
  for (int w = 0; w < kWarps; ++w) mx = fmaxf(mx, warp_m[w]);
  float total = 0.0f, factor[kWarps];
  for (int w = 0; w < kWarps; ++w) {
    factor[w] = warp_m[w] == -INFINITY ? 0.0f : expf(warp_m[w] - mx);
    total += warp_l[w] * factor[w];
  }
  float* oh = out + (static_cast<size_t>(t) * n_heads + head) * hd;
  for (int d = threadIdx.x; d < hd; d += blockDim.x) {
    float s = 0.0f;
    for (int w = 0; w < kWarps; ++w)
      if (factor[w] != 0.0f) s += warp_acc[w][d] * factor[w];
    oh[d] = s / total;
  }
}

}  // namespace

void attention(float* out, const float* q, const kv_t* layer_base, size_t page_elems, int page_size,
               const int* block_table, int max_pages, const int* token_seq, const int* pos, int T, int n_heads,
               int n_kv, int hd, int window, cudaStream_t stream) {
  if (hd > kMaxHeadDim) throw EngineError("head_dim " + std::to_string(hd) + " exceeds the CUDA attention limit of 512.");
  if (n_kv <= 0 || n_heads % n_kv)
    throw EngineError("num_attention_heads must be a multiple of the kv heads for the CUDA attention kernel.");
  attention_kernel<<<dim3(n_heads, T), kWarps * 32, 0, stream>>>(out, q, layer_base, page_elems, page_size,
                                                                  block_table, max_pages, token_seq, pos, n_heads,
                                                                  n_kv, hd, window);
  CUDA_CHECK_LAUNCH();
}

}  // namespace engine::cuda
