// Rust programs linked against the toolchain's shared libstd instead of the static one.
//
// Why: with Debian's rustc, linking the static std dominates a MultiPL-E compile (about
// 70% of rustc's time, measured with -Z time-passes) and yields an 11 MB binary that the
// sandbox copies out of the compile and into the run. `-C prefer-dynamic` links the same
// std as a shared object: half the CPU per compile and a 20 KB binary. The verdict cannot
// change: the same compiler, edition, debug assertions and overflow checks, the same std
// code, and a panic still exits with status 101. The rpath points at the toolchain's
// libstd so the binary runs without any environment. When no shared libstd is found the
// runners' static build is used.
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>

#include "benches/multipl_e/rust_dynamic.h"
#include "sandbox/runners.h"

namespace harness::benches::multipl_e {
namespace {

// The directory that holds libstd-*.so of the rustc the sandbox runs (PATH lookup inside
// the sandbox), or "" when there is none.
std::string find_std_dylib_dir() {
  sandbox::SandboxSpec spec;
  spec.argv = {"rustc", "--print", "sysroot"};
  spec.limits = sandbox::default_compile_limits(sandbox::Language::Rust);
  spec.limits.wall_seconds = 30;
  sandbox::SandboxResult r = sandbox::run_sandboxed(spec);
  if (!r.ok()) return "";
  std::string sysroot = r.stdout_data.substr(0, r.stdout_data.find('\n'));
  std::error_code ec;
  std::filesystem::path rustlib = std::filesystem::path(sysroot) / "lib" / "rustlib";
  std::string found;
  int matches = 0;
  for (const auto& target : std::filesystem::directory_iterator(rustlib, ec)) {
    std::filesystem::path lib = target.path() / "lib";
    for (const auto& file : std::filesystem::directory_iterator(lib, ec)) {
      std::string name = file.path().filename().string();
      if (name.rfind("libstd-", 0) == 0 && file.path().extension() == ".so") {
        found = lib.string();
        ++matches;
      }
    }
  }
  return matches == 1 ? found : "";  // several std builds: let rustc's static default decide
}

}  // namespace

// The fast build with an explicit libstd dir (the probe runs it before the dir is known).
sandbox::CompiledRun run_rust_program_with(const std::string& std_dir, const std::string& source,
                                           const sandbox::SandboxLimits& compile_limits,
                                           const sandbox::SandboxLimits& run_limits,
                                           const sandbox::ProgramExtras& extras);

constexpr const char* kProbeProgram =
    "fn main() { let v: Vec<i64> = (1..4).collect(); assert_eq!(v.iter().sum::<i64>(), 6); }\n";

const std::string& rust_std_dylib_dir() {
  static std::once_flag once;
  static std::string dir;
  std::call_once(once, [] {
    dir = find_std_dylib_dir();
    // The rpath must be visible inside the sandbox (a sysroot under /opt or /root is
    // not): prove it on a probe program, else keep the static build.
    if (!dir.empty()) {
      sandbox::Language rust = sandbox::Language::Rust;
      sandbox::CompiledRun probe =
          run_rust_program_with(dir, kProbeProgram, sandbox::default_compile_limits(rust),
                                sandbox::default_run_limits(rust), {});
      if (!probe.compiled || !probe.run.ok()) dir.clear();
    }
  });
  return dir;
}

sandbox::CompiledRun run_rust_program(const std::string& source,
                                      const sandbox::SandboxLimits& compile_limits,
                                      const sandbox::SandboxLimits& run_limits,
                                      const sandbox::ProgramExtras& extras) {
  const std::string& std_dir = rust_std_dylib_dir();
  if (std_dir.empty()) return sandbox::run_rust(source, compile_limits, run_limits, extras);
  return run_rust_program_with(std_dir, source, compile_limits, run_limits, extras);
}

sandbox::CompiledRun run_rust_program_with(const std::string& std_dir, const std::string& source,
                                           const sandbox::SandboxLimits& compile_limits,
                                           const sandbox::SandboxLimits& run_limits,
                                           const sandbox::ProgramExtras& extras) {
  sandbox::CompiledRun out;
  sandbox::SandboxSpec compile;
  compile.argv = {
      "rustc", "-C",  "prefer-dynamic", "-C", "link-arg=-Wl,-rpath," + std_dir, "main.rs",
      "-o",    "main"};
  compile.files = {{"main.rs", source, false}};
  compile.limits = compile_limits;
  compile.collect = {"main"};
  out.compile = sandbox::run_sandboxed(compile);
  out.compiled = out.compile.ok() && out.compile.collected.size() == 1;
  if (!out.compiled) return out;

  sandbox::SandboxSpec run;
  run.argv = {"./main"};
  for (const auto& file : out.compile.collected)
    run.files.push_back({file.path, file.content, file.executable});
  out.compile.collected.clear();
  run.limits = run_limits;
  run.stdin_data = extras.stdin_data;
  run.verdict_channel = extras.verdict_channel;
  out.run = sandbox::run_sandboxed(run);
  return out;
}

}  // namespace harness::benches::multipl_e
