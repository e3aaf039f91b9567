// Per-head q_norm/k_norm/v_norm followed by RoPE (gemma4.md §3, §3.1). Both layer kinds use
// the NeoX layout (element i rotates with i + hd/2); the "proportional" full layers simply
// have inv_freq = 0 past the rotated pairs, so the same kernel serves both. The inverse
// frequencies come from engine::cpu::rope_inv_freq, so they are bit-identical to the CPU's.
#include "engine/cuda/device.cuh"
#include "engine/cuda/kernels.h"

namespace engine::cuda {
namespace {

constexpr int kMaxHeadDim = 1024;

// One block per (token, head); blockDim.x = 128.
__global__ void head_norm_rope_kernel(float* x, int heads, int hd, const bf16* w, const float* inv_freq,
                                      const int* pos, float eps) {
  __shared__ float scratch[32];
  __shared__ float v[kMaxHeadDim];
  int t = blockIdx.y, head = blockIdx.x;
  float* p = x + (static_cast<size_t>(t) * heads + head) * hd;
  float s = 0;
  for (int i = threadIdx.x; i < hd; i += blockDim.x) s += p[i] * p[i];
  s = block_sum(s, scratch);
  float inv = powf(s / hd + eps, -0.5f);
  for (int i = threadIdx.x; i < hd; i += blockDim.x) v[i] = p[i] * inv * (w ? to_f32(w[i]) : 1.0f);
  __syncthreads();
  int half = hd / 2;
  float position = static_cast<float>(pos[t]);
  for (int i = threadIdx.x; i < half; i += blockDim.x) {
    float a = v[i], b = v[i + half];
    if (inv_freq) {
      float angle = position * inv_freq[i];  // fp32 product, as the reference computes freqs
      float c = cosf(angle), sn = sinf(angle);
      p[i] = a * c - b * sn;
      p[i + half] = b * c + a * sn;
    } else {
      p[i] = a;
      p[i + half] = b;
    }
  }
}

}  // namespace

void head_norm_rope(float* x, int rows, int heads, int hd, const bf16* w, const float* inv_freq, const int* pos,
                    float eps, cudaStream_t stream) {
  if (hd > kMaxHeadDim || hd % 2)
    throw EngineError("head_dim " + std::to_string(hd) + " is unsupported by the CUDA engine (even, at most 1024).");
  head_norm_rope_kernel<<<dim3(heads, rows), 128, 0, stream>>>(x, heads, hd, w, inv_freq, pos, eps);
  CUDA_CHECK_LAUNCH();
}

}  // namespace engine::cuda
