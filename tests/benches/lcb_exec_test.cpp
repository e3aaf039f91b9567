// LiveCodeBench omk scoring in the sandbox on the fixture problems: passing, wrong,
// crashing and slow solutions, Python equality (1 == 1.0 == True, tuple → list), and
// programs that try to end or fake the run.
#include <fstream>
#include <future>

#include <gtest/gtest.h>

#include "bench_test_util.h"
#include "benches/livecodebench/livecodebench.h"

namespace lcb = harness::benches::livecodebench;
using harness::benches::BenchContext;
using harness::benches::Problem;

namespace {

struct Case {
  const char* doc_id;
  const char* why;
  std::string response;
  const char* status;  // passed | failed | timeout
};

std::string fenced(const std::string& code) { return "```python\n" + code + "```\n"; }

}  // namespace

TEST(LcbExec, SolutionsGetTheReferenceVerdict) {
  BenchContext ctx;
  ctx.data_dir = bench_test::fixture_path("livecodebench");
  ctx.sandbox = {{"timeout_s", 2}};  // the reference's 10 s, shortened for the slow case
  auto bench = lcb::make_livecodebench_bench();
  auto ds = bench->load(ctx);
  auto problem = [&](const std::string& id) -> const Problem& {
    for (const auto& p : ds.problems)
      if (p.doc_id == id) return p;
    throw std::runtime_error("no fixture problem " + id);
  };

  const std::vector<Case> cases = {
      {"lcb/leetcode/9001", "correct, two args",
       fenced(
           "class Solution:\n    def addTwo(self, a: int, b: int) -> int:\n        return a + b\n"),
       "passed"},
      {"lcb/leetcode/9001", "reasoning text and a draft before the final block",
       "Let me think.\n```python\nclass Solution:\n    def addTwo(self, a, b):\n        return a - "
       "b\n"
       "```\nBetter:\n" +
           fenced("class Solution:\n    def addTwo(self, a, b):\n        return sum([a, b])\n"),
       "passed"},
      {"lcb/leetcode/9001", "wrong answer",
       fenced("class Solution:\n    def addTwo(self, a, b):\n        return a * b\n"), "failed"},
      {"lcb/leetcode/9002", "correct, uses the preamble's List",
       fenced("class Solution:\n    def sortList(self, nums: List[int]) -> List[int]:\n"
              "        return sorted(nums)\n"),
       "passed"},
      {"lcb/leetcode/9002", "crashes",
       fenced("class Solution:\n    def sortList(self, nums):\n        return nums[10]\n"),
       "failed"},
      {"lcb/leetcode/9003", "1 and 0 equal True and False",
       fenced("class Solution:\n    def isEven(self, n):\n        return 1 - n % 2\n"), "passed"},
      {"lcb/leetcode/9003", "the string 'true' is not True",
       fenced("class Solution:\n    def isEven(self, n):\n        return 'true' if n % 2 == 0 else "
              "'false'\n"),
       "failed"},
      {"lcb/leetcode/9005", "a tuple result becomes a list",
       fenced(
           "class Solution:\n    def minMax(self, nums):\n        return min(nums), max(nums)\n"),
       "passed"},
      {"lcb/leetcode/9010", "JSON and literal_eval inputs",
       fenced("class Solution:\n    def countChars(self, s):\n        return len(s)\n"), "passed"},
      {"lcb/leetcode/9011", "2.0 equals the expected 2",
       fenced("class Solution:\n    def halve(self, n):\n        return n / 2\n"), "passed"},
      {"lcb/leetcode/9011", "no float tolerance",
       fenced("class Solution:\n    def halve(self, n):\n        return n / 2 + 1e-12\n"),
       "failed"},
      {"lcb/leetcode/9001", "loops forever",
       fenced("class Solution:\n    def addTwo(self, a, b):\n"
              "        while True:\n            pass\n"),
       "timeout"},
      {"lcb/leetcode/9001", "no Solution class", fenced("def addTwo(a, b):\n    return a + b\n"),
       "failed"},
      {"lcb/leetcode/9001", "wrong method name",
       fenced("class Solution:\n    def add(self, a, b):\n        return a + b\n"), "failed"},
      {"lcb/leetcode/9001", "syntax error", fenced("class Solution:\n    def addTwo(self, a, b)\n"),
       "failed"},
      {"lcb/leetcode/9001", "exits the process at import", fenced("import os\nos._exit(0)\n"),
       "failed"},
      {"lcb/leetcode/9001", "SystemExit is a failure",
       fenced("import sys\nclass Solution:\n    def addTwo(self, a, b):\n        sys.exit(0)\n"),
       "failed"},
      {"lcb/leetcode/9001", "prints to stdout and still passes",
       fenced("class Solution:\n    def addTwo(self, a, b):\n        print('passed')\n"
              "        return a + b\n"),
       "passed"},
      {"lcb/leetcode/9001", "an __main__ block does not run",
       fenced("class Solution:\n    def addTwo(self, a, b):\n        return a + b\n"
              "if __name__ == '__main__':\n    raise SystemExit(1)\n"),
       "passed"},
      {"lcb/leetcode/9001", "empty reply", "", "failed"},
  };
  std::vector<std::future<harness::benches::Verdict>> verdicts;
  for (const Case& c : cases) {
    const Problem* p = &problem(c.doc_id);
    verdicts.push_back(std::async(std::launch::async, [&, p, response = c.response] {
      return bench->score(*p, response, ctx);
    }));
  }
  for (size_t i = 0; i < cases.size(); ++i) {
    auto v = verdicts[i].get();
    SCOPED_TRACE(std::string(cases[i].doc_id) + " (" + cases[i].why + "): " + v.details.dump());
    EXPECT_EQ(v.details["status"], cases[i].status);
    EXPECT_EQ(v.score, std::string(cases[i].status) == "passed" ? 1.0 : 0.0);
    EXPECT_EQ(v.metrics["pass_at_1"], v.score);
  }
}

// scoring.mode official (lcb_runner): public + private tests, call-based by func_name,
// stdin programs otherwise; 6 s per test; output lines compared exactly, then as Decimals.
TEST(LcbExec, OfficialModeTable) {
  BenchContext ctx;
  ctx.data_dir = bench_test::fixture_path("livecodebench");
  ctx.scoring = {{"mode", "official"}};
  auto bench = lcb::make_livecodebench_bench();
  auto ds = bench->load(ctx);
  auto problem = [&](const std::string& id) -> const Problem* {
    for (const auto& p : ds.problems)
      if (p.doc_id == id) return &p;
    throw std::runtime_error("no fixture problem " + id);
  };
  const std::string add = "lcb/leetcode/9001", sum = "lcb/atcoder/abc900_a",
                    mean = "lcb/atcoder/abc900_b";
  // abc900_b prints N, the mean, the sorted numbers; `mean_line` is the second line's code.
  auto mean_program = [](const std::string& mean_line) {
    return fenced("n = int(input())\na = sorted(map(int, input().split()))\nprint(n)\n" +
                  mean_line + "\nprint(' '.join(map(str, a)))\n");
  };
  const std::string sum_body = "n = int(input())\ns = sum(map(int, input().split()))\n";
  const std::vector<Case> cases = {
      // Call-based.
      {add.c_str(), "correct",
       fenced("class Solution:\n    def addTwo(self, a, b):\n        return a + b\n"), "passed"},
      {add.c_str(), "passes the public tests, fails the private 10+20",
       fenced("class Solution:\n    def addTwo(self, a, b):\n"
              "        return 3 if a == 1 else 0\n"),
       "failed"},
      {add.c_str(), "no closing fence: no code",
       "```python\nclass Solution:\n    def addTwo(self, a, b):\n        return a + b\n", "failed"},
      {add.c_str(), "raises", fenced("class Solution:\n    def addTwo(self, a, b):\n"
                                     "        raise ValueError('no')\n"),
       "failed"},
      {add.c_str(), "loops forever: 6 s limit",
       fenced("class Solution:\n    def addTwo(self, a, b):\n        while True:\n            pass\n"),
       "timeout"},
      {add.c_str(), "a module-level function serves without class Solution",
       fenced("def addTwo(a, b):\n    return a + b\n"), "passed"},
      {add.c_str(), "SystemExit ends the run", fenced("import sys\nclass Solution:\n"
                                                      "    def addTwo(self, a, b):\n"
                                                      "        sys.exit(0)\n"),
       "failed"},
      {add.c_str(), "syntax error", fenced("class Solution:\n    def addTwo(self, a, b)\n"),
       "failed"},
      {"lcb/leetcode/9021", "a tuple result becomes a list",
       fenced("class Solution:\n    def pairUp(self, a, b):\n        return a, b\n"), "passed"},
      {"lcb/leetcode/9011", "2.0 == 2 and 0.5",
       fenced("class Solution:\n    def halve(self, n):\n        return n / 2\n"), "passed"},
      // 9010's second public input 'xy' is not JSON: lcb_runner cannot parse it (omk can).
      {"lcb/leetcode/9010", "an input that is not JSON fails the sample",
       fenced("class Solution:\n    def countChars(self, s):\n        return len(s)\n"), "failed"},
      // stdin programs.
      {sum.c_str(), "input()", fenced(sum_body + "print(s)\n"), "passed"},
      {sum.c_str(), "sys.stdin.read()",
       fenced("import sys\nd = sys.stdin.read().split()\nprint(sum(map(int, d[1:])))\n"),
       "passed"},
      // The import block binds `open` as a global before lcb_runner patches builtins.open,
      // so open(0) reads the process's own (empty) stdin, not the test input.
      {sum.c_str(), "open(0) misses the test input",
       fenced("d = open(0).read().split()\nprint(sum(map(int, d[1:])))\n"), "failed"},
      {sum.c_str(), "a __main__ guard runs its body",
       fenced("def main():\n    n = int(input())\n    print(sum(map(int, input().split())))\n"
              "if __name__ == \"__main__\":\n    main()\n"),
       "passed"},
      {sum.c_str(), "exit() after the answer", fenced(sum_body + "print(s)\nexit()\nprint(1)\n"),
       "passed"},
      {sum.c_str(), "trailing spaces and blank lines",
       fenced(sum_body + "print(s, '  ')\nprint()\nprint('   ')\n"), "passed"},
      {sum.c_str(), "wrong", fenced(sum_body + "print(s + 1)\n"), "failed"},
      {sum.c_str(), "an extra debug line", fenced(sum_body + "print('sum:')\nprint(s)\n"),
       "failed"},
      {sum.c_str(), "crashes", fenced("n = int(input())\nprint(1 // (n - n))\n"), "failed"},
      {sum.c_str(), "loops forever: 6 s limit", fenced("while True:\n    pass\n"), "timeout"},
      // lcb_runner's stdin is a StringIO: no .buffer.
      {sum.c_str(), "sys.stdin.buffer is not there",
       fenced("import sys\nd = sys.stdin.buffer.read().split()\nprint(sum(map(int, d[1:])))\n"),
       "failed"},
      // The program becomes a function's body: `global` no longer reaches its variables.
      {sum.c_str(), "a global of the program is a local once wrapped",
       fenced("total = 0\ndef add(x):\n    global total\n    total += x\nn = int(input())\n"
              "for v in input().split():\n    add(int(v))\nprint(total)\n"),
       "failed"},
      {mean.c_str(), "two decimals as asked", mean_program("print('%.2f' % (sum(a) / n))"),
       "passed"},
      {mean.c_str(), "3.0 equals 3.00 as Decimals", mean_program("print(sum(a) / n)"), "passed"},
      {mean.c_str(), "3 equals 3.00 as Decimals",
       mean_program("print(3 if n == 4 else '%.2f' % (sum(a) / n))"), "passed"},
      {mean.c_str(), "3e0 equals 3.00 as Decimals",
       mean_program("print('3e0' if n == 4 else '%.2f' % (sum(a) / n))"), "passed"},
      {mean.c_str(), "3.001 is not 3.00", mean_program("print('%.3f' % (sum(a) / n + 0.001))"),
       "failed"},
      {mean.c_str(), "hard-coded public answer fails the private test",
       fenced("print('4')\nprint('3.00')\nprint('1 2 4 5')\n"), "failed"},
      {mean.c_str(), "two spaces between numbers: equal tokens",
       fenced("n = int(input())\na = sorted(map(int, input().split()))\nprint(n)\n"
              "print('%.2f' % (sum(a) / n))\nprint('  '.join(map(str, a)))\n"),
       "passed"},
      {mean.c_str(), "commas are not numbers",
       fenced("n = int(input())\na = sorted(map(int, input().split()))\nprint(n)\n"
              "print('%.2f' % (sum(a) / n))\nprint(','.join(map(str, a)))\n"),
       "failed"},
      {mean.c_str(), "a blank line in the middle",
       mean_program("print()\nprint('%.2f' % (sum(a) / n))"), "failed"},
      {mean.c_str(), "blank lines before and after, spaces around lines",
       fenced("n = int(input())\na = sorted(map(int, input().split()))\nprint()\nprint(' ', n)\n"
              "print('%.2f' % (sum(a) / n), ' ')\nprint(' '.join(map(str, a)))\nprint('\\n')\n"),
       "passed"},
  };
  std::vector<std::future<harness::benches::Verdict>> verdicts;
  for (const Case& c : cases) {
    const Problem* p = problem(c.doc_id);
    verdicts.push_back(std::async(std::launch::async, [&, p, response = c.response] {
      return bench->score(*p, response, ctx);
    }));
  }
  for (size_t i = 0; i < cases.size(); ++i) {
    auto v = verdicts[i].get();
    SCOPED_TRACE(std::string(cases[i].doc_id) + " (" + cases[i].why + "): " + v.details.dump());
    EXPECT_EQ(v.details["status"], cases[i].status);
    EXPECT_EQ(v.score, std::string(cases[i].status) == "passed" ? 1.0 : 0.0);
    EXPECT_EQ(v.details["mode"], "official");
  }
}

// Wrong programs that try to write their own verdict (tests/fixtures/hostile, see
// make_programs.py there): frame walking for the old nonce, writing every fd, patching
// json.dumps, an always-equal result... all fail, in both modes and both test kinds.
TEST(LcbExec, HostileProgramsScoreZero) {
  std::vector<nlohmann::json> rows;
  std::ifstream in(bench_test::fixture_path("hostile/programs.jsonl"));
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) rows.push_back(nlohmann::json::parse(line));
  ASSERT_GE(rows.size(), 10u);
  auto bench = lcb::make_livecodebench_bench();
  BenchContext omk, official;
  omk.data_dir = official.data_dir = bench_test::fixture_path("livecodebench");
  omk.sandbox = {{"timeout_s", 3}};
  official.scoring = {{"mode", "official"}};
  official.sandbox = {{"timeout_s", 3}};
  auto omk_ds = bench->load(omk);
  auto official_ds = bench->load(official);
  auto find = [](const harness::benches::Dataset& ds, const std::string& id) -> const Problem* {
    for (const auto& p : ds.problems)
      if (p.doc_id == id) return &p;
    throw std::runtime_error("no fixture problem " + id);
  };
  struct Run {
    std::string what;
    std::future<harness::benches::Verdict> verdict;
  };
  std::vector<Run> runs;
  auto start = [&](const std::string& what, const Problem* p, const BenchContext* ctx,
                   const std::string& code) {
    runs.push_back({what, std::async(std::launch::async, [&bench, p, ctx, response = fenced(code)] {
                      return bench->score(*p, response, *ctx);
                    })});
  };
  for (const auto& row : rows) {
    std::string name = row["name"];
    if (row["lcb_call"].is_string()) {
      start(name + " (omk)", find(omk_ds, "lcb/leetcode/9001"), &omk, row["lcb_call"]);
      start(name + " (official, call-based)", find(official_ds, "lcb/leetcode/9001"), &official,
            row["lcb_call"]);
    }
    if (row["lcb_stdin"].is_string())
      start(name + " (official, stdin)", find(official_ds, "lcb/atcoder/abc900_a"), &official,
            row["lcb_stdin"]);
  }
  for (auto& run : runs) {
    auto v = run.verdict.get();
    SCOPED_TRACE(run.what + ": " + v.details.dump());
    EXPECT_EQ(v.score, 0.0);
    EXPECT_NE(v.details["status"], "error");
  }
}

// The template's sandbox limits reach the sandbox in both modes: each case passes without
// the key and is stopped by it.
TEST(LcbExec, TemplateSandboxLimitsAreHonoured) {
  struct Case {
    const char* mode;
    const char* key;
    nlohmann::json value;
    std::string code;
    const char* status;  // with the key
  };
  const std::string add = "        return a + b\n";
  const std::vector<Case> cases = {
      {"omk", "wall_seconds", 1.5,
       "import time\nclass Solution:\n    def addTwo(self, a, b):\n        time.sleep(1)\n" + add,
       "timeout"},
      {"official", "memory_mb", 200,
       "class Solution:\n    def addTwo(self, a, b):\n        x = bytearray(300 << 20)\n" + add,
       "failed"},
      // official: timeout_s is lcb_runner's per-test limit.
      {"official", "timeout_s", 1,
       "import time\nclass Solution:\n    def addTwo(self, a, b):\n        time.sleep(2)\n" + add,
       "timeout"},
      {"omk", "processes", 1, "class Solution:\n    def addTwo(self, a, b):\n" + add, "error"},
  };
  auto bench = lcb::make_livecodebench_bench();
  std::vector<BenchContext> contexts;
  for (const Case& c : cases) {
    BenchContext plain;
    plain.data_dir = bench_test::fixture_path("livecodebench");
    plain.scoring = {{"mode", c.mode}};
    plain.sandbox = {{"timeout_s", 20}};
    BenchContext limited = plain;
    limited.sandbox[c.key] = c.value;
    contexts.push_back(plain);
    contexts.push_back(limited);
  }
  std::vector<harness::benches::Dataset> datasets;
  for (const auto& ctx : contexts) datasets.push_back(bench->load(ctx));
  std::vector<std::future<harness::benches::Verdict>> runs;
  for (size_t i = 0; i < contexts.size(); ++i)
    runs.push_back(std::async(std::launch::async, [&, i] {
      const Problem* p = nullptr;
      for (const auto& q : datasets[i].problems)
        if (q.doc_id == "lcb/leetcode/9001") p = &q;
      return bench->score(*p, fenced(cases[i / 2].code), contexts[i]);
    }));
  for (size_t i = 0; i < contexts.size(); ++i) {
    auto v = runs[i].get();
    SCOPED_TRACE(std::string(cases[i / 2].mode) + " " + cases[i / 2].key +
                 (i % 2 ? " set: " : " unset: ") + v.details.dump());
    EXPECT_EQ(v.details["status"], i % 2 ? cases[i / 2].status : "passed");
  }
}
