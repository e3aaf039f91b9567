// Random bf16 weights generated on the GPU, for timing the real 26B-A4B shape where no
// checkpoint can be downloaded: a counter-based hash of (seed, index), so the values do
// not depend on the launch shape.
#include "engine/cuda/device.cuh"
#include "engine/cuda/kernels.h"

namespace engine::cuda {
namespace {

__device__ __forceinline__ uint64_t splitmix64(uint64_t z) {
  z += 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

__global__ void fill_kernel(bf16* w, size_t n, uint64_t seed, float scale, float constant) {
  for (size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<size_t>(gridDim.x) * blockDim.x) {
    float u = static_cast<float>(splitmix64(seed ^ (i * 0x2545f4914f6cdd1dull)) >> 40) * (1.0f / 16777216.0f);
    w[i] = __float2bfloat16(scale == 0 ? constant : (2.0f * u - 1.0f) * scale);
  }
}

}  // namespace

void fill_random_bf16(bf16* w, size_t n, uint64_t seed, float scale, float constant, cudaStream_t stream) {
  if (n == 0) return;
  int blocks = static_cast<int>(std::min<size_t>((n + 255) / 256, 65535));
  fill_kernel<<<blocks, 256, 0, stream>>>(w, n, seed, scale, constant);
  CUDA_CHECK_LAUNCH();
}

}  // namespace engine::cuda
