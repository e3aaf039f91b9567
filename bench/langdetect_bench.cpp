// Figures for IFEval's language identification (the langdetect port): the time to load
// langdetect's 55 profiles from the Debian package, and texts per second for one seed and
// for detect_language (the plurality over kLanguageSeeds seeds) over the hand-written
// texts of tests/fixtures/ifeval/langdetect_corpus.jsonl. Prints; asserts nothing.
#include <chrono>
#include <ctime>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "benches/bench.h"
#include "benches/ifeval/langdetect.h"
#include "benches/ifeval/language.h"

namespace ifeval = harness::benches::ifeval;

namespace {

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

double cpu_ms_since(std::clock_t c0) {
  return 1000.0 * static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
}

}  // namespace

int main() {
  // Wall and CPU time: on a shared machine the wall clock mostly measures the queue.
  auto t0 = std::chrono::steady_clock::now();
  std::clock_t c0 = std::clock();
  ifeval::LangdetectModel model;
  try {
    model = ifeval::load_langdetect_model(ifeval::kDebianLangdetectDir);
  } catch (const harness::benches::DataError& e) {
    std::printf("skipped: %s\n", e.what());
    return 0;
  }
  std::printf("profile load: %.1f ms wall, %.1f ms CPU (%zu languages, %zu n-grams, %zu entries)\n",
              ms_since(t0), cpu_ms_since(c0), model.langs.size(), model.rows.size(),
              model.entry_prob.size());

  std::vector<std::string> texts;
  size_t bytes = 0;
  std::ifstream in(std::string(HARNESS_SOURCE_DIR) + "/tests/fixtures/ifeval/langdetect_corpus.jsonl");
  for (std::string line; std::getline(in, line);) {
    auto j = nlohmann::json::parse(line);
    if (!j.contains("text")) continue;
    texts.push_back(j["text"].get<std::string>());
    bytes += texts.back().size();
  }
  if (texts.empty()) {
    std::printf("skipped: no corpus texts\n");
    return 0;
  }
  std::printf("corpus: %zu hand-written texts, %.0f bytes on average\n", texts.size(),
              static_cast<double>(bytes) / static_cast<double>(texts.size()));

  for (int round = 0; round < 2; ++round) {  // the first round also fills lazy caches
    c0 = std::clock();
    size_t detected = 0;
    for (const auto& t : texts) {
      auto f = ifeval::langdetect_features(model, t);
      if (!f.empty()) detected += !ifeval::langdetect_detect(model, f, 0).empty();
    }
    double one = cpu_ms_since(c0);
    c0 = std::clock();
    for (const auto& t : texts) detected += ifeval::detect_language(t).has_value();
    double pooled = cpu_ms_since(c0);
    std::printf("round %d (CPU time): one seed %.0f texts/s; detect_language (%d seeds) %.0f texts/s (%zu)\n",
                round + 1, texts.size() / one * 1000.0, ifeval::kLanguageSeeds,
                texts.size() / pooled * 1000.0, detected);
  }
  return 0;
}
