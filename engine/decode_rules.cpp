#include "engine/decode_rules.h"

#include <algorithm>

namespace engine {

DecodeRules::DecodeRules(const Tokenizer& tokenizer, const GemmaConfig& config,
                         const std::vector<int32_t>& prompt, const GenerateOptions& options)
    : tokenizer_(tokenizer), options_(options) {
  stops_ = options.stop_token_ids.empty() ? default_stop_tokens(config) : options.stop_token_ids;
  max_tokens_ = static_cast<int>(std::max<int64_t>(
      0, std::min<int64_t>(options.max_tokens, config.max_position_embeddings - static_cast<int64_t>(prompt.size()))));
  // As in generate(): a prompt that ends inside an open thought block has spent budget already.
  for (int32_t id : prompt) {
    if (id == options.think_start_id) { thinking_ = true; think_count_ = 0; }
    else if (id == options.think_end_id) thinking_ = false;
    else if (thinking_) ++think_count_;
  }
  for (const auto& s : options.stop_strings) stop_window_ = std::max(stop_window_, 4 * s.size() + 4);
  out_.prompt_tokens = static_cast<int>(prompt.size());
  out_.finish_reason = "length";
}

bool DecodeRules::accept(int32_t& token) {
  if (think_end_forced()) {
    token = options_.think_end_id;
    ++out_.forced_tokens;
  }
  out_.tokens.push_back(token);
  if (token == options_.think_start_id) { thinking_ = true; think_count_ = 0; }
  else if (token == options_.think_end_id) thinking_ = false;
  else if (thinking_) ++think_count_;

  if (std::find(stops_.begin(), stops_.end(), token) != stops_.end()) {
    out_.finish_reason = "stop";
    return false;
  }
  text_tokens_.push_back(token);
  if (stop_window_ > 0) {
    size_t from = text_tokens_.size() > stop_window_ ? text_tokens_.size() - stop_window_ : 0;
    std::string tail = tokenizer_.decode(std::vector<int32_t>(text_tokens_.begin() + from, text_tokens_.end()));
    bool hit = false;
    for (const auto& s : options_.stop_strings) hit = hit || (!s.empty() && tail.find(s) != std::string::npos);
    if (hit) {
      std::string text = tokenizer_.decode(text_tokens_);
      size_t cut = std::string::npos;
      for (const auto& s : options_.stop_strings)
        if (!s.empty()) cut = std::min(cut, text.find(s));
      out_.text = text.substr(0, cut);
      text_final_ = true;
      out_.finish_reason = "stop";
      return false;
    }
  }
  if (options_.on_token && !options_.on_token(token)) {
    out_.finish_reason = "stop";
    return false;
  }
  return static_cast<int>(out_.tokens.size()) < max_tokens_;
}

GenerateOutput DecodeRules::finish() {
  if (!text_final_) out_.text = tokenizer_.decode(text_tokens_);
  return out_;
}

}  // namespace engine
