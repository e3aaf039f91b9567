// Execution semantics of the HumanEval scorer (HF evaluate code_eval's child, benches.md
// §7) on a small synthetic problem: what passes, what fails, and how time is limited.
#include <future>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "bench_test_util.h"

#include "benches/humaneval/humaneval.h"
#include "benches/humaneval_support.h"

namespace hv = harness::benches::humaneval;

namespace {

const nlohmann::json kDoc = {
    {"task_id", "Synthetic/0"},
    {"prompt", "from typing import List\n\n\ndef add_one(xs: List[int]) -> List[int]:\n"
               "    \"\"\"Add one to every element.\"\"\"\n"},
    {"entry_point", "add_one"},
    {"test", "\n\ndef check(candidate):\n    assert candidate([1, 2]) == [2, 3]\n"
             "    assert candidate([]) == []\n"},
};

const std::string kGoodBody = "def add_one(xs):\n    return [x + 1 for x in xs]\n";

std::string fenced(const std::string& code) { return "```python\n" + code + "```"; }

hv::CheckResult check(const std::string& response, double timeout_s = 3.0) {
  hv::TimePolicy policy;
  policy.timeout_s = timeout_s;
  policy.speed_factor = 1.0;  // pinned: these programs either finish at once or never
  return hv::check_response(kDoc, response, policy);
}

class HumanEvalExec : public ::testing::Test {
 protected:
  void SetUp() override { HUMANEVAL_REQUIRE_SANDBOX(); }
};

TEST_F(HumanEvalExec, CorrectSolutionPasses) {
  auto r = check(fenced(kGoodBody));
  EXPECT_EQ(r.status, "passed") << r.reason << " / " << r.sandbox;
  EXPECT_EQ(r.extraction.candidate, kGoodBody.substr(0, kGoodBody.size() - 1));
}

TEST_F(HumanEvalExec, ModelDefinitionUsesPromptImports) {
  // The candidate's signature uses List without importing it; the prompt supplies it.
  auto r = check(fenced("def add_one(xs: List[int]) -> List[int]:\n    return [x + 1 for x in xs]\n"));
  EXPECT_EQ(r.status, "passed") << r.reason;
}

TEST_F(HumanEvalExec, WrongAnswerFailsWithAssertionError) {
  auto r = check(fenced("def add_one(xs):\n    return xs\n"));
  EXPECT_EQ(r.status, "failed");
  EXPECT_EQ(r.reason.rfind("AssertionError", 0), 0u) << r.reason;
}

TEST_F(HumanEvalExec, ExceptionTypeAndMessageAreReported) {
  auto r = check(fenced("def add_one(xs):\n    raise ValueError('deliberately wrong')\n"));
  EXPECT_EQ(r.status, "failed");
  EXPECT_EQ(r.reason, "ValueError: deliberately wrong");
}

TEST_F(HumanEvalExec, TopLevelExitFails) {
  // exit is set to None by the guard: calling it raises TypeError.
  auto r = check(fenced(kGoodBody + "exit()\n"));
  EXPECT_EQ(r.status, "failed");
  EXPECT_NE(r.reason.find("TypeError"), std::string::npos) << r.reason;
}

TEST_F(HumanEvalExec, TopLevelSysExitZeroFails) {
  auto r = check(fenced(kGoodBody + "import sys\nsys.exit(0)\n"));
  EXPECT_EQ(r.status, "failed");
  EXPECT_EQ(r.reason.rfind("SystemExit", 0), 0u) << r.reason;
}

TEST_F(HumanEvalExec, MainGuardNeverRuns) {
  auto r = check(fenced(kGoodBody + "if __name__ == \"__main__\":\n    raise RuntimeError('ran')\n"));
  EXPECT_EQ(r.status, "passed") << r.reason;
}

TEST_F(HumanEvalExec, NameIsBuiltins) {
  auto r = check(fenced(kGoodBody + "if __name__ == \"builtins\":\n    raise RuntimeError('builtins')\n"));
  EXPECT_EQ(r.status, "failed");
  EXPECT_EQ(r.reason, "RuntimeError: builtins");
}

TEST_F(HumanEvalExec, PrintedOutputIsSwallowed) {
  auto r = check(fenced("def add_one(xs):\n    print('x' * 100000)\n    import sys\n"
                        "    sys.stderr.write('err')\n    return [x + 1 for x in xs]\n"));
  EXPECT_EQ(r.status, "passed") << r.reason;
}

TEST_F(HumanEvalExec, ReadingStdinFails) {
  auto r = check(fenced("def add_one(xs):\n    input()\n    return [x + 1 for x in xs]\n"));
  EXPECT_EQ(r.status, "failed");
  EXPECT_EQ(r.reason.rfind("OSError", 0), 0u) << r.reason;
}

TEST_F(HumanEvalExec, DestructiveFunctionsAreDisabled) {
  for (const char* call : {"os.getcwd()", "os.system('true')", "os.remove('x')",
                           "shutil.rmtree('x')", "subprocess.Popen(['true'])", "os.putenv('A', 'B')"}) {
    SCOPED_TRACE(call);
    auto r = check(fenced("import os, shutil, subprocess\n" + kGoodBody + call + "\n"));
    EXPECT_EQ(r.status, "failed");
    EXPECT_NE(r.reason.find("'NoneType' object is not callable"), std::string::npos) << r.reason;
  }
}

TEST_F(HumanEvalExec, NumpyImportWorksAfterTheGuard) {
  auto r = check(fenced("import numpy as np\ndef add_one(xs):\n    return [int(v) for v in np.array(xs) + 1]\n"));
  EXPECT_EQ(r.status, "passed") << r.reason;
}

TEST_F(HumanEvalExec, InfiniteLoopTimesOut) {
  auto r = check(fenced("def add_one(xs):\n    while True:\n        pass\n"), 0.5);
  EXPECT_EQ(r.status, "timed out") << r.reason;
  EXPECT_GE(r.cpu_seconds, 0.4);
}

TEST_F(HumanEvalExec, LoopThatSwallowsTheTimeoutIsStopped) {
  auto r = check(fenced("def add_one(xs):\n    while True:\n        try:\n"
                        "            while True:\n                pass\n"
                        "        except Exception:\n            pass\n"),
                 0.5);
  EXPECT_EQ(r.status, "timed out") << r.reason;
  EXPECT_EQ(r.reason, "time limit reached");  // killed at the limit: nothing to swallow
}

TEST_F(HumanEvalExec, SleepingProgramTimesOut) {
  // Sleeping uses no CPU; the time it spends blocked counts.
  auto r = check(fenced("import time\ndef add_one(xs):\n    time.sleep(60)\n"), 0.25);
  EXPECT_EQ(r.status, "timed out") << r.reason;
  EXPECT_GE(r.blocked_seconds, 0.2);
  EXPECT_LT(r.cpu_seconds, 0.2);
}

TEST_F(HumanEvalExec, ShortSleepWithinTheLimitPasses) {
  auto r = check(fenced("import time\ndef add_one(xs):\n    time.sleep(0.3)\n"
                        "    return [x + 1 for x in xs]\n"),
                 3.0);
  EXPECT_EQ(r.status, "passed") << r.reason;
}

TEST_F(HumanEvalExec, OsExitIsAFailure) {
  auto r = check(fenced("import os\n" + kGoodBody + "os._exit(0)\n"));
  EXPECT_EQ(r.status, "failed") << r.reason;
}

TEST_F(HumanEvalExec, ChattyReplyWithoutClosingFenceFails) {
  auto r = check("Here is the solution:\n```python\n" + kGoodBody);
  EXPECT_EQ(r.status, "failed");
  EXPECT_EQ(r.extraction.candidate, "Here is the solution:\n");
  EXPECT_EQ(r.reason.rfind("SyntaxError", 0), 0u) << r.reason;
}

// Wrong programs that try to write their own verdict (tests/fixtures/hostile, see
// make_programs.py there): the forged emit, frame walking, writing every fd, reopening fds
// through /proc, patching the driver, an always-equal result... all fail.
TEST_F(HumanEvalExec, HostileProgramsScoreZero) {
  auto rows = harness::benches::humaneval::testing::read_jsonl_fixture(
      bench_test::fixture_path("hostile/programs.jsonl"));
  ASSERT_GE(rows.size(), 10u);
  std::vector<std::future<hv::CheckResult>> results;
  for (const auto& row : rows)
    results.push_back(std::async(std::launch::async, [code = row["humaneval"].get<std::string>()] {
      return check(fenced(code));
    }));
  for (size_t i = 0; i < rows.size(); ++i) {
    auto r = results[i].get();
    SCOPED_TRACE(rows[i]["name"].get<std::string>() + ": " + r.status + " / " + r.reason);
    EXPECT_FALSE(r.passed());
    EXPECT_NE(r.status, "error");
  }
}

TEST_F(HumanEvalExec, HelpersOfTheProgramAreCalledInItsProcess) {
  // The test calls a helper the prompt defines (as HumanEval/38 calls encode_cyclic) and
  // uses a module the prompt imported: the helper runs in the program's process, the
  // module is imported afresh on the test's side.
  nlohmann::json doc = kDoc;
  doc["prompt"] = "import math\n\ndef helper(x):\n    return x * 2\n\n\ndef add_one(xs):\n"
                  "    \"\"\"Add one.\"\"\"\n";
  doc["test"] = "\n\ndef check(candidate):\n    assert candidate([helper(1)]) == [3]\n"
                "    assert math.floor(2.5) == 2\n";
  hv::TimePolicy policy;
  policy.speed_factor = 1.0;
  auto good = hv::check_response(doc, fenced(kGoodBody), policy);
  EXPECT_EQ(good.status, "passed") << good.reason;
  // A program that redefines the helper changes what the test sees, as in the reference.
  auto redefined = hv::check_response(
      doc, fenced(kGoodBody + "def helper(x):\n    return 0\n"), policy);
  EXPECT_EQ(redefined.status, "failed");
  EXPECT_EQ(redefined.reason.rfind("AssertionError", 0), 0u) << redefined.reason;
}

TEST_F(HumanEvalExec, ResultsThatAreNotPlainDataFail) {
  auto r = check(fenced("def add_one(xs):\n    return iter([x + 1 for x in xs])\n"));
  EXPECT_EQ(r.status, "failed");
  EXPECT_NE(r.reason.find("cannot be passed between the tests and the program"), std::string::npos)
      << r.reason;
}

TEST_F(HumanEvalExec, ExceptionsKeepTheirBuiltinClass) {
  // The test catches the program's ValueError as it would in one process.
  nlohmann::json doc = kDoc;
  doc["test"] = "\n\ndef check(candidate):\n    try:\n        candidate(None)\n"
                "    except TypeError:\n        pass\n    assert candidate([1]) == [2]\n";
  hv::TimePolicy policy;
  policy.speed_factor = 1.0;
  auto r = hv::check_response(doc, fenced(kGoodBody), policy);
  EXPECT_EQ(r.status, "passed") << r.reason;
}

// The template's sandbox limits reach the sandbox: each case passes without the key (first
// run) and is stopped by it (second run).
TEST_F(HumanEvalExec, TemplateSandboxLimitsAreHonoured) {
  struct Case {
    const char* key;
    nlohmann::json value;
    std::string body;
    const char* status;  // with the key
  };
  const std::vector<Case> cases = {
      {"wall_seconds", 1.5, "import time\ndef add_one(xs):\n    time.sleep(4)\n"
                            "    return [x + 1 for x in xs]\n", "timed out"},
      {"cpu_seconds", 1, "def add_one(xs):\n    t = 0\n    for i in range(10**8):\n"
                         "        t += 1\n        if t > 25 * 10**6: break\n"
                         "    return [x + 1 for x in xs]\n", "timed out"},
      {"memory_mb", 400, "def add_one(xs):\n    b = bytearray(600 << 20)\n"
                         "    return [x + 1 for x in xs]\n", "failed"},
      {"processes", 1, kGoodBody, "error"},
  };
  auto bench = hv::make_humaneval_bench();
  harness::benches::Problem problem;
  problem.doc = kDoc;
  std::vector<std::future<harness::benches::Verdict>> runs;
  std::vector<harness::benches::BenchContext> contexts;
  for (const Case& c : cases) {
    harness::benches::BenchContext plain, limited;
    plain.sandbox = {{"timeout_s", 60}, {"speed_factor", 1.0}};
    limited.sandbox = plain.sandbox;
    limited.sandbox[c.key] = c.value;
    contexts.push_back(plain);
    contexts.push_back(limited);
  }
  for (size_t i = 0; i < contexts.size(); ++i)
    runs.push_back(std::async(std::launch::async, [&, i] {
      return bench->score(problem, fenced(cases[i / 2].body), contexts[i]);
    }));
  for (size_t i = 0; i < contexts.size(); ++i) {
    auto v = runs[i].get();
    SCOPED_TRACE(std::string(cases[i / 2].key) + (i % 2 ? " set: " : " unset: ") + v.details.dump());
    EXPECT_EQ(v.details["status"], i % 2 ? cases[i / 2].status : "passed");
  }
}

// The time-limit policy (humaneval.h): a problem whose canonical solution needs more than a
// third of timeout_s gets three times that need, measured here, so the canonical solution
// (HE+ HumanEval/15 on a slow machine) passes whatever the load; a solution much slower than
// the canonical one, or a loop, still times out.
TEST_F(HumanEvalExec, TimeLimitIsAtLeastThreeTimesTheCanonicalNeed) {
  auto burn = [](const char* seconds) {
    return std::string("import time\ndef add_one(xs):\n    t = time.process_time()\n"
                       "    while time.process_time() - t < ") + seconds +
           ":\n        pass\n    return [x + 1 for x in xs]\n";
  };
  nlohmann::json doc = kDoc;
  doc["task_id"] = "Synthetic/slow";
  // The test calls the candidate twice: the canonical solution needs about 0.8 s.
  doc["canonical_solution"] = "    import time\n    t = time.process_time()\n"
                              "    while time.process_time() - t < 0.4:\n        pass\n"
                              "    return [x + 1 for x in xs]\n";
  hv::TimePolicy policy;
  policy.timeout_s = 0.5;
  policy.speed_factor = 1.0;
  std::string canonical = fenced(doc["prompt"].get<std::string>() +
                                 doc["canonical_solution"].get<std::string>());
  auto r = hv::check_response(doc, canonical, policy);
  EXPECT_EQ(r.status, "passed") << r.reason;
  EXPECT_GE(r.canonical_need_seconds, 0.75);
  EXPECT_NEAR(r.limit_seconds, 3 * r.canonical_need_seconds, 1e-9);

  auto slow = hv::check_response(doc, fenced(burn("1.6")), policy);  // 4x the canonical's need
  EXPECT_EQ(slow.status, "timed out") << slow.reason;
  EXPECT_GT(slow.limit_seconds, 2.0);
  auto loop = hv::check_response(doc, fenced("def add_one(xs):\n    while True:\n        pass\n"),
                                 policy);
  EXPECT_EQ(loop.status, "timed out") << loop.reason;

  // Without the policy, the fixed limit fails the canonical solution.
  policy.canonical_multiple = 0;
  auto fixed = hv::check_response(doc, canonical, policy);
  EXPECT_EQ(fixed.status, "timed out") << fixed.reason;
}

TEST_F(HumanEvalExec, MachineSpeedIsCalibrated) {
  const hv::MachineSpeed& speed = hv::machine_speed();
  EXPECT_TRUE(speed.error.empty()) << speed.error;
  EXPECT_GT(speed.measured_cpu_s, 0.0);
  EXPECT_GE(speed.factor, 1.0);
  EXPECT_LE(speed.factor, 20.0);
}

}  // namespace
