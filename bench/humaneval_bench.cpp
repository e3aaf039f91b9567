// humaneval_bench: scores the HumanEval(+) canonical solutions through the sandbox pool and
// prints the verdicts' figures: passes, and the problems closest to their time limit
// (reference seconds used / limit, see the policy in benches/humaneval/humaneval.h). One
// process is one independent run (nothing cached from an earlier run); `busy` keeps every
// core spinning while scoring, to show that load does not change verdicts.
//
//   humaneval_bench [data_dir] [plus|base] [idle|busy|both] [task ids, comma-separated]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include "benches/humaneval/humaneval.h"
#include "sandbox/sandbox.h"

namespace hv = harness::benches::humaneval;
using harness::benches::Bench;
using harness::benches::BenchContext;
using harness::benches::Dataset;
using harness::benches::Verdict;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

struct Pass {
  std::vector<Verdict> verdicts;
  double wall_s = 0;
};

Pass score_canonical(const Bench& bench, const Dataset& ds, const BenchContext& ctx,
                     const std::vector<size_t>& chosen) {
  Pass pass;
  pass.verdicts.resize(ds.problems.size());
  std::atomic<size_t> next{0};
  auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      for (size_t k; (k = next++) < chosen.size();) {
        size_t i = chosen[k];
        const auto& doc = ds.problems[i].doc;
        std::string response = "```python\n" + doc["prompt"].get<std::string>() +
                               doc["canonical_solution"].get<std::string>() + "\n```";
        pass.verdicts[i] = bench.score(ds.problems[i], response, ctx);
      }
    });
  for (auto& t : threads) t.join();
  pass.wall_s = seconds_since(t0);
  return pass;
}

double ratio(const Verdict& v) {
  double limit = v.details.value("limit_s", 0.0);
  return limit > 0 ? v.details.value("used_s", 0.0) / limit : 0.0;
}

void report(const char* label, const Dataset& ds, const Pass& p, const std::vector<size_t>& chosen) {
  int passed = 0;
  double cpu = 0;
  std::vector<size_t> order = chosen;
  for (size_t i : chosen) {
    passed += p.verdicts[i].score == 1.0;
    cpu += p.verdicts[i].details.value("cpu_s", 0.0);
  }
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return ratio(p.verdicts[a]) > ratio(p.verdicts[b]); });
  std::printf("%s: %d/%zu passed, wall %.1f s, program+tests CPU %.1f s in total\n", label,
              passed, chosen.size(), p.wall_s, cpu);
  std::printf("  closest to the limit (used / limit reference s, canonical need):");
  for (size_t k = 0; k < 4 && k < order.size(); ++k) {
    const auto& d = p.verdicts[order[k]].details;
    std::printf(" %s %.2f/%.2f (%.2f)", ds.problems[order[k]].doc_id.c_str(), d.value("used_s", 0.0),
                d.value("limit_s", 0.0), d.value("canonical_need_s", 0.0));
  }
  std::printf("\n");
  for (size_t i : chosen)
    if (p.verdicts[i].score != 1.0)
      std::printf("  FAILED %s: %s\n", ds.problems[i].doc_id.c_str(),
                  p.verdicts[i].details.dump().c_str());
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  BenchContext ctx;
  ctx.data_dir = argc > 1 ? argv[1] : HARNESS_SHARED_DATASETS;
  bool plus = !(argc > 2 && std::string(argv[2]) == "base");
  auto bench = plus ? hv::make_humanevalplus_bench() : hv::make_humaneval_bench();
  Dataset ds;
  try {
    ds = bench->load(ctx);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "humaneval_bench: %s\n", e.what());
    return 1;
  }
  unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  auto t0 = std::chrono::steady_clock::now();
  const hv::MachineSpeed& speed = hv::machine_speed();
  std::printf("%s, %zu problems, %u cores, sandbox pool %u\n", bench->name().c_str(),
              ds.problems.size(), cores, harness::sandbox::default_pool().max_parallel());
  std::printf("speed calibration: %.3f s CPU (reference %.3f s) -> factor %.2f, "
              "plain CPU budget %.2f s per problem (took %.1f s)%s%s\n",
              speed.measured_cpu_s, hv::kReferenceCalibrationCpuSeconds, speed.factor,
              3.0 * speed.factor, seconds_since(t0), speed.error.empty() ? "" : "; ERROR: ",
              speed.error.c_str());

  std::string mode = argc > 3 ? argv[3] : "both";
  std::vector<size_t> chosen;
  std::set<std::string> wanted;
  if (argc > 4) {
    std::stringstream ids(argv[4]);
    for (std::string id; std::getline(ids, id, ',');) wanted.insert(id);
  }
  for (size_t i = 0; i < ds.problems.size(); ++i)
    if (wanted.empty() || wanted.count(ds.problems[i].doc_id)) chosen.push_back(i);

  Pass idle, busy;
  if (mode != "busy") {
    idle = score_canonical(*bench, ds, ctx, chosen);
    report("idle", ds, idle, chosen);
  }
  if (mode == "idle") return 0;
  std::atomic<bool> stop{false};
  std::vector<std::thread> spinners;
  for (unsigned c = 0; c < cores; ++c)
    spinners.emplace_back([&] {
      volatile unsigned long x = 0;
      while (!stop.load(std::memory_order_relaxed)) x = x + 1;
    });
  busy = score_canonical(*bench, ds, ctx, chosen);
  stop = true;
  for (auto& t : spinners) t.join();
  report("all cores busy", ds, busy, chosen);
  if (mode == "busy") return 0;

  int differ = 0;
  for (size_t i : chosen)
    if (idle.verdicts[i].score != busy.verdicts[i].score) {
      ++differ;
      std::printf("  verdict differs: %s\n", ds.problems[i].doc_id.c_str());
    }
  std::printf("verdicts identical: %s (%d differ)\n", differ ? "NO" : "yes", differ);
  return differ ? 2 : 0;
}
