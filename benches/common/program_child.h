// program_child.py, embedded: the part of every Python code-bench driver (HumanEval,
// HumanEval+, LiveCodeBench) that runs the untrusted program in a forked child cut off
// from the result stream, and computes the verdict in the parent (see the file's top).
// A driver is shipped as main.py = kProgramChildSource + "\n" + the driver's own source.
#pragma once

namespace harness::benches {

extern const char* const kProgramChildSource;

}  // namespace harness::benches
