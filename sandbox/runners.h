// Language runners on top of the sandbox: Python 3, Rust, Java, JavaScript.
// Compilers run inside the sandbox too.
#pragma once

#include <string>
#include <vector>

#include "sandbox/sandbox.h"

namespace harness::sandbox {

enum class Language { Python, Rust, Java, JavaScript };

// The class path jar MultiPL-E's Java programs need (Debian's libjavatuples-java).
inline constexpr const char* kJavatuplesJar = "/usr/share/java/javatuples.jar";
// Flags every sandboxed java/javac gets, so the JVM starts under the address-space limit
// (see runners.cpp). A CDS archive is only usable by a JVM started with the same flags.
const std::vector<std::string>& jvm_flags();

struct Toolchain {
  Language language;
  std::string name;       // "python3", "rustc", "javac+java", "node"
  bool available = false;
  std::string version;    // first line of --version, when available
  std::string problem;    // why not available, one sentence with the fix
};

// Looks the toolchain up on the host (cached after the first call).
Toolchain find_toolchain(Language language);

// Limits that fit each toolchain: rustc and the JVM need far more address space than a
// script (the JVM reserves it up front), the linker and the JVM need more processes/threads.
SandboxLimits default_compile_limits(Language language);
SandboxLimits default_run_limits(Language language);

// Runs a Python program (source in main.py in the work dir) with the system python3.
// extra_files are placed next to it.
SandboxResult run_python(const std::string& source, const SandboxLimits& limits,
                         const std::vector<SandboxFile>& extra_files = {},
                         const std::string& stdin_data = "");

// What a caller adds around a program: more sources (java: compiled with it; js: placed
// next to main.js), the class or file that starts the run instead of the program's own,
// stdin, and the verdict channel (SandboxSpec::verdict_channel) of the run.
struct ProgramExtras {
  std::vector<SandboxFile> sources;
  std::string entry;  // java: the main class to run; js: the file node runs ("" = the program)
  std::string stdin_data;
  bool verdict_channel = false;
};

struct CompiledRun {
  bool compiled = false;       // false: compile failed (compile has the details)
  SandboxResult compile;       // the compiler's run (empty/not started for node)
  SandboxResult run;           // the program's run (not started if !compiled)
};

// rustc main.rs -o main; ./main
CompiledRun run_rust(const std::string& source, const SandboxLimits& compile_limits,
                     const SandboxLimits& run_limits, const ProgramExtras& extras = {});
// javac -encoding UTF8 Problem.java; java -ea -cp .:javatuples.jar <main_class>
CompiledRun run_java(const std::string& source, const std::string& main_class,
                     const SandboxLimits& compile_limits, const SandboxLimits& run_limits,
                     const ProgramExtras& extras = {});
// node main.js (no compile step; compile is left not started)
CompiledRun run_javascript(const std::string& source, const SandboxLimits& run_limits,
                           const ProgramExtras& extras = {});

}  // namespace harness::sandbox
