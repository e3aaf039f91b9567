// Programs that try to pass MultiPL-E without passing its tests: exit 0 before the
// asserts, write pass-looking lines to every descriptor, steal the verdict secret before
// main, neutralise the asserts. Each must score 0, while honest programs (one printing
// past the output cap) still pass. The problem is a small one in the dataset's format.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <map>

#include <gtest/gtest.h>

#include "bench_test_util.h"
#include "benches/multipl_e/multipl_e.h"
#include "benches/multipl_e/verdict_proof.h"
#include "sandbox/runners.h"

namespace me = harness::benches::multipl_e;

namespace {

struct Problem {
  std::string prompt, tests;
};

const std::map<std::string, Problem>& problems() {
  static const std::map<std::string, Problem> p = {
      {"rs",
       {"/// Adds two numbers.\nfn add(x: isize, y: isize) -> isize {\n",
        "}\n\nfn main() {\n    let candidate = add;\n    assert_eq!(candidate(2, 3), 5);\n"
        "    assert!(candidate(7, 5) == 12);\n}\n"}},
      {"java",
       {"import java.util.*;\nclass Problem {\n    // Adds two numbers.\n"
        "    public static long add(long x, long y) {\n",
        "    }\n    public static void main(String[] args) {\n    assert(add((2l), (3l)) == (5l));\n"
        "    assert(add((7l), (5l)) == (12l));\n    }\n\n}\n"}},
      {"js",
       {"// Adds two numbers.\nfunction add(x, y){\n",
        "const assert = require('node:assert');\n\n\nfunction test() {\n  let candidate = add;\n"
        "  assert.deepEqual(candidate(2, 3),5);\n  assert.deepEqual(candidate(7, 5),12);\n}\n\n"
        "test();"}},
  };
  return p;
}

struct Case {
  std::string lang, why, body;
  bool passes;
};

// Rust helpers for the bodies below (std only, as a MultiPL-E program has).
const std::string kRustEveryFd =
    "    for fd in 0..64 {\n"
    "        let mut f: std::fs::File = unsafe { std::os::unix::io::FromRawFd::from_raw_fd(fd) };\n"
    "        let _ = std::io::Write::write_all(&mut f, b\"OK\\n00000000000000000000000000000000\\n\");\n"
    "        std::mem::forget(f);\n"
    "    }\n"
    "    std::process::exit(0)\n";

std::vector<Case> cases() {
  return {
      {"rs", "correct", "    x + y\n", true},
      {"rs", "correct, prints 200 KB first", "    for _ in 0..10000 { println!(\"{}\", \"x\".repeat(20)); }\n    x + y\n", true},
      {"rs", "wrong", "    x - y\n", false},
      {"rs", "exit 0 inside the candidate", "    std::process::exit(0)\n", false},
      {"rs", "pass lines on every descriptor, then exit 0", kRustEveryFd, false},
      {"rs", "reads stdin through /proc, echoes it to fd 3",
       "    let s = std::fs::read(\"/proc/self/fd/0\").unwrap_or_default();\n"
       "    let mut f: std::fs::File = unsafe { std::os::unix::io::FromRawFd::from_raw_fd(3) };\n"
       "    let _ = std::io::Write::write_all(&mut f, &s);\n"
       "    std::process::exit(0)\n",
       false},
      {"rs", "shadows assert_eq! and assert!",
       "    x - y\n}\nmacro_rules! assert_eq { ($a:expr, $b:expr) => { () }; }\n"
       "macro_rules! assert { ($a:expr) => { () }; }\nfn pad() {\n",
       false},
      {"rs", "code before main through .init_array",
       "    x - y\n}\n#[used]\n#[link_section = \".init_array\"]\nstatic INIT: extern \"C\" fn() = steal;\n"
       "extern \"C\" fn steal() { std::process::exit(0); }\nfn pad() {\n",
       false},

      {"java", "correct", "        return x + y;\n", true},
      {"java", "wrong", "        return x - y;\n", false},
      {"java", "exit 0 inside the candidate", "        System.exit(0);\n        return 0;\n", false},
      {"java", "pass lines on every descriptor, then exit 0",
       "        for (int fd = 0; fd < 64; fd++) {\n"
       "            try (java.io.FileOutputStream o = new java.io.FileOutputStream(\"/dev/fd/\" + fd)) {\n"
       "                o.write(\"OK\\n00000000000000000000000000000000\\n\".getBytes());\n"
       "            } catch (Exception e) {}\n"
       "        }\n"
       "        System.out.println(\"OK\");\n        System.exit(0);\n        return 0;\n",
       false},
      {"java", "static initialiser steals stdin before main",
       "        return x - y;\n    }\n"
       "    static {\n"
       "        try {\n"
       "            byte[] s = System.in.readAllBytes();\n"
       "            try (java.io.FileOutputStream o = new java.io.FileOutputStream(\"/dev/fd/3\")) { o.write(s); }\n"
       "        } catch (Exception e) {}\n"
       "        System.exit(0);\n"
       "    }\n"
       "    static void pad() {\n",
       false},

      {"js", "correct", "  return x + y;\n}\n", true},
      {"js", "correct, requires builtins after the loader is frozen",
       "  const util = require('util');\n  return Number(util.format('%d', x + y));\n}\n", true},
      {"js", "wrong", "  return x - y;\n}\n", false},
      {"js", "exit 0 at top level", "  return x - y;\n}\nprocess.exit(0);\n", false},
      {"js", "pass lines on every descriptor, then exit 0",
       "  return x - y;\n}\nconst fs = require('fs');\n"
       "for (let fd = 0; fd < 64; fd++) { try { fs.writeSync(fd, 'OK\\n" + std::string(32, '0') +
           "\\n'); } catch (e) {} }\nprocess.exit(0);\n",
       false},
      {"js", "top level reads stdin, echoes it to fd 3",
       "  return x - y;\n}\ntry { require('fs').writeSync(3, require('fs').readFileSync(0)); } "
       "catch (e) {}\nprocess.exit(0);\n",
       false},
      {"js", "rebinds test", "  return x - y;\n}\ntest = function () {};\n", false},
      {"js", "replaces assert.deepEqual", "  return x - y;\n}\nrequire('assert').deepEqual = () => {};\n",
       false},
      {"js", "redirects require to a fake assert",
       "  return x - y;\n}\nrequire('module').prototype.require = () => ({ deepEqual() {} });\n",
       false},
  };
}

TEST(MultiplEProof, OnlyProgramsWhoseTestsRanToTheEndPass) {
  std::vector<Case> all = cases();
  std::vector<std::future<me::ExecOutcome>> outcomes;
  for (const Case& c : all) {
    const Problem& p = problems().at(c.lang);
    me::ExecLimits limits = me::exec_limits(c.lang, {{"timeout_s", 10}});
    outcomes.push_back(std::async(std::launch::async, [c, p, limits] {
      return me::execute_program(c.lang, p.prompt, c.body, p.tests, limits);
    }));
  }
  for (size_t i = 0; i < all.size(); ++i) {
    me::ExecOutcome out = outcomes[i].get();
    SCOPED_TRACE(all[i].lang + ": " + all[i].why + " -> " + out.status + " (" + out.stage + ", " +
                 out.sandbox + ")\n" + out.stderr_tail);
    std::printf("%s: %s -> %s (%s, %s)\n", all[i].lang.c_str(), all[i].why.c_str(),
                out.status.c_str(), out.stage.c_str(), out.sandbox.c_str());
    ASSERT_NE(out.status, "SandboxError");
    EXPECT_EQ(out.passed(), all[i].passes);
    EXPECT_EQ(out.tests_completed, all[i].passes);
  }
}

// Exiting 0 early used to be a pass: the sandbox saw "exit 0". Now it is an Exception
// that says why.
TEST(MultiplEProof, ExitZeroWithoutTheSecretIsAnException) {
  const Problem& p = problems().at("js");
  me::ExecOutcome out = me::execute_program("js", p.prompt, "  return 0;\n}\nprocess.exit(0);\n",
                                            p.tests, me::exec_limits("js", {}));
  EXPECT_EQ(out.status, "Exception");
  EXPECT_EQ(out.exit_code, 0);
  EXPECT_EQ(out.sandbox, "exit 0");
  EXPECT_NE(out.stderr_tail.find("no verdict secret came back"), std::string::npos) << out.stderr_tail;
}

TEST(MultiplEProof, RustCodeBeforeMainIsNotRun) {
  EXPECT_EQ(me::rust_pre_main_construct("#[link_section = \".init_array\"]"), "link_section");
  EXPECT_EQ(me::rust_pre_main_construct("#[no_mangle] pub extern \"C\" fn read() {}"), "no_mangle");
  EXPECT_EQ(me::rust_pre_main_construct("std::arch::global_asm!(\"\")"), "global_asm");
  EXPECT_EQ(me::rust_pre_main_construct("fn add(x: isize) -> isize { x }"), "");
}

TEST(MultiplEProof, SecretsAreFreshAndTheTestsKeepTheirLines) {
  const Problem& rs = problems().at("rs");
  me::ProofPlan a = me::plan_proof("rs", rs.tests), b = me::plan_proof("rs", rs.tests);
  EXPECT_EQ(a.secret.size(), 32u);
  EXPECT_NE(a.secret, b.secret);
  EXPECT_EQ(a.extras.stdin_data, a.secret + "\n");
  EXPECT_TRUE(a.extras.verdict_channel);
  // Line numbers in a panic message stay those of the dataset's tests.
  auto lines = [](const std::string& s, size_t upto) {
    return std::count(s.begin(), s.begin() + static_cast<long>(upto), '\n');
  };
  EXPECT_EQ(lines(a.tests, a.tests.find("::std::assert!(")), lines(rs.tests, rs.tests.find("assert!(")));
  EXPECT_NE(a.tests.find("::std::assert_eq!(candidate(2, 3), 5);"), std::string::npos) << a.tests;

  EXPECT_EQ(me::proof_problem("rs", "fn helper() {}\n"), "its tests have no `fn main() {`");
  EXPECT_EQ(me::proof_problem("js", "test();"), "its tests have no `function test() {`");
  EXPECT_EQ(me::proof_problem("java", problems().at("java").tests), "");
}

// The harness's lines fit the real tests: with a body that only throws, every problem
// compiles and fails at run time (a broken instrumentation would be a SyntaxError). The
// first 2 problems per language by default; HARNESS_MULTIPL_E_ALL=1 takes all of them.
TEST(MultiplEProof, RealTestsCompileWithTheProof) {
  std::string dir = bench_test::shared_datasets_with("multipl_e/humaneval-rs.jsonl");
  if (dir.empty()) GTEST_SKIP() << "shared MultiPL-E data not present";
  harness::benches::BenchContext ctx;
  ctx.data_dir = dir;
  ctx.scoring = {{"langs", {"rs", "java", "js"}}};
  auto bench = me::make_multipl_e_bench();
  harness::benches::Dataset ds = bench->load(ctx);
  const std::map<std::string, std::string> stub = {
      {"rs", "    unimplemented!()\n"},
      {"java", "        throw new UnsupportedOperationException();\n"},
      {"js", "  throw new Error('stub');\n}\n"}};
  bool all = getenv("HARNESS_MULTIPL_E_ALL") != nullptr;
  std::map<std::string, int> taken;
  std::vector<std::pair<std::string, std::future<me::ExecOutcome>>> runs;
  for (const auto& p : ds.problems) {
    std::string lang = p.doc["language"];
    if (!all && taken[lang]++ >= 2) continue;
    std::string prompt = p.doc["prompt"], tests = p.doc["tests"];
    me::ExecLimits limits = me::exec_limits(lang, {{"timeout_s", 15}});
    runs.emplace_back(lang + "/" + p.doc_id,
                      std::async(std::launch::async, [lang, prompt, tests, limits, &stub] {
                        return me::execute_program(lang, prompt, stub.at(lang), tests, limits);
                      }));
  }
  for (auto& [name, future] : runs) {
    me::ExecOutcome out = future.get();
    // The dataset's own tests of this one have a raw newline inside a string literal:
    // a SyntaxError whatever the program (in the reference too).
    if (name == "js/HumanEval_51_remove_vowels") {
      EXPECT_EQ(out.status, "SyntaxError") << out.stderr_tail;
      continue;
    }
    EXPECT_EQ(out.stage, "run") << name << ": " << out.status << "\n" << out.stderr_tail;
    EXPECT_EQ(out.status, "Exception") << name << "\n" << out.stderr_tail;
  }
  std::printf("%zu real problems compiled with the proof and failed at run time\n", runs.size());
}

}  // namespace
