// Token embedding (gemma4.md §2.2): x = Emb[token] · bf16(√hidden).
#include "engine/cuda/device.cuh"
#include "engine/cuda/kernels.h"

namespace engine::cuda {

__global__ void embed_kernel(float* x, const bf16* embed, const int* tokens, int hidden, float scale) {
  int t = blockIdx.x;
  const bf16* row = embed + static_cast<size_t>(tokens[t]) * hidden;
  for (int i = threadIdx.x; i < hidden; i += blockDim.x) x[static_cast<size_t>(t) * hidden + i] = to_f32(row[i]) * scale;
}

void embed_tokens(float* x, const bf16* embed, const int* tokens, int T, int hidden, float scale, cudaStream_t stream) {
  embed_kernel<<<T, 256, 0, stream>>>(x, embed, tokens, hidden, scale);
  CUDA_CHECK_LAUNCH();
}

}  // namespace engine::cuda
