// The gated activation shared by the dense MLP and the experts (gemma4.md §2.4):
// gelu_tanh(gate) · up. The projections themselves are matmul.cu calls.
#include "engine/cuda/device.cuh"
#include "engine/cuda/kernels.h"

namespace engine::cuda {
namespace {

// PyTorch gelu(approximate="tanh"); tanhf, not a fast approximation, to stay near the CPU.
__device__ __forceinline__ float gelu_tanh(float a) {
  const float k = 0.7978845608028654f;  // √(2/π)
  return 0.5f * a * (1.0f + tanhf(k * (a + 0.044715f * a * a * a)));
}

__global__ void gelu_mul_kernel(float* out, const float* gate, const float* up, int rows, int n, int stride) {
  size_t total = static_cast<size_t>(rows) * n;
  for (size_t idx = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x; idx < total;
       idx += static_cast<size_t>(gridDim.x) * blockDim.x) {
    size_t r = idx / n, i = idx % n;
    out[idx] = gelu_tanh(gate[r * stride + i]) * up[r * stride + i];
  }
}

}  // namespace

void gelu_mul(float* out, const float* gate, const float* up, int rows, int n, int stride, cudaStream_t stream) {
  size_t total = static_cast<size_t>(rows) * n;
  int blocks = static_cast<int>(std::min<size_t>((total + 255) / 256, 65535));
  if (blocks == 0) return;
  gelu_mul_kernel<<<blocks, 256, 0, stream>>>(out, gate, up, rows, n, stride);
  CUDA_CHECK_LAUNCH();
}

}  // namespace engine::cuda
