// The benches of this folder set are reachable by the names `harness score` uses, with the
// headline metrics of benches.md §0.7.
#include <gtest/gtest.h>

#include "benches/registry.h"

namespace hb = harness::benches;

TEST(BenchRegistry, TextBenchesRegisteredWithHeadlines) {
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"gsm8k", "exact_match,flexible-extract"},
      {"arc_challenge", "exact_match,none"},
      {"aime2024", "exact_match,none"},
      {"gpqa_diamond", "exact_match,flexible-extract"},
      {"math500", "math_verify,none"},
  };
  for (const auto& [name, headline] : expected) {
    auto bench = hb::make_bench(name);
    ASSERT_TRUE(bench) << name;
    EXPECT_EQ(bench->name(), name);
    EXPECT_EQ(bench->headline_metric(), headline) << name;
    EXPECT_EQ(bench->scorer_version().rfind(name + "/", 0), 0u) << name;
  }
}
