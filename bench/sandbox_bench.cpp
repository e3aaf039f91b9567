// sandbox_bench: what a sandbox costs. Start-up of /bin/true (median of 200, serial and with
// 8 threads), then a hello world per language including the compile step.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <thread>
#include <vector>

#include "sandbox/memory_cgroup.h"
#include "sandbox/runners.h"

using namespace harness::sandbox;
using Clock = std::chrono::steady_clock;

namespace {

struct Stats {
  double median_ms, p90_ms, min_ms;
};

Stats measure(int runs, const std::function<bool()>& once, int* failures) {
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    auto start = Clock::now();
    if (!once()) ++*failures;
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
  std::sort(ms.begin(), ms.end());
  return {ms[ms.size() / 2], ms[std::min(ms.size() - 1, ms.size() * 9 / 10)], ms.front()};
}

void print(const char* what, int runs, const Stats& s, int failures) {
  printf("%-34s runs %4d  median %8.1f ms  p90 %8.1f ms  min %8.1f ms%s\n", what, runs,
         s.median_ms, s.p90_ms, s.min_ms, failures ? "  (FAILURES!)" : "");
}

}  // namespace

int main() {
  printf("sandbox_bench (%u hardware threads)\n", std::thread::hardware_concurrency());
  // The cgroup adds a mkdir, two writes, two reads and an rmdir to every sandbox.
  printf("memory bound: %s\n", describe_memory_bound().c_str());
  SandboxSpec truth;
  truth.argv = {"/bin/true"};
  int failures = 0;
  measure(5, [&] { return run_sandboxed(truth).ok(); }, &failures);  // warm-up (seccomp, caches)
  failures = 0;
  print("start-up: /bin/true", 200, measure(200, [&] { return run_sandboxed(truth).ok(); }, &failures),
        failures);

  const int threads = 8, per_thread = 25;
  auto start = Clock::now();
  std::vector<std::thread> pool;
  std::atomic<int> parallel_failures{0};
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&] {
      for (int i = 0; i < per_thread; ++i)
        if (!run_sandboxed(truth).ok()) ++parallel_failures;
    });
  for (std::thread& t : pool) t.join();
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  printf("%-34s %d sandboxes in %.2f s = %.0f sandboxes/s%s\n", "start-up: /bin/true, 8 threads",
         threads * per_thread, seconds, threads * per_thread / seconds,
         parallel_failures ? "  (FAILURES!)" : "");

  SandboxLimits limits;
  failures = 0;
  print("python3 hello", 20,
        measure(20, [&] { return run_python("print('hello')\n", limits).ok(); }, &failures), failures);

  for (Language language : {Language::Rust, Language::Java, Language::JavaScript}) {
    Toolchain tool = find_toolchain(language);
    if (!tool.available) {
      printf("%-34s skipped: %s\n", tool.name.c_str(), tool.problem.c_str());
      continue;
    }
    SandboxLimits compile = default_compile_limits(language), run = default_run_limits(language);
    double compile_ms = 0, run_ms = 0;
    int runs = language == Language::JavaScript ? 10 : 5;
    failures = 0;
    Stats total = measure(
        runs,
        [&] {
          CompiledRun r;
          if (language == Language::Rust)
            r = run_rust("fn main() { println!(\"hello\"); }\n", compile, run);
          else if (language == Language::Java)
            r = run_java("public class Main { public static void main(String[] a) { "
                         "System.out.println(\"hello\"); } }\n",
                         "Main", compile, run);
          else
            r = run_javascript("console.log('hello')\n", run);
          compile_ms += r.compile.wall_seconds * 1000;
          run_ms += r.run.wall_seconds * 1000;
          return r.compiled && r.run.ok();
        },
        &failures);
    std::string label = tool.name + " hello (compile + run)";
    print(label.c_str(), runs, total, failures);
    printf("%-34s mean compile %8.1f ms  mean run %8.1f ms   [%s]\n", "", compile_ms / runs,
           run_ms / runs, tool.version.c_str());
  }
  return 0;
}
