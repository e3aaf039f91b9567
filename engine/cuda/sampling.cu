// Token selection on the GPU, one block per row: greedy argmax (ties → lower id, like the
// CPU sampler) and temperature sampling by inverse CDF. top_k/top_p stay on the CPU
// sampler (engine/sampler.cpp) over copied logits for now.
#include <climits>

#include "engine/cuda/device.cuh"
#include "engine/cuda/kernels.h"

namespace engine::cuda {
namespace {

constexpr int kThreads = 1024;

__device__ __forceinline__ void keep_max(float& v, int& i, float v2, int i2) {
  if (v2 > v || (v2 == v && i2 < i)) {
    v = v2;
    i = i2;
  }
}

__global__ void argmax_kernel(int* out, const float* logits, int vocab) {
  __shared__ float cand_v[32];
  __shared__ int cand_i[32];
  const float* row = logits + static_cast<size_t>(blockIdx.x) * vocab;
  float v = -INFINITY;
  int i = INT_MAX;
  for (int e = threadIdx.x; e < vocab; e += blockDim.x) keep_max(v, i, row[e], e);
  for (int o = 16; o > 0; o >>= 1) keep_max(v, i, __shfl_xor_sync(0xffffffffu, v, o), __shfl_xor_sync(0xffffffffu, i, o));
  int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  if (lane == 0) {
    cand_v[warp] = v;
    cand_i[warp] = i;
  }
  __syncthreads();
  if (threadIdx.x == 0) {
    for (int w = 1; w < static_cast<int>(blockDim.x / 32); ++w) keep_max(v, i, cand_v[w], cand_i[w]);
    out[blockIdx.x] = i;
  }
}

// Each thread sums exp((l − max)/T) over one contiguous chunk; thread 0 walks the chunk
// sums to the one holding u·total, then walks inside that chunk.
__global__ void sample_kernel(int* out, const float* logits, const float* uniforms, int vocab, float temperature) {
  __shared__ float scratch[32];
  __shared__ float chunk_sum[kThreads];
  const float* row = logits + static_cast<size_t>(blockIdx.x) * vocab;
  float mx = -INFINITY;
  for (int e = threadIdx.x; e < vocab; e += blockDim.x) mx = fmaxf(mx, row[e]);
  mx = block_max(mx, scratch);
  int chunk = (vocab + kThreads - 1) / kThreads;
  int begin = threadIdx.x * chunk, end = min(vocab, begin + chunk);
  float s = 0.0f;
  for (int e = begin; e < end; ++e) s += expf((row[e] - mx) / temperature);
  chunk_sum[threadIdx.x] = s;
  __syncthreads();
  if (threadIdx.x != 0) return;
  float total = 0.0f;
  for (int c = 0; c < kThreads; ++c) total += chunk_sum[c];
  float target = uniforms[blockIdx.x] * total, run = 0.0f;
  int c = 0;
  while (c < kThreads - 1 && run + chunk_sum[c] <= target) run += chunk_sum[c++];
  int token = min(vocab - 1, c * chunk);
  for (int e = c * chunk; e < min(vocab, (c + 1) * chunk); ++e) {
    token = e;
    run += expf((row[e] - mx) / temperature);
    if (run > target) break;
  }
  out[blockIdx.x] = token;
}

}  // namespace

void argmax_rows(int* out, const float* logits, int R, int vocab, cudaStream_t stream) {
  argmax_kernel<<<R, kThreads, 0, stream>>>(out, logits, vocab);
  CUDA_CHECK_LAUNCH();
}

void sample_rows(int* out, const float* logits, const float* uniforms, int R, int vocab, float temperature,
                 cudaStream_t stream) {
  sample_kernel<<<R, kThreads, 0, stream>>>(out, logits, uniforms, vocab, temperature);
  CUDA_CHECK_LAUNCH();
}

}  // namespace engine::cuda
