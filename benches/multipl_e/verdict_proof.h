// Proof that a MultiPL-E program's tests ran to their end.
//
// The tests are asserts compiled into the candidate's own program, so its exit status is
// the candidate's to choose: `std::process::exit(0)`, `System.exit(0)` or `process.exit(0)`
// before the asserts used to pass. Now the harness draws a secret per sample and hands it
// to the program on stdin; harness code that runs before any candidate code reads it and
// closes stdin, and only when the test's main has returned writes it to the verdict
// channel (sandbox::kVerdictFd). A pass needs exit 0 and the secret back. The candidate
// never sees the secret on any descriptor, so exiting early, writing to every descriptor,
// or printing lookalike lines cannot produce it.
//
// Where the harness code runs first:
//   rs   first statement of the tests' `fn main`; a Rust program can run code before main
//        (`#[link_section = ".init_array"]`, `global_asm!`) or interpose libc symbols
//        (`#[no_mangle]`, `#[export_name]`), so programs using those are not run.
//   java a separate class, MultiplEVerdict, is the JVM's main class; it reads the secret
//        and then calls Problem.main (Problem's static initialisers run only then).
//   js   node runs verdict.js, which reads the secret and then require()s main.js (the
//        program: its top-level code runs only then).
// The asserts are also kept out of the candidate's reach where that is cheap: Rust's
// assert macros are called by path (a `macro_rules! assert_eq` in the candidate cannot
// shadow them), JavaScript's `test` becomes a `const` (cannot be rebound) and the assert
// module and module loader are frozen before the program loads.
//
// What remains possible, by code written against this scheme: reading the secret out of
// the process's own memory (/proc/self/mem, sun.misc.Unsafe, a V8 heap snapshot), and
// making the asserts themselves pass without a correct answer (Java: returning a
// subclass whose equals() is always true, or a nested class that shadows a name the tests
// use; Rust: shadowing a type the tests use; JavaScript: values that fool a loose deep
// comparison). Those are not reachable by exiting or printing, and an honest program's
// verdict is unchanged: the same asserts run in the same order.
#pragma once

#include <string>
#include <string_view>

#include "sandbox/runners.h"

namespace harness::benches::multipl_e {

struct ProofPlan {
  std::string secret;              // 32 hex digits, fresh per sample
  std::string tests;               // the dataset's tests with the harness's lines added
  sandbox::ProgramExtras extras;   // secret on stdin, the verdict channel, wrapper sources
};

// Why the tests of `lang` have no place for the proof ("" when they do). The loader
// rejects such rows: every row of the real data has one.
std::string proof_problem(std::string_view lang, std::string_view tests);

// Draws a secret and builds the plan; the tests must pass proof_problem.
ProofPlan plan_proof(std::string_view lang, std::string_view tests);

// True when the run gave the plan's secret back on the verdict channel.
bool proof_returned(const sandbox::SandboxResult& run, const ProofPlan& plan);

// Rust: the first construct in `code` that could run code before main or replace a
// function the harness's lines call ("" when there is none).
std::string rust_pre_main_construct(std::string_view code);

}  // namespace harness::benches::multipl_e
