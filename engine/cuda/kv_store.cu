// Writes the K/V of each token of a step into its slot of the paged cache (kv_cache.h).
#include "engine/cuda/device.cuh"
#include "engine/cuda/kernels.h"

namespace engine::cuda {

namespace {

// One block per token: K and V of all its kv heads go to slot pos % page_size of page
// block_table[seq][pos / page_size].
__global__ void kv_store_kernel(kv_t* layer_base, size_t page_elems, int page_size, const float* k, const float* v,
                                const int* pos, const int* token_seq, const int* block_table, int max_pages,
                                int width) {
  int t = blockIdx.x, p = pos[t];
  int page = block_table[token_seq[t] * max_pages + p / page_size];
  kv_t* dst = layer_base + page * page_elems + static_cast<size_t>(p % page_size) * 2 * width;
  for (int i = threadIdx.x; i < width; i += blockDim.x) {
    dst[i] = from_f32<kv_t>(k[static_cast<size_t>(t) * width + i]);
    dst[width + i] = from_f32<kv_t>(v[static_cast<size_t>(t) * width + i]);
  }
}

}  // namespace

void kv_store(kv_t* layer_base, size_t page_elems, int page_size, const float* k, const float* v, const int* pos,
              const int* token_seq, const int* block_table, int max_pages, int T, int kv_width, cudaStream_t stream) {
  kv_store_kernel<<<T, 256, 0, stream>>>(layer_base, page_elems, page_size, k, v, pos, token_seq, block_table,
                                         max_pages, kv_width);
  CUDA_CHECK_LAUNCH();
}

}  // namespace engine::cuda
