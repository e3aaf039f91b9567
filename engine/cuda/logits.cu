// Final stage helpers (gemma4.md §2.6): pick the rows that need logits, softcap in fp32.
// The final norm and the tied lm_head are rmsnorm.cu and matmul.cu calls.
#include "engine/cuda/device.cuh"
#include "engine/cuda/kernels.h"

namespace engine::cuda {
namespace {

__global__ void gather_rows_kernel(float* out, const float* x, const int* rows, int n) {
  int r = blockIdx.x;
  const float* src = x + static_cast<size_t>(rows[r]) * n;
  for (int i = threadIdx.x; i < n; i += blockDim.x) out[static_cast<size_t>(r) * n + i] = src[i];
}

__global__ void softcap_kernel(float* logits, size_t n, float cap) {
  for (size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<size_t>(gridDim.x) * blockDim.x)
    logits[i] = cap * tanhf(logits[i] / cap);
}

}  // namespace

void gather_rows(float* out, const float* x, const int* rows, int R, int n, cudaStream_t stream) {
  gather_rows_kernel<<<R, 256, 0, stream>>>(out, x, rows, n);
  CUDA_CHECK_LAUNCH();
}

void softcap(float* logits, size_t n, float cap, cudaStream_t stream) {
  if (cap <= 0 || n == 0) return;
  int blocks = static_cast<int>(std::min<size_t>((n + 255) / 256, 65535));
  softcap_kernel<<<blocks, 256, 0, stream>>>(logits, n, cap);
  CUDA_CHECK_LAUNCH();
}

}  // namespace engine::cuda
