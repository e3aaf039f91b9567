// Language runners: each writes the source into a fresh work dir, compiles inside one sandbox
// (collecting the output), and runs the result in a second one with the run limits.
#include "sandbox/runners.h"

namespace harness::sandbox {
namespace {

// The JVM reserves address space far beyond what it uses (heap = 1/4 of RAM by default,
// 1 GiB compressed class space, 240 MiB code cache, a malloc arena per thread). These flags
// shrink the reservations so that it starts under a few GiB of RLIMIT_AS; UsePerfData off
// keeps it from writing /tmp/hsperfdata_*; serial GC avoids a GC thread per core.
const std::vector<std::string> kJvmFlags = {"-Xmx1g",
                                            "-Xss8m",
                                            "-XX:CompressedClassSpaceSize=64m",
                                            "-XX:ReservedCodeCacheSize=64m",
                                            "-XX:MaxMetaspaceSize=256m",
                                            "-XX:+UseSerialGC",
                                            "-XX:-UsePerfData",
                                            "-Xshare:auto"};
constexpr const char* kMallocArenas = "MALLOC_ARENA_MAX=2";

SandboxResult not_started(const std::string& why) {
  SandboxResult result;
  result.error = why;
  return result;
}

std::vector<SandboxFile> as_files(const std::vector<CollectedFile>& collected) {
  std::vector<SandboxFile> files;
  for (const CollectedFile& file : collected) files.push_back({file.path, file.content, file.executable});
  return files;
}

}  // namespace

const std::vector<std::string>& jvm_flags() { return kJvmFlags; }

SandboxLimits default_compile_limits(Language language) {
  SandboxLimits limits;
  limits.wall_seconds = 60;
  limits.cpu_seconds = 60;
  limits.processes = 128;  // threads count: rustc's codegen threads + cc + ld; the JVM's
  limits.work_dir_bytes = 512ull << 20;
  // rustc + LLVM on a large program; javac starts in 2 GiB with kJvmFlags (measured).
  limits.address_space_bytes = language == Language::Rust ? 8ull << 30 : 4ull << 30;
  return limits;
}

SandboxLimits default_run_limits(Language language) {
  SandboxLimits limits;
  // The JVM (with kJvmFlags) and node both start in 2 GiB (measured); 4 GiB leaves room.
  if (language == Language::Java) limits.processes = 128;
  return limits;
}

SandboxResult run_python(const std::string& source, const SandboxLimits& limits,
                         const std::vector<SandboxFile>& extra_files, const std::string& stdin_data) {
  Toolchain python = find_toolchain(Language::Python);
  if (!python.available) return not_started(python.problem);
  SandboxSpec spec;
  spec.argv = {"/usr/bin/python3", "main.py"};
  spec.files = extra_files;
  spec.files.push_back({"main.py", source, false});
  // No __pycache__ in the work dir; no user site-packages.
  spec.env = {"PYTHONDONTWRITEBYTECODE=1", "PYTHONNOUSERSITE=1"};
  spec.stdin_data = stdin_data;
  spec.limits = limits;
  return run_sandboxed(spec);
}

CompiledRun run_rust(const std::string& source, const SandboxLimits& compile_limits,
                     const SandboxLimits& run_limits, const ProgramExtras& extras) {
  CompiledRun out;
  Toolchain rustc = find_toolchain(Language::Rust);
  if (!rustc.available) {
    out.compile = not_started(rustc.problem);
    return out;
  }
  SandboxSpec compile;
  compile.argv = {"rustc", "main.rs", "-o", "main"};
  compile.files = {{"main.rs", source, false}};
  compile.limits = compile_limits;
  compile.collect = {"main"};
  out.compile = run_sandboxed(compile);
  out.compiled = out.compile.ok() && out.compile.collected.size() == 1;
  if (!out.compiled) return out;

  SandboxSpec run;
  run.argv = {"./main"};
  run.files = as_files(out.compile.collected);
  run.limits = run_limits;
  run.stdin_data = extras.stdin_data;
  run.verdict_channel = extras.verdict_channel;
  out.compile.collected.clear();  // the binary now lives in run.files; keep one copy
  out.run = run_sandboxed(run);
  return out;
}

CompiledRun run_java(const std::string& source, const std::string& main_class,
                     const SandboxLimits& compile_limits, const SandboxLimits& run_limits,
                     const ProgramExtras& extras) {
  CompiledRun out;
  Toolchain java = find_toolchain(Language::Java);
  if (!java.available) {
    out.compile = not_started(java.problem);
    return out;
  }
  SandboxSpec compile;
  compile.argv = {"javac"};
  for (const auto& flag : kJvmFlags) compile.argv.push_back(std::string("-J") + flag);
  // C1 only: javac runs for a second or two, too short for C2 to pay off.
  compile.argv.push_back("-J-XX:TieredStopAtLevel=1");
  for (const char* arg : {"-encoding", "UTF8", "-d", "."}) compile.argv.push_back(arg);
  compile.argv.push_back("-cp");
  compile.argv.push_back(std::string(".:") + kJavatuplesJar);
  compile.argv.push_back(main_class + ".java");
  compile.files = {{main_class + ".java", source, false}};
  for (const SandboxFile& extra : extras.sources) {
    compile.argv.push_back(extra.path);
    compile.files.push_back(extra);
  }
  compile.env = {kMallocArenas};
  compile.limits = compile_limits;
  compile.collect = {"."};
  out.compile = run_sandboxed(compile);
  out.compiled = out.compile.ok();
  if (!out.compiled) return out;

  SandboxSpec run;
  run.argv = {"java"};
  for (const auto& flag : kJvmFlags) run.argv.push_back(flag);
  for (const char* arg : {"-ea", "-cp"}) run.argv.push_back(arg);
  run.argv.push_back(std::string(".:") + kJavatuplesJar);
  run.argv.push_back(extras.entry.empty() ? main_class : extras.entry);
  run.files = as_files(out.compile.collected);
  run.env = {kMallocArenas};
  run.limits = run_limits;
  run.stdin_data = extras.stdin_data;
  run.verdict_channel = extras.verdict_channel;
  out.compile.collected.clear();
  out.run = run_sandboxed(run);
  return out;
}

CompiledRun run_javascript(const std::string& source, const SandboxLimits& run_limits,
                           const ProgramExtras& extras) {
  CompiledRun out;
  Toolchain node = find_toolchain(Language::JavaScript);
  if (!node.available) {
    out.compile = not_started(node.problem);
    out.run = out.compile;
    return out;
  }
  out.compiled = true;
  SandboxSpec run;
  run.argv = {"node", extras.entry.empty() ? "main.js" : extras.entry};
  run.files = {{"main.js", source, false}};
  run.files.insert(run.files.end(), extras.sources.begin(), extras.sources.end());
  run.limits = run_limits;
  run.stdin_data = extras.stdin_data;
  run.verdict_channel = extras.verdict_channel;
  out.run = run_sandboxed(run);
  return out;
}

}  // namespace harness::sandbox
