// Gemma 4 RMSNorm (gemma4.md §2.1): x · (mean(x²) + eps)^−½ · w, the weight used as is
// (no 1 + w). One block per row; the oracle is engine::cpu::rmsnorm.
#include "engine/cuda/device.cuh"
#include "engine/cuda/kernels.h"

namespace engine::cuda {
namespace {

constexpr int kThreads = 256;

// (mean(x²) + eps)^−½ of one row, shared by the whole block. powf rather than rsqrtf to
// follow the reference (HF raises to −0.5 with pow).
__device__ float inv_rms(const float* x, int n, float eps, float* scratch) {
  float s = 0;
  for (int i = threadIdx.x; i < n; i += blockDim.x) s += x[i] * x[i];
  s = block_sum(s, scratch);
  return powf(s / n + eps, -0.5f);
}

__device__ __forceinline__ float weight(const bf16* w, int i) { return w ? to_f32(w[i]) : 1.0f; }

__global__ void rmsnorm_kernel(float* out, const float* x, const bf16* w, int n, float eps) {
  __shared__ float scratch[32];
  size_t off = static_cast<size_t>(blockIdx.x) * n;
  float inv = inv_rms(x + off, n, eps, scratch);
  for (int i = threadIdx.x; i < n; i += blockDim.x) out[off + i] = x[off + i] * inv * weight(w, i);
}

__global__ void rmsnorm_residual_kernel(float* x, const float* a, const bf16* w, int n, float eps) {
  __shared__ float scratch[32];
  size_t off = static_cast<size_t>(blockIdx.x) * n;
  float inv = inv_rms(a + off, n, eps, scratch);
  for (int i = threadIdx.x; i < n; i += blockDim.x) x[off + i] += a[off + i] * inv * weight(w, i);
}

__global__ void router_input_kernel(float* u, const float* x, const bf16* scale, int n, float eps) {
  __shared__ float scratch[32];
  size_t off = static_cast<size_t>(blockIdx.x) * n;
  float inv = inv_rms(x + off, n, eps, scratch);
  const float root = 1.0f / sqrtf(static_cast<float>(n));
  // Same rounding order as the CPU reference: normed value, × scale, × 1/√n.
  for (int i = threadIdx.x; i < n; i += blockDim.x) u[off + i] = x[off + i] * inv * to_f32(scale[i]) * root;
}

// The end of the FFN block (gemma4.md §2.3) in one pass over the row; n ≤ kMaxHidden.
constexpr int kMaxHidden = 8192;
__global__ void ffn_combine_kernel(float* x, const float* dense, const float* moe, const bf16* w_moe, const bf16* w_all,
                                   float layer_scalar, int n, float eps) {
  __shared__ float scratch[32];
  __shared__ float sum[kMaxHidden];
  size_t off = static_cast<size_t>(blockIdx.x) * n;
  float inv_m = inv_rms(moe + off, n, eps, scratch);
  for (int i = threadIdx.x; i < n; i += blockDim.x) sum[i] = dense[off + i] + moe[off + i] * inv_m * to_f32(w_moe[i]);
  __syncthreads();
  float inv_s = inv_rms(sum, n, eps, scratch);
  for (int i = threadIdx.x; i < n; i += blockDim.x) x[off + i] = (x[off + i] + sum[i] * inv_s * to_f32(w_all[i])) * layer_scalar;
}

}  // namespace

void rmsnorm(float* out, const float* x, const bf16* w, int rows, int n, float eps, cudaStream_t stream) {
  rmsnorm_kernel<<<rows, kThreads, 0, stream>>>(out, x, w, n, eps);
  CUDA_CHECK_LAUNCH();
}

void rmsnorm_residual(float* x, const float* a, const bf16* w, int rows, int n, float eps, cudaStream_t stream) {
  rmsnorm_residual_kernel<<<rows, kThreads, 0, stream>>>(x, a, w, n, eps);
  CUDA_CHECK_LAUNCH();
}

void router_input(float* u, const float* x, const bf16* scale, int rows, int n, float eps, cudaStream_t stream) {
  router_input_kernel<<<rows, kThreads, 0, stream>>>(u, x, scale, n, eps);
  CUDA_CHECK_LAUNCH();
}

void ffn_combine(float* x, const float* dense, const float* moe, const bf16* w_moe, const bf16* w_all,
                 float layer_scalar, int rows, int n, float eps, cudaStream_t stream) {
  if (n > kMaxHidden) throw EngineError("hidden_size " + std::to_string(n) + " exceeds the CUDA engine's limit of 8192.");
  ffn_combine_kernel<<<rows, kThreads, 0, stream>>>(x, dense, moe, w_moe, w_all, layer_scalar, n, eps);
  CUDA_CHECK_LAUNCH();
}

}  // namespace engine::cuda
