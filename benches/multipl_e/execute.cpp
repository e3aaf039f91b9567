// Compile and run one MultiPL-E program with the nuprl harness's status rules (§9):
// a failed compile is "SyntaxError" (rustc/javac), a run that exceeds the limit is
// "Timeout", exit 0 is "OK", anything else "Exception"; node adds AssertionError,
// SyntaxError and ReferenceError by substring of its output.
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>

#include "benches/common/unicode.h"
#include "benches/multipl_e/java_cds.h"
#include "benches/multipl_e/multipl_e.h"
#include "benches/multipl_e/rust_dynamic.h"
#include "benches/multipl_e/verdict_proof.h"
#include "sandbox/runners.h"

namespace harness::benches::multipl_e {
namespace {

// The reference reads at most this many bytes of each stream before it classifies.
constexpr size_t kReferenceOutputBytes = 2048;

// The runners call run_sandboxed directly; this keeps a bench from starting more
// programs at once than the process-wide pool allows, whatever the caller's thread count.
class Gate {
 public:
  explicit Gate(unsigned slots) : free_(std::max(1u, slots)) {}
  void acquire() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return free_ > 0; });
    --free_;
  }
  void release() {
    {
      std::lock_guard lock(mu_);
      ++free_;
    }
    cv_.notify_one();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  unsigned free_;
};

std::atomic<bool> fast_toolchains{true};

Gate& gate() {
  static Gate g(sandbox::default_pool().max_parallel());
  return g;
}

struct Slot {
  Slot() { gate().acquire(); }
  ~Slot() { gate().release(); }
  Slot(const Slot&) = delete;
  Slot& operator=(const Slot&) = delete;
};

std::string tail(const std::string& s, size_t n) {
  return py::to_valid_utf8(s.size() <= n ? s : s.substr(s.size() - n));
}

bool timed_out(const sandbox::SandboxResult& r) { return r.timed_out || r.cpu_limit_hit; }

// Fills the outcome from the command that decided it.
void decided_by(ExecOutcome& out, const char* stage, const sandbox::SandboxResult& r) {
  out.stage = stage;
  out.exit_code = r.exit_code;
  out.sandbox = r.describe();
  out.stderr_tail = tail(r.started ? r.stderr_data : r.error, kReferenceOutputBytes);
}

// Exit 0 is the program's to choose; only the secret back says the tests' main returned.
void require_proof(ExecOutcome& out, const sandbox::SandboxResult& run, const ProofPlan& plan) {
  out.tests_completed = run.ok() && proof_returned(run, plan);
  if (out.status != "OK" || out.tests_completed) return;
  out.status = "Exception";
  out.stderr_tail = tail(
      "exit 0, but the tests did not run to their end (no verdict secret came back)\n" +
          out.stderr_tail,
      kReferenceOutputBytes);
}

ExecOutcome compiled_outcome(const sandbox::CompiledRun& cr) {
  ExecOutcome out;
  out.compile_wall_s = cr.compile.wall_seconds;
  out.run_wall_s = cr.run.wall_seconds;
  if (!cr.compile.started) {
    decided_by(out, "compile", cr.compile);
    out.status = "SandboxError";
    return out;
  }
  if (!cr.compiled) {
    decided_by(out, "compile", cr.compile);
    out.status = timed_out(cr.compile) ? "Timeout" : "SyntaxError";
    return out;
  }
  decided_by(out, "run", cr.run);
  if (!cr.run.started)
    out.status = "SandboxError";
  else if (timed_out(cr.run))
    out.status = "Timeout";
  else
    out.status = cr.run.ok() ? "OK" : "Exception";
  return out;
}

double number_or(const nlohmann::json& section, const char* key, double fallback) {
  auto it = section.find(key);
  return it != section.end() && it->is_number() ? it->get<double>() : fallback;
}

sandbox::Language runner_language(std::string_view lang) {
  if (lang == "rs") return sandbox::Language::Rust;
  if (lang == "java") return sandbox::Language::Java;
  return sandbox::Language::JavaScript;
}

}  // namespace

std::string classify_javascript(const sandbox::SandboxResult& run) {
  if (timed_out(run)) return "Timeout";
  if (run.ok()) return "OK";
  std::string seen = run.stderr_data.substr(0, kReferenceOutputBytes) + "\n" +
                     run.stdout_data.substr(0, kReferenceOutputBytes);
  if (seen.find("ERR_ASSERTION") != std::string::npos) return "AssertionError";
  if (seen.find("SyntaxError") != std::string::npos) return "SyntaxError";
  if (seen.find("ReferenceError") != std::string::npos) return "ReferenceError";
  return "Exception";
}

// timeout_s (the reference's 15 s per command) bounds each run in wall and CPU time.
// Compiles keep the runners' generous limits unless compile_* is given: the reference
// never timed a compile out (rustc had no limit; javac takes 1-2 s of its 15), and a
// loaded scoring machine must not turn a slow compile into a failed problem.
ExecLimits exec_limits(std::string_view lang, const nlohmann::json& s) {
  sandbox::Language language = runner_language(lang);
  ExecLimits limits{sandbox::default_compile_limits(language),
                    sandbox::default_run_limits(language)};
  double timeout = number_or(s, "timeout_s", 15.0);
  limits.run.wall_seconds = number_or(s, "wall_seconds", timeout);
  limits.run.cpu_seconds = number_or(s, "cpu_seconds", timeout);
  limits.compile.wall_seconds = number_or(s, "compile_wall_seconds", limits.compile.wall_seconds);
  limits.compile.cpu_seconds = number_or(s, "compile_cpu_seconds", limits.compile.cpu_seconds);
  if (double mb = number_or(s, "memory_mb", 0); mb > 0)
    limits.run.address_space_bytes = static_cast<uint64_t>(mb) << 20;
  if (double mb = number_or(s, "compile_memory_mb", 0); mb > 0)
    limits.compile.address_space_bytes = static_cast<uint64_t>(mb) << 20;
  if (double p = number_or(s, "processes", 0); p > 0) limits.run.processes = static_cast<int>(p);
  // Enough to classify and to show the tail of a failure; a looping printer is cut.
  uint64_t cap = static_cast<uint64_t>(number_or(s, "output_bytes", 64 * 1024));
  limits.run.output_cap_bytes = limits.compile.output_cap_bytes = cap;
  return limits;
}

void set_fast_toolchains(bool on) { fast_toolchains = on; }

ExecOutcome execute_program(std::string_view lang, std::string_view prompt, std::string_view body,
                            std::string_view tests, const ExecLimits& limits) {
  ProofPlan plan = plan_proof(lang, tests);
  std::string program = assemble_program(prompt, body, plan.tests);
  bool fast = fast_toolchains;
  if (lang == "rs") {
    std::string head = std::string(prompt) + std::string(body);
    if (std::string construct = rust_pre_main_construct(head); !construct.empty()) {
      ExecOutcome out;
      out.status = "Exception";
      out.stage = "check";
      out.sandbox = "not run";
      out.stderr_tail = "the program uses `" + construct +
                        "`, which can run code before main or replace a function the "
                        "harness calls; such programs are not run";
      return out;
    }
    Slot slot;
    sandbox::CompiledRun cr =
        fast ? run_rust_program(program, limits.compile, limits.run, plan.extras)
             : sandbox::run_rust(program, limits.compile, limits.run, plan.extras);
    ExecOutcome out = compiled_outcome(cr);
    require_proof(out, cr.run, plan);
    return out;
  }
  // Every Java prompt of the dataset declares `class Problem` (checked by the loader).
  if (lang == "java") {
    Slot slot;
    sandbox::CompiledRun cr =
        fast ? run_java_program(program, limits.compile, limits.run, plan.extras)
             : sandbox::run_java(program, "Problem", limits.compile, limits.run, plan.extras);
    ExecOutcome out = compiled_outcome(cr);
    require_proof(out, cr.run, plan);
    return out;
  }
  Slot slot;
  sandbox::CompiledRun cr = sandbox::run_javascript(program, limits.run, plan.extras);
  ExecOutcome out;
  out.run_wall_s = cr.run.wall_seconds;
  decided_by(out, "run", cr.run);
  out.status = cr.run.started ? classify_javascript(cr.run) : "SandboxError";
  require_proof(out, cr.run, plan);
  return out;
}

}  // namespace harness::benches::multipl_e
