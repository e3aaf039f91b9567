// The per-token rules of generation (thinking-budget forcing, stop tokens, stop strings,
// the caller's on_token, the token limit) as a state machine fed one chosen token at a
// time. generate() is built on it, and so is the CUDA path's BatchScheduler hook, so a
// request ends and is cut the same way whichever loop drives it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/config.h"
#include "engine/generate.h"
#include "engine/tokenizer.h"

namespace engine {

class DecodeRules {
 public:
  DecodeRules(const Tokenizer& tokenizer, const GemmaConfig& config,
              const std::vector<int32_t>& prompt, const GenerateOptions& options);

  // Tokens the request may generate (max_tokens clipped to the context); 0: none.
  int max_tokens() const { return max_tokens_; }
  // The thinking budget is spent: the next token is <channel|> whatever is sampled (a
  // loop that samples on the host can skip sampling, which keeps its RNG stream as is).
  bool think_end_forced() const {
    return options_.thinking_budget && thinking_ && think_count_ >= *options_.thinking_budget;
  }
  // `token` is the sampled one; it is replaced by <channel|> when the thinking budget is
  // spent. Returns false when generation ends with this token: a stop token, a stop
  // string, the options' on_token saying stop, or max_tokens() reached.
  bool accept(int32_t& token);
  // The result once accept() returned false (or the caller stopped at max_tokens()).
  GenerateOutput finish();

 private:
  const Tokenizer& tokenizer_;
  GenerateOptions options_;
  std::vector<int32_t> stops_;
  int max_tokens_ = 0;
  bool thinking_ = false;
  int think_count_ = 0;
  size_t stop_window_ = 0;
  std::vector<int32_t> text_tokens_;
  bool text_final_ = false;  // out_.text already cut at a stop string
  GenerateOutput out_;
};

}  // namespace engine
