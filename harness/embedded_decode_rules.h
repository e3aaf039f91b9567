// The per-token rules of engine::generate (thinking-budget forcing, stop tokens, stop
// strings, the token limit) as a state machine fed one chosen token at a time, so that a
// loop that engine::generate does not drive — BatchScheduler's on_token hook on the CUDA
// path — ends and cuts a request exactly as the CPU loop does. It mirrors generate.cpp
// step for step; embedded_decode_rules_test checks the two agree on the CPU engine.
// (Moving it into engine/generate.cpp, with generate() built on it, would leave one copy.)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/generate.h"

namespace harness {

class DecodeRules {
 public:
  DecodeRules(const engine::Tokenizer& tokenizer, const engine::GemmaConfig& config,
              const std::vector<int32_t>& prompt, const engine::GenerateOptions& options);

  // Tokens the request may generate (max_tokens clipped to the context); 0: none.
  int max_tokens() const { return max_tokens_; }
  // `token` is the sampled one; it is replaced by <channel|> when the thinking budget is
  // spent. Returns false when generation ends with this token.
  bool accept(int32_t& token);
  // The result once accept() returned false (or the caller stopped at max_tokens()).
  engine::GenerateOutput finish();

 private:
  const engine::Tokenizer& tokenizer_;
  engine::GenerateOptions options_;
  std::vector<int32_t> stops_;
  int max_tokens_ = 0;
  bool thinking_ = false;
  int think_count_ = 0;
  size_t stop_window_ = 0;
  std::vector<int32_t> text_tokens_;
  bool text_final_ = false;  // out_.text already cut at a stop string
  engine::GenerateOutput out_;
};

}  // namespace harness
