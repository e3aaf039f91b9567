// Rust compile + run with the shared libstd (see rust_dynamic.cpp for why it is safe).
#pragma once

#include <string>

#include "sandbox/runners.h"

namespace harness::benches::multipl_e {

// The host directory of the sandbox rustc's libstd-*.so; "" when there is none (then
// run_rust_program falls back to sandbox::run_rust). Probed once per process.
const std::string& rust_std_dylib_dir();

// Same contract as sandbox::run_rust: rustc main.rs -o main, then ./main.
sandbox::CompiledRun run_rust_program(const std::string& source,
                                      const sandbox::SandboxLimits& compile_limits,
                                      const sandbox::SandboxLimits& run_limits,
                                      const sandbox::ProgramExtras& extras = {});

}  // namespace harness::benches::multipl_e
