// The CUDA engine: owns the device weights, the paged KV cache and the scratch
// activations, and runs the forward pass (gemma4.md §2–§3) stage by stage over a step of
// T tokens — a prefill chunk of one sequence or one decode token of each of S sequences.
// Each stage is a launcher from kernels.h; this file only orders them.
#include <algorithm>
#include <cmath>
#include <unordered_set>

#include "engine/cuda/cuda_engine.h"
#include "engine/cuda/device_weights.h"
#include "engine/cuda/kernels.h"
#include "engine/cuda/kv_cache.h"
#include "engine/safetensors.h"

namespace engine {

int cuda_device_count(std::string* why) {
  int n = 0;
  cudaError_t err = cudaGetDeviceCount(&n);
  if (err != cudaSuccess) {
    if (why) *why = std::string("cudaGetDeviceCount failed: ") + cudaGetErrorString(err);
    cudaGetLastError();  // clear the sticky error so later calls start clean
    return 0;
  }
  if (n == 0 && why) *why = "no CUDA device is present";
  return n;
}

namespace {

using namespace cuda;

class CudaEngineImpl;

class CudaSequence : public Sequence {
 public:
  explicit CudaSequence(CudaEngineImpl& e) : e_(e) {}
  ~CudaSequence() override;
  int length() const override { return length_; }
  std::vector<float> append(std::span<const int32_t> tokens, bool all_logits) override;

  CudaEngineImpl& e_;
  int length_ = 0;
  std::vector<int> pages_;  // KV page ids, position p lives in pages_[p / page_size]
};

// A step as built on the host before upload.
struct HostStep {
  std::vector<int> tokens, pos, token_seq, block_table, logit_rows;
  int S = 0, max_pages = 0;
};

class CudaEngineImpl : public CudaEngine {
 public:
  CudaEngineImpl(const GemmaConfig& config, const CudaOptions& options, const Weights* weights, uint64_t seed);
  ~CudaEngineImpl() override;

  const GemmaConfig& config() const override { return c_; }
  std::string name() const override { return "cuda-bf16"; }
  std::unique_ptr<Sequence> new_sequence() override { return std::make_unique<CudaSequence>(*this); }

  std::vector<float> decode(std::span<Sequence* const> seqs, std::span<const int32_t> tokens) override;
  std::vector<int32_t> decode_select(std::span<Sequence* const> seqs, std::span<const int32_t> tokens,
                                     float temperature, std::span<const float> uniforms) override;
  int32_t append_select(Sequence& seq, std::span<const int32_t> tokens, float temperature, float uniform) override;

  int kv_page_size() const override { return kv_->page_size(); }
  int kv_pages_total() const override { return kv_->num_pages(); }
  int kv_pages_free() const override { return kv_->free_pages(); }
  size_t weight_bytes() const override { return weight_bytes_; }
  size_t kv_bytes() const override { return kv_->page_elems() * kv_->num_pages() * sizeof(kv_t); }
  void synchronize() override { CUDA_CHECK(cudaStreamSynchronize(stream_)); }

  // Appends to one sequence in chunks of max_step_tokens; `on_logits(row0, rows)` is called
  // with the logits of token rows row0… of the last chunk in scratch.logits.
  template <typename OnLogits>
  void prefill(CudaSequence& seq, std::span<const int32_t> tokens, bool all_logits, OnLogits on_logits);
  void release(CudaSequence& seq) { kv_->release(seq.pages_); }

 private:
  friend class CudaSequence;
  StepInputs upload(const HostStep& step);
  void forward(const StepInputs& in);
  void attention_block(int layer, const StepInputs& in);
  void ffn_block(int layer, const StepInputs& in);
  // Final norm, tied lm_head and softcap for logit rows row0…row0+rows−1 → scratch.logits.
  void logits(const StepInputs& in, int row0, int rows);
  void select(int rows, float temperature, std::span<const float> uniforms, int32_t* out);
  HostStep decode_step(std::span<Sequence* const> seqs, std::span<const int32_t> tokens);
  void check_tokens(std::span<const int32_t> tokens) const;

  GemmaConfig c_;
  CudaOptions opt_;
  cudaStream_t stream_ = nullptr;
  DeviceAllocations mem_;
  DeviceWeights w_;
  size_t weight_bytes_ = 0;
  Scratch s_{};
  std::unique_ptr<KvCache> kv_;
  int* step_ints_ = nullptr;  // device copy of the current HostStep
  size_t step_ints_capacity_ = 0;
  float embed_scale_ = 1;
};

// ---- setup -------------------------------------------------------------------------

CudaEngineImpl::CudaEngineImpl(const GemmaConfig& config, const CudaOptions& options, const Weights* weights,
                               uint64_t seed)
    : c_(config), opt_(options) {
  std::string why;
  if (cuda_device_count(&why) <= opt_.device)
    throw EngineError("CUDA device " + std::to_string(opt_.device) + " is not available (" + why +
                      "); use the CPU engine on this machine.");
  CUDA_CHECK(cudaSetDevice(opt_.device));
  CUDA_CHECK(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking));
  w_ = weights ? upload_weights(c_, *weights, mem_) : random_weights(c_, seed, mem_, stream_);
  weight_bytes_ = mem_.bytes();
  embed_scale_ = std::sqrt(static_cast<float>(c_.hidden_size));
  if (c_.dtype == "bfloat16") embed_scale_ = bf16_to_f32(f32_to_bf16(embed_scale_));  // as the CPU reference

  const size_t T = opt_.max_step_tokens, R = opt_.max_logit_rows, H = c_.hidden_size;
  const size_t K = c_.top_k_experts, E = c_.num_experts, MF = c_.moe_intermediate_size;
  size_t max_hd = std::max(c_.head_dim, c_.global_head_dim), max_kv = std::max(c_.num_kv_heads, c_.num_global_kv_heads);
  s_.x = mem_.alloc<float>(T * H);
  s_.h = mem_.alloc<float>(T * H);
  s_.q = mem_.alloc<float>(T * c_.num_heads * max_hd);
  s_.k = mem_.alloc<float>(T * max_kv * max_hd);
  s_.v = mem_.alloc<float>(T * max_kv * max_hd);
  s_.o = mem_.alloc<float>(T * c_.num_heads * max_hd);
  s_.a = mem_.alloc<float>(T * H);
  s_.dense = mem_.alloc<float>(T * H);
  s_.moe = mem_.alloc<float>(T * H);
  s_.gate = mem_.alloc<float>(T * c_.intermediate_size);
  s_.up = mem_.alloc<float>(T * c_.intermediate_size);
  s_.act = mem_.alloc<float>(T * c_.intermediate_size);
  s_.router = mem_.alloc<float>(T * E);
  s_.topk_ids = mem_.alloc<int>(T * K);
  s_.topk_w = mem_.alloc<float>(T * K);
  s_.expert_offsets = mem_.alloc<int>(E + 1);
  s_.sorted_token = mem_.alloc<int>(T * K);
  s_.sorted_pair = mem_.alloc<int>(T * K);
  s_.expert_gu = mem_.alloc<float>(T * K * 2 * MF);
  s_.expert_act = mem_.alloc<float>(T * K * MF);
  s_.expert_out = mem_.alloc<float>(T * K * H);
  s_.final_in = mem_.alloc<float>(R * H);
  s_.logits = mem_.alloc<float>(R * c_.vocab_size);
  s_.selected = mem_.alloc<int>(R);
  s_.uniforms = mem_.alloc<float>(R);

  int pages = opt_.kv_pages;
  if (pages <= 0) {
    size_t free_bytes = 0, total_bytes = 0;
    CUDA_CHECK(cudaMemGetInfo(&free_bytes, &total_bytes));
    size_t per_page = KvCache::bytes_per_page(c_, opt_.page_size);
    size_t fit = static_cast<size_t>(free_bytes * opt_.kv_memory_fraction) / per_page;
    // No point in more than 64 sequences of the longest length (keeps tiny models small).
    size_t useful = 64 * static_cast<size_t>((c_.max_position_embeddings + opt_.page_size - 1) / opt_.page_size);
    pages = static_cast<int>(std::min({fit, useful, static_cast<size_t>(1) << 22}));
  }
  kv_ = std::make_unique<KvCache>(c_, pages, opt_.page_size);
}

CudaEngineImpl::~CudaEngineImpl() {
  kv_.reset();
  cudaFree(step_ints_);
  if (stream_) cudaStreamDestroy(stream_);
}

CudaSequence::~CudaSequence() { e_.release(*this); }

// ---- one forward step --------------------------------------------------------------

StepInputs CudaEngineImpl::upload(const HostStep& h) {
  std::vector<int> ints;
  ints.reserve(h.tokens.size() * 3 + h.block_table.size() + h.logit_rows.size());
  for (const auto* part : {&h.tokens, &h.pos, &h.token_seq, &h.block_table, &h.logit_rows})
    ints.insert(ints.end(), part->begin(), part->end());
  if (ints.size() > step_ints_capacity_) {
    cudaFree(step_ints_);
    step_ints_capacity_ = std::max(ints.size(), 2 * step_ints_capacity_);
    CUDA_CHECK(cudaMalloc(&step_ints_, step_ints_capacity_ * sizeof(int)));
  }
  CUDA_CHECK(cudaMemcpyAsync(step_ints_, ints.data(), ints.size() * sizeof(int), cudaMemcpyHostToDevice, stream_));
  StepInputs in;
  in.T = static_cast<int>(h.tokens.size());
  in.S = h.S;
  in.max_pages = h.max_pages;
  in.R = static_cast<int>(h.logit_rows.size());
  in.tokens = step_ints_;
  in.pos = in.tokens + in.T;
  in.token_seq = in.pos + in.T;
  in.block_table = in.token_seq + in.T;
  in.logit_rows = in.block_table + h.block_table.size();
  // The host vector must stay alive until the copy has read it.
  CUDA_CHECK(cudaStreamSynchronize(stream_));
  return in;
}

void CudaEngineImpl::forward(const StepInputs& in) {
  embed_tokens(s_.x, w_.embed, in.tokens, in.T, c_.hidden_size, embed_scale_, stream_);
  for (int l = 0; l < c_.num_layers; ++l) {
    attention_block(l, in);
    ffn_block(l, in);
  }
}

void CudaEngineImpl::attention_block(int l, const StepInputs& in) {
  const DeviceLayer& w = w_.layers[l];
  const int T = in.T, H = c_.hidden_size, hd = c_.layer_head_dim(l), nq = c_.num_heads, nkv = c_.layer_kv_heads(l);
  const float eps = c_.rms_norm_eps;
  const float* inv_freq = c_.is_full(l) ? w_.inv_freq_full : w_.inv_freq_sliding;

  rmsnorm(s_.h, s_.x, w.input_norm, T, H, eps, stream_);
  matmul(s_.q, s_.h, w.q_proj, T, H, nq * hd, stream_);
  matmul(s_.k, s_.h, w.k_proj, T, H, nkv * hd, stream_);
  if (w.v_proj) matmul(s_.v, s_.h, w.v_proj, T, H, nkv * hd, stream_);
  else  // k_eq_v: V is the raw K projection, taken before k_norm
    CUDA_CHECK(cudaMemcpyAsync(s_.v, s_.k, sizeof(float) * T * nkv * hd, cudaMemcpyDeviceToDevice, stream_));
  head_norm_rope(s_.q, T, nq, hd, w.q_norm, inv_freq, in.pos, eps, stream_);
  head_norm_rope(s_.k, T, nkv, hd, w.k_norm, inv_freq, in.pos, eps, stream_);
  head_norm_rope(s_.v, T, nkv, hd, nullptr, nullptr, in.pos, eps, stream_);
  kv_store(kv_->layer_base(l), kv_->page_elems(), kv_->page_size(), s_.k, s_.v, in.pos, in.token_seq,
           in.block_table, in.max_pages, T, nkv * hd, stream_);
  int window = c_.is_full(l) ? 0 : c_.sliding_window;
  attention(s_.o, s_.q, kv_->layer_base(l), kv_->page_elems(), kv_->page_size(), in.block_table, in.max_pages,
            in.token_seq, in.pos, T, nq, nkv, hd, window, stream_);
  matmul(s_.a, s_.o, w.o_proj, T, nq * hd, H, stream_);
  rmsnorm_residual(s_.x, s_.a, w.post_attn_norm, T, H, eps, stream_);
}

void CudaEngineImpl::ffn_block(int l, const StepInputs& in) {
  const DeviceLayer& w = w_.layers[l];
  const int T = in.T, H = c_.hidden_size, F = c_.intermediate_size, E = c_.num_experts, K = c_.top_k_experts;
  const int MF = c_.moe_intermediate_size;
  const float eps = c_.rms_norm_eps;

  // Dense MLP on RMS(r; pre_ff_norm), then its own post-norm.
  rmsnorm(s_.h, s_.x, w.pre_ff_norm, T, H, eps, stream_);
  matmul(s_.gate, s_.h, w.mlp_gate, T, H, F, stream_);
  matmul(s_.up, s_.h, w.mlp_up, T, H, F, stream_);
  gelu_mul(s_.act, s_.gate, s_.up, T, F, F, stream_);
  matmul(s_.dense, s_.act, w.mlp_down, T, F, H, stream_);
  rmsnorm(s_.dense, s_.dense, w.post_ff_norm_1, T, H, eps, stream_);

  // Router on the un-normed residual, then the experts over the tokens routed to each.
  router_input(s_.h, s_.x, w.router_scale, T, H, eps, stream_);
  matmul(s_.router, s_.h, w.router_proj, T, H, E, stream_);
  router_topk(s_.topk_ids, s_.topk_w, s_.router, w.per_expert_scale, T, E, K, stream_);
  group_by_expert(s_.expert_offsets, s_.sorted_token, s_.sorted_pair, s_.topk_ids, T, K, E, stream_);
  rmsnorm(s_.h, s_.x, w.pre_ff_norm_2, T, H, eps, stream_);
  // An expert gets each token at most once, so no group has more than T rows.
  grouped_matmul(s_.expert_gu, s_.h, w.experts_gate_up, static_cast<size_t>(2) * MF * H, E, s_.expert_offsets,
                 s_.sorted_token, nullptr, T, H, 2 * MF, stream_);
  gelu_mul(s_.expert_act, s_.expert_gu, s_.expert_gu + MF, T * K, MF, 2 * MF, stream_);
  grouped_matmul(s_.expert_out, s_.expert_act, w.experts_down, static_cast<size_t>(H) * MF, E, s_.expert_offsets,
                 nullptr, s_.sorted_pair, T, MF, H, stream_);
  moe_combine(s_.moe, s_.expert_out, s_.topk_w, T, K, H, stream_);

  ffn_combine(s_.x, s_.dense, s_.moe, w.post_ff_norm_2, w.post_ff_norm, w.layer_scalar, T, H, eps, stream_);
}

void CudaEngineImpl::logits(const StepInputs& in, int row0, int rows) {
  const int H = c_.hidden_size;
  gather_rows(s_.final_in, s_.x, in.logit_rows + row0, rows, H, stream_);
  rmsnorm(s_.final_in, s_.final_in, w_.final_norm, rows, H, c_.rms_norm_eps, stream_);
  matmul(s_.logits, s_.final_in, w_.embed, rows, H, c_.vocab_size, stream_);  // tied lm_head
  softcap(s_.logits, static_cast<size_t>(rows) * c_.vocab_size, c_.final_logit_softcapping, stream_);
}

void CudaEngineImpl::select(int rows, float temperature, std::span<const float> uniforms, int32_t* out) {
  if (temperature <= 0) {
    argmax_rows(s_.selected, s_.logits, rows, c_.vocab_size, stream_);
  } else {
    CUDA_CHECK(cudaMemcpyAsync(s_.uniforms, uniforms.data(), rows * sizeof(float), cudaMemcpyHostToDevice, stream_));
    sample_rows(s_.selected, s_.logits, s_.uniforms, rows, c_.vocab_size, temperature, stream_);
  }
  CUDA_CHECK(cudaMemcpyAsync(out, s_.selected, rows * sizeof(int32_t), cudaMemcpyDeviceToHost, stream_));
  CUDA_CHECK(cudaStreamSynchronize(stream_));
}

// ---- sequences ---------------------------------------------------------------------

void CudaEngineImpl::check_tokens(std::span<const int32_t> tokens) const {
  for (int32_t id : tokens)
    if (id < 0 || id >= c_.vocab_size) throw EngineError("token id " + std::to_string(id) + " is outside the vocabulary.");
}

template <typename OnLogits>
void CudaEngineImpl::prefill(CudaSequence& seq, std::span<const int32_t> tokens, bool all_logits, OnLogits on_logits) {
  const int n = static_cast<int>(tokens.size());
  if (seq.length_ + n > c_.max_position_embeddings)
    throw EngineError("sequence of " + std::to_string(seq.length_ + n) + " tokens exceeds max_position_embeddings (" +
                      std::to_string(c_.max_position_embeddings) + "); shorten the prompt or max tokens.");
  check_tokens(tokens);
  kv_->reserve(seq.pages_, seq.length_ + n);
  for (int begin = 0; begin < n; begin += opt_.max_step_tokens) {
    int count = std::min(opt_.max_step_tokens, n - begin);
    bool last = begin + count == n;
    HostStep h;
    h.S = 1;
    h.max_pages = static_cast<int>(seq.pages_.size());
    h.block_table = seq.pages_;
    for (int i = 0; i < count; ++i) {
      h.tokens.push_back(tokens[begin + i]);
      h.pos.push_back(seq.length_ + begin + i);
      h.token_seq.push_back(0);
      if (all_logits || (last && i == count - 1)) h.logit_rows.push_back(i);
    }
    StepInputs in = upload(h);
    forward(in);
    for (int r = 0; r < in.R; r += opt_.max_logit_rows) {
      int rows = std::min(opt_.max_logit_rows, in.R - r);
      logits(in, r, rows);
      on_logits(begin + h.logit_rows[r], rows);
    }
  }
  seq.length_ += n;
}

std::vector<float> CudaSequence::append(std::span<const int32_t> tokens, bool all_logits) {
  const size_t V = e_.c_.vocab_size;
  size_t n = tokens.size();
  if (n == 0) return {};
  std::vector<float> out((all_logits ? n : 1) * V);
  size_t first = all_logits ? 0 : n - 1;
  e_.prefill(*this, tokens, all_logits, [&](int token_row, int rows) {
    CUDA_CHECK(cudaMemcpyAsync(&out[(token_row - first) * V], e_.s_.logits, rows * V * sizeof(float),
                               cudaMemcpyDeviceToHost, e_.stream_));
    CUDA_CHECK(cudaStreamSynchronize(e_.stream_));
  });
  return out;
}

int32_t CudaEngineImpl::append_select(Sequence& seq, std::span<const int32_t> tokens, float temperature,
                                      float uniform) {
  auto* s = dynamic_cast<CudaSequence*>(&seq);
  if (!s || &s->e_ != this) throw EngineError("append_select was given a sequence of another engine.");
  if (tokens.empty()) throw EngineError("append_select needs at least one token.");
  int32_t chosen = -1;
  prefill(*s, tokens, false, [&](int, int rows) { select(rows, temperature, std::span<const float>(&uniform, 1), &chosen); });
  return chosen;
}

HostStep CudaEngineImpl::decode_step(std::span<Sequence* const> seqs, std::span<const int32_t> tokens) {
  if (seqs.size() != tokens.size()) throw EngineError("decode needs one token per sequence.");
  if (static_cast<int>(seqs.size()) > opt_.max_step_tokens)
    throw EngineError("decode batch of " + std::to_string(seqs.size()) + " exceeds max_step_tokens (" +
                      std::to_string(opt_.max_step_tokens) + ").");
  check_tokens(tokens);
  std::unordered_set<const Sequence*> seen;
  HostStep h;
  h.S = static_cast<int>(seqs.size());
  for (size_t i = 0; i < seqs.size(); ++i) {
    auto* s = dynamic_cast<CudaSequence*>(seqs[i]);
    if (!s || &s->e_ != this) throw EngineError("decode was given a sequence of another engine.");
    if (!seen.insert(s).second) throw EngineError("decode was given the same sequence twice in one step.");
    if (s->length_ + 1 > c_.max_position_embeddings)
      throw EngineError("a sequence reached max_position_embeddings (" + std::to_string(c_.max_position_embeddings) + ").");
    kv_->reserve(s->pages_, s->length_ + 1);
    h.max_pages = std::max(h.max_pages, static_cast<int>(s->pages_.size()));
  }
  h.block_table.assign(static_cast<size_t>(h.S) * h.max_pages, 0);
  for (int i = 0; i < h.S; ++i) {
    auto* s = static_cast<CudaSequence*>(seqs[i]);
    std::copy(s->pages_.begin(), s->pages_.end(), h.block_table.begin() + static_cast<size_t>(i) * h.max_pages);
    h.tokens.push_back(tokens[i]);
    h.pos.push_back(s->length_);
    h.token_seq.push_back(i);
    h.logit_rows.push_back(i);
  }
  return h;
}

std::vector<float> CudaEngineImpl::decode(std::span<Sequence* const> seqs, std::span<const int32_t> tokens) {
  HostStep h = decode_step(seqs, tokens);
  StepInputs in = upload(h);
  forward(in);
  const size_t V = c_.vocab_size;
  std::vector<float> out(in.R * V);
  for (int r = 0; r < in.R; r += opt_.max_logit_rows) {
    int rows = std::min(opt_.max_logit_rows, in.R - r);
    logits(in, r, rows);
    CUDA_CHECK(cudaMemcpyAsync(&out[r * V], s_.logits, rows * V * sizeof(float), cudaMemcpyDeviceToHost, stream_));
    CUDA_CHECK(cudaStreamSynchronize(stream_));
  }
  for (Sequence* s : seqs) static_cast<CudaSequence*>(s)->length_ += 1;
  return out;
}

std::vector<int32_t> CudaEngineImpl::decode_select(std::span<Sequence* const> seqs, std::span<const int32_t> tokens,
                                                   float temperature, std::span<const float> uniforms) {
  if (temperature > 0 && uniforms.size() != seqs.size())
    throw EngineError("decode_select needs one uniform draw per sequence when sampling.");
  HostStep h = decode_step(seqs, tokens);
  StepInputs in = upload(h);
  forward(in);
  std::vector<int32_t> out(in.R);
  for (int r = 0; r < in.R; r += opt_.max_logit_rows) {
    int rows = std::min(opt_.max_logit_rows, in.R - r);
    logits(in, r, rows);
    select(rows, temperature, temperature > 0 ? uniforms.subspan(r, rows) : std::span<const float>(), &out[r]);
  }
  for (Sequence* s : seqs) static_cast<CudaSequence*>(s)->length_ += 1;
  return out;
}

}  // namespace

std::unique_ptr<CudaEngine> make_cuda_engine(const GemmaConfig& config, const Weights& weights,
                                             const CudaOptions& options) {
  return std::make_unique<CudaEngineImpl>(config, options, &weights, 0);
}

std::unique_ptr<CudaEngine> load_cuda_engine(const std::string& model_dir, const CudaOptions& options) {
  GemmaConfig config = load_config(model_dir);
  TensorStore store(model_dir);
  Weights weights = load_weights(config, store);
  return make_cuda_engine(config, weights, options);
}

std::unique_ptr<CudaEngine> make_random_cuda_engine(const GemmaConfig& config, uint64_t seed,
                                                    const CudaOptions& options) {
  return std::make_unique<CudaEngineImpl>(config, options, nullptr, seed);
}

}  // namespace engine
