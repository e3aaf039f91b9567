// MATH-500 answer checks per second on one core, over tests/fixtures/math500/pairs.jsonl.
// A check is what scoring one response costs: verify(parse(gold), parse(pred)), both
// parsed fresh (the oracle's timing.txt measures the same). Also: verify alone on values
// parsed once, and the slowest single check. Goal: ≥ 1,000 checks/s.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <time.h>

#include <nlohmann/json.hpp>

#include "benches/math500/math500.h"

namespace m5 = harness::benches::math500;
using Clock = std::chrono::steady_clock;

// This thread's CPU seconds: the machine is shared, so wall time says little.
double cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

int main(int argc, char** argv) {
  std::string path = argc > 1 ? argv[1] : std::string(HARNESS_SOURCE_DIR) + "/tests/fixtures/math500/pairs.jsonl";
  std::ifstream in(path);
  std::vector<std::pair<std::string, std::string>> pairs;
  std::vector<bool> expected;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto row = nlohmann::json::parse(line);
    pairs.emplace_back(row["gold"], row["pred"]);
    expected.push_back(row["equal"]);
  }
  if (pairs.empty()) {
    std::fprintf(stderr, "no pairs read from %s; pass the pairs.jsonl path\n", path.c_str());
    return 1;
  }
  const int passes = 5;
  double best_full = 1e9, best_full_cpu = 1e9, worst_check = 0;
  int agree = 0;
  for (int pass = 0; pass < passes; ++pass) {
    auto t0 = Clock::now();
    double c0_all = cpu_seconds();
    int a = 0;
    for (size_t i = 0; i < pairs.size(); ++i) {
      auto c0 = Clock::now();
      m5::ParsedAnswer g = m5::parse_answer(pairs[i].first);
      m5::ParsedAnswer p = m5::parse_answer(pairs[i].second);
      bool eq = m5::verify_answers(g, p) == m5::VerifyOutcome::Equal;
      worst_check = std::max(worst_check, std::chrono::duration<double>(Clock::now() - c0).count());
      a += eq == expected[i];
    }
    best_full = std::min(best_full, std::chrono::duration<double>(Clock::now() - t0).count());
    best_full_cpu = std::min(best_full_cpu, cpu_seconds() - c0_all);
    agree = a;
  }
  std::vector<std::pair<m5::ParsedAnswer, m5::ParsedAnswer>> parsed;
  for (const auto& [g, p] : pairs) parsed.emplace_back(m5::parse_answer(g), m5::parse_answer(p));
  double best_verify = 1e9;
  for (int pass = 0; pass < passes; ++pass) {
    auto t0 = Clock::now();
    for (const auto& [g, p] : parsed) m5::verify_answers(g, p);
    best_verify = std::min(best_verify, std::chrono::duration<double>(Clock::now() - t0).count());
  }
  double n = static_cast<double>(pairs.size());
  std::printf("math500_bench: %zu pairs from %s, best of %d passes, one thread\n", pairs.size(),
              path.c_str(), passes);
  std::printf("  parse(gold) + parse(pred) + verify: %.0f checks/s CPU time (%.3f ms/check), %.0f/s wall\n",
              n / best_full_cpu, 1e3 * best_full_cpu / n, n / best_full);
  std::printf("  verify only (values parsed once):   %.0f checks/s (%.3f ms/check)\n",
              n / best_verify, 1e3 * best_verify / n);
  std::printf("  slowest single check: %.2f ms wall\n", 1e3 * worst_check);
  std::printf("  agreement with math-verify: %d/%zu\n", agree, pairs.size());
  std::printf("  goal: >= 1000 checks/s (math-verify on this corpus: see tests/fixtures/math500/timing.txt)\n");
  return 0;
}
