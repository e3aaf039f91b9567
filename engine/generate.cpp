#include "engine/generate.h"

#include <algorithm>

#include "engine/decode_rules.h"
#include "engine/error.h"

namespace engine {

std::vector<int32_t> default_stop_tokens(const GemmaConfig& config) {
  std::vector<int32_t> ids = {1, 106, 50};
  for (int id : config.eos_token_ids)
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  return ids;
}

GenerateOutput generate(Engine& engine, const Tokenizer& tokenizer, const std::vector<int32_t>& prompt,
                        const GenerateOptions& opt) {
  if (prompt.empty()) throw EngineError("the prompt is empty; it must at least hold <bos>.");
  DecodeRules rules(tokenizer, engine.config(), prompt, opt);
  auto seq = engine.new_sequence();
  std::vector<float> logits = seq->append(prompt);
  Sampler sampler(opt.sampling);
  for (int step = 0; step < rules.max_tokens(); ++step) {
    // A forced <channel|> has all other logits at −inf: nothing is sampled.
    int32_t next = rules.think_end_forced() ? opt.think_end_id : sampler.sample(logits);
    if (!rules.accept(next)) break;
    logits = seq->append(std::span<const int32_t>(&next, 1));
  }
  return rules.finish();
}

}  // namespace engine
