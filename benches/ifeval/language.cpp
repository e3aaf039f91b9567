#include "benches/ifeval/language.h"

#include <map>
#include <vector>

#include "benches/ifeval/langdetect.h"

namespace harness::benches::ifeval {

std::optional<std::string> detect_language(std::string_view text) {
  const LangdetectModel& model = default_langdetect_model();
  const std::vector<uint32_t> features = langdetect_features(model, text);
  if (features.empty()) return std::nullopt;
  // The plurality over the seeds; a tie goes to the verdict the lowest seed gave first.
  std::vector<std::string> order;
  std::map<std::string, int> votes;
  for (int seed = 0; seed < kLanguageSeeds; ++seed) {
    std::string lang = langdetect_detect(model, features, static_cast<uint64_t>(seed));
    if (votes[lang]++ == 0) order.push_back(lang);
  }
  std::string best = order.front();
  for (const std::string& lang : order)
    if (votes[lang] > votes[best]) best = lang;
  return best;
}

}  // namespace harness::benches::ifeval
