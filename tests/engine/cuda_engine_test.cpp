// The CUDA engine against the fp32 CPU reference on tiny random checkpoints. Every test
// skips with a message where no CUDA device is present (CI), so they only compile there.
#include "cuda_test_support.h"

namespace {

using cuda_test::load_pair;
using cuda_test::prompt;
using cuda_test::rel_error;

TEST(CudaEngine, PrefillLogitsMatchCpuOnEveryRow) {
  SKIP_WITHOUT_CUDA_DEVICE();
  for (const char* shape : {"tiny", "tiny-128e", "tiny-98e"}) {
    auto p = load_pair(shape);
    auto tokens = prompt(40, p.config.vocab_size, 1);  // crosses the window (8) and pages (16)
    auto ref = p.cpu->new_sequence()->append(tokens, true);
    auto got = p.gpu->new_sequence()->append(tokens, true);
    ASSERT_EQ(got.size(), ref.size()) << shape;
    EXPECT_LT(rel_error(got, ref), 8e-3) << shape;
  }
}

TEST(CudaEngine, GreedyDecodeFollowsCpuFor64Steps) {
  SKIP_WITHOUT_CUDA_DEVICE();
  auto p = load_pair("tiny-98e");
  auto cpu = p.cpu->new_sequence();
  auto gpu = p.gpu->new_sequence();
  auto tokens = prompt(5, p.config.vocab_size, 2);
  auto ref = cpu->append(tokens);
  int32_t chosen = p.gpu->append_select(*gpu, tokens, 0.0f, 0.0f);
  for (int step = 0; step < 64; ++step) {
    int32_t expected = engine::argmax(ref);
    ASSERT_EQ(chosen, expected) << "step " << step;
    ref = cpu->append(std::span<const int32_t>(&expected, 1));
    engine::Sequence* one[] = {gpu.get()};
    chosen = p.gpu->decode_select(one, std::span<const int32_t>(&expected, 1), 0.0f, {})[0];
  }
}

TEST(CudaEngine, BatchedDecodeEqualsUnbatched) {
  SKIP_WITHOUT_CUDA_DEVICE();
  auto p = load_pair("tiny");
  const int V = p.config.vocab_size;
  std::vector<std::vector<int32_t>> prompts = {prompt(1, V, 3), prompt(19, V, 4), prompt(7, V, 5)};
  std::vector<std::vector<float>> solo;
  for (const auto& pr : prompts) {
    auto seq = p.gpu->new_sequence();
    seq->append(pr);
    int32_t t = 10;
    engine::Sequence* one[] = {seq.get()};
    solo.push_back(p.gpu->decode(one, std::span<const int32_t>(&t, 1)));
  }
  std::vector<std::unique_ptr<engine::Sequence>> seqs;
  std::vector<engine::Sequence*> batch;
  for (const auto& pr : prompts) {
    seqs.push_back(p.gpu->new_sequence());
    seqs.back()->append(pr);
    batch.push_back(seqs.back().get());
  }
  std::vector<int32_t> next = {10, 10, 10};
  auto logits = p.gpu->decode(batch, next);
  for (size_t i = 0; i < prompts.size(); ++i) {
    std::vector<float> rowi(logits.begin() + i * V, logits.begin() + (i + 1) * V);
    EXPECT_LT(rel_error(rowi, solo[i]), 1e-5) << "sequence " << i;
    EXPECT_EQ(seqs[i]->length(), static_cast<int>(prompts[i].size()) + 1);
  }
}

TEST(CudaEngine, KvPagesAreFreedWhenSequencesEnd) {
  SKIP_WITHOUT_CUDA_DEVICE();
  engine::CudaOptions options;
  options.kv_pages = 8;
  options.page_size = 16;
  auto p = load_pair("tiny", options);
  {
    auto a = p.gpu->new_sequence();
    a->append(prompt(33, p.config.vocab_size, 6));  // 3 pages
    EXPECT_EQ(p.gpu->kv_pages_free(), 5);
    auto b = p.gpu->new_sequence();
    EXPECT_THROW(b->append(prompt(100, p.config.vocab_size, 7)), engine::EngineError);  // needs 7
    EXPECT_EQ(p.gpu->kv_pages_free(), 5);
  }
  EXPECT_EQ(p.gpu->kv_pages_free(), 8);
}

TEST(CudaEngine, RejectsTokensOutsideTheVocabulary) {
  SKIP_WITHOUT_CUDA_DEVICE();
  auto p = load_pair("tiny");
  auto seq = p.gpu->new_sequence();
  std::vector<int32_t> bad = {p.config.vocab_size};
  EXPECT_THROW(seq->append(bad), engine::EngineError);
  EXPECT_EQ(seq->length(), 0);
}

}  // namespace
