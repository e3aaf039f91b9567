// The page allocator (host side); kv_store.cu writes K/V into the pages.
#include "engine/cuda/kv_cache.h"

namespace engine::cuda {

size_t KvCache::bytes_per_page(const GemmaConfig& c, int page_size) {
  size_t elems = 0;
  for (int l = 0; l < c.num_layers; ++l)
    elems += static_cast<size_t>(page_size) * 2 * c.layer_kv_heads(l) * c.layer_head_dim(l);
  return elems * sizeof(kv_t);
}

KvCache::KvCache(const GemmaConfig& c, int num_pages, int page_size) : page_size_(page_size), num_pages_(num_pages) {
  if (page_size <= 0 || num_pages <= 0)
    throw EngineError("KV cache needs a positive page size and page count (got " + std::to_string(page_size) + ", " +
                      std::to_string(num_pages) + ").");
  for (int l = 0; l < c.num_layers; ++l) {
    int width = c.layer_kv_heads(l) * c.layer_head_dim(l);
    layer_offset_.push_back(page_elems_);
    kv_width_.push_back(width);
    page_elems_ += static_cast<size_t>(page_size) * 2 * width;
  }
  CUDA_CHECK(cudaMalloc(&pool_, page_elems_ * num_pages * sizeof(kv_t)));
  // Highest ids first on the stack so that pages are handed out 0, 1, 2, … (easier to read in a debugger).
  for (int p = num_pages - 1; p >= 0; --p) free_.push_back(p);
}

KvCache::~KvCache() { cudaFree(pool_); }

void KvCache::reserve(std::vector<int>& pages, int tokens) {
  int need = pages_for(tokens) - static_cast<int>(pages.size());
  if (need <= 0) return;
  if (need > free_pages())
    throw EngineError("KV cache is full: " + std::to_string(need) + " more pages needed, " +
                      std::to_string(free_pages()) + " free of " + std::to_string(num_pages_) +
                      "; end other sequences or give the engine more kv_pages.");
  for (int i = 0; i < need; ++i) {
    pages.push_back(free_.back());
    free_.pop_back();
  }
}

void KvCache::release(std::vector<int>& pages) {
  for (int p : pages) free_.push_back(p);
  pages.clear();
}

}  // namespace engine::cuda
