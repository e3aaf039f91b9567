// Java compile + run with a javac class-data-sharing archive (see java_cds.cpp for why
// the verdicts cannot change).
#pragma once

#include <string>

#include "sandbox/runners.h"

namespace harness::benches::multipl_e {

// The archive's bytes, dumped once per process in the sandbox; empty when dumping failed
// (then run_java_program falls back to sandbox::run_java).
const std::string& javac_cds_archive();

// Same contract as sandbox::run_java(source, "Problem", ...).
sandbox::CompiledRun run_java_program(const std::string& source,
                                      const sandbox::SandboxLimits& compile_limits,
                                      const sandbox::SandboxLimits& run_limits,
                                      const sandbox::ProgramExtras& extras = {});

}  // namespace harness::benches::multipl_e
