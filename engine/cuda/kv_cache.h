// Paged KV cache: one device pool of fixed-size pages; a sequence owns a list of page ids
// (its block table) and gives them back when it ends. A page holds `page_size` positions
// of every layer, laid out per layer as [page_size][K | V][n_kv·hd], so one block table
// serves all layers although sliding and full layers have different K/V widths.
// Sliding layers keep every position (the window is applied when reading); recycling
// pages that fell out of the window is a later optimisation.
#pragma once

#include <cstddef>
#include <vector>

#include "engine/config.h"
#include "engine/cuda/common.h"

namespace engine::cuda {

class KvCache {
 public:
  KvCache(const GemmaConfig& config, int num_pages, int page_size);
  ~KvCache();
  KvCache(const KvCache&) = delete;
  KvCache& operator=(const KvCache&) = delete;

  // Device bytes one page takes for this config.
  static size_t bytes_per_page(const GemmaConfig& config, int page_size);

  int page_size() const { return page_size_; }
  int num_pages() const { return num_pages_; }
  int free_pages() const { return static_cast<int>(free_.size()); }
  size_t page_elems() const { return page_elems_; }
  kv_t* layer_base(int layer) const { return pool_ + layer_offset_[layer]; }
  int kv_width(int layer) const { return kv_width_[layer]; }

  // Pages needed to hold `tokens` positions.
  int pages_for(int tokens) const { return (tokens + page_size_ - 1) / page_size_; }
  // Grows `pages` to cover `tokens` positions; throws EngineError naming the shortfall
  // when the pool is exhausted (the pages already held are kept).
  void reserve(std::vector<int>& pages, int tokens);
  // Returns every page to the pool and clears the list.
  void release(std::vector<int>& pages);

 private:
  int page_size_, num_pages_;
  size_t page_elems_ = 0;
  std::vector<size_t> layer_offset_;  // elements from a page's start to the layer's part
  std::vector<int> kv_width_;         // n_kv·hd per layer
  std::vector<int> free_;             // page ids, used as a stack
  kv_t* pool_ = nullptr;
};

}  // namespace engine::cuda
