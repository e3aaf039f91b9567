// The LCB scoring child as a Python driver run in the sandbox: omk's (benches.md §8) and
// lcb_runner's (official mode). The comparisons must be CPython's (`1 == 1.0 == True`,
// list vs tuple, no float tolerance; Decimal tokens for stdin output), so they happen in
// Python, not here.
#include <random>
#include <string>

#include "benches/livecodebench/livecodebench.h"
#include "sandbox/runners.h"
#include "sandbox/sandbox.h"

namespace harness::benches::livecodebench {

const char* const kDriverSource = R"LCB_DRIVER(
import ast, builtins, io, json, os, signal, sys, time, types
from decimal import Decimal

PREAMBLE = (
    "from typing import List, Dict, Tuple, Set, Optional, Union, Any, Callable, Iterator, Iterable, Sequence\n"
    "from collections import defaultdict, deque, Counter, OrderedDict\n"
    "from math import inf, gcd, floor, ceil, sqrt, log, log2, factorial\n"
    "from heapq import heappush, heappop, heapify, nlargest, nsmallest\n"
    "from bisect import bisect_left, bisect_right, insort\n"
    "from itertools import accumulate, combinations, permutations, product\n"
    "from functools import lru_cache, cache, reduce\n"
)

class BudgetSpent(BaseException):
    pass

def parse(s):
    try:
        return json.loads(s)
    except Exception:
        pass
    try:
        return ast.literal_eval(s)
    except Exception:
        return s

def short(value):
    text = repr(value)
    return text if len(text) <= 200 else text[:200] + "..."

def judge(task):
    code, method, tests = task["code"], task["method"], task["tests"]
    namespace = {}
    exec(PREAMBLE + code, namespace)
    solution_class = namespace.get("Solution")
    if solution_class is None:
        return False, "no Solution class", 0
    for i, test in enumerate(tests):
        inp = test["input"].strip()
        expected = parse(test["output"].strip())
        if "\n" in inp:
            args = [parse(line.strip()) for line in inp.splitlines() if line.strip()]
        else:
            args = [parse(inp)]
        fn = getattr(solution_class(), method, None)
        if fn is None:
            return False, "Solution has no method " + method, i
        result = fn(*args)
        if isinstance(result, tuple):
            result = list(result)
        if result != expected:
            return False, "test %d: got %s expected %s" % (i, short(result), short(expected)), i + 1
    return True, "", len(tests)

# lcb_runner's import block: every `from m import *` first, then the plain imports (so
# `datetime`, `copy` and the like end up naming the modules), then the recursion limit.
FROM_STAR = ("string", "re", "datetime", "collections", "heapq", "bisect", "copy", "math",
             "random", "statistics", "itertools", "functools", "operator", "io", "sys", "json",
             "builtins", "typing")
OFFICIAL_IMPORTS = ("".join("from %s import *\n" % m for m in FROM_STAR) +
                    "".join("import %s\n" % m for m in FROM_STAR[:-2]) +
                    "sys.setrecursionlimit(50000)\n")

# An Exception, as in lcb_runner: a program's own `except Exception` can swallow it.
class TimeoutException(Exception):
    pass

def on_test_alarm(signum, frame):
    raise TimeoutException()

def compile_program(code, per_test_s):
    # exec under the per-test alarm; LeetCode code gets a Solution instance.
    signal.alarm(per_test_s)
    try:
        module = types.ModuleType("tmp_sol", "")
        exec(code, module.__dict__)
        return module.Solution() if "class Solution" in code else module
    finally:
        signal.alarm(0)

def failure_kind(e):
    return (-3, "time limit exceeded") if "timeoutexception" in repr(e).lower() else (
        -4, "runtime error %s: %s" % (type(e).__name__, str(e)[:200]))

def grade_call_based(task):
    code, method, tests, limit = task["code"], task["method"], task["tests"], task["per_test_s"]
    target = compile_program(OFFICIAL_IMPORTS + "\n\n" + code, limit)
    fn = getattr(target, method, None)
    if fn is None:
        return "failed", "no function " + method, 0
    # Every input and output is parsed before the first call; a bad one fails the sample.
    inputs = [[json.loads(line) for line in t["input"].split("\n")] for t in tests]
    outputs = [json.loads(t["output"]) for t in tests]
    for i, (args, expected) in enumerate(zip(inputs, outputs)):
        signal.alarm(limit)
        try:
            result = fn(*args)
            signal.alarm(0)
        except Exception as e:
            signal.alarm(0)
            code_, what = failure_kind(e)
            return ("timeout" if code_ == -3 else "failed"), "test %d: %s (%d)" % (i, what, code_), i
        if isinstance(result, tuple):
            result = list(result)
        if result != expected:
            return "failed", "test %d: wrong answer (-2) got %s expected %s" % (
                i, short(result), short(expected)), i + 1
    return "passed", "", len(tests)

def without_main_guard(code):
    # A program ending in `if __name__ == '__main__':` gets that block's body instead.
    try:
        tree = ast.parse(code)
        last = tree.body[-1]
        if isinstance(last, ast.If) and ast.unparse(last.test).strip() == "__name__ == '__main__'":
            code = ast.unparse(tree.body[:-1]) + "\n" + ast.unparse(last.body)
    except Exception:
        pass
    return code

def as_function(code):
    # Imports stay at module level; every other statement becomes the body of
    # wrapped_function(), so each test runs the whole program afresh. Unparsable code is
    # returned as is (and then fails to compile).
    try:
        tree = ast.parse(code)
        imports = [s for s in tree.body if isinstance(s, (ast.Import, ast.ImportFrom))]
        rest = [s for s in tree.body if not isinstance(s, (ast.Import, ast.ImportFrom))]
        fn = ast.FunctionDef(name="wrapped_function",
                             args=ast.arguments(posonlyargs=[], args=[], kwonlyargs=[],
                                                kw_defaults=[], defaults=[]),
                             body=rest, decorator_list=[], lineno=-1)
        if "type_params" in ast.FunctionDef._fields:
            fn.type_params = []
        return OFFICIAL_IMPORTS + "\n" + ast.unparse(imports) + "\n" + ast.unparse(fn)
    except Exception:
        return code

def run_with_stdin(fn, text):
    # sys.stdin and builtins.open serve the test input as lcb_runner patches them (code
    # whose `open` the import block bound keeps the real one); stdout is captured;
    # SystemExit ends the program normally.
    real_stdin, real_open, real_stdout = sys.stdin, builtins.open, sys.stdout
    captured = io.StringIO()
    sys.stdin = io.StringIO(text)
    builtins.open = lambda *a, **k: io.StringIO(text)
    sys.stdout = captured
    try:
        fn()
    except SystemExit:
        pass
    finally:
        sys.stdin, builtins.open, sys.stdout = real_stdin, real_open, real_stdout
    return captured.getvalue()

def stripped_lines(text):
    return [line.strip() for line in text.strip().split("\n")]

def as_decimals(line):
    try:
        return [Decimal(token) for token in line.split()]
    except Exception:
        return None

def output_mismatch(got, want):
    # lcb_runner's comparison: same number of stripped lines; each line equal, or equal as
    # whitespace-separated Decimals. Returns None when the outputs match.
    got_lines, want_lines = stripped_lines(got), stripped_lines(want)
    if len(got_lines) != len(want_lines):
        return "mismatched output length (%d lines, expected %d)" % (len(got_lines), len(want_lines))
    for i, (g, w) in enumerate(zip(got_lines, want_lines)):
        if g == w:
            continue
        dg, dw = as_decimals(g), as_decimals(w)
        if dg is None or dw is None or dg != dw:
            return "line %d: %s != %s" % (i, short(g), short(w))
    return None

def grade_stdio(task):
    tests, limit = task["tests"], task["per_test_s"]
    target = compile_program(as_function(without_main_guard(task["code"])), limit)
    fn = getattr(target, "wrapped_function", None)
    if fn is None:
        return "failed", "no program to run", 0
    for i, test in enumerate(tests):
        signal.alarm(limit)
        try:
            got = run_with_stdin(fn, test["input"])
            signal.alarm(0)
        except Exception as e:
            signal.alarm(0)
            code_, what = failure_kind(e)
            return ("timeout" if code_ == -3 else "failed"), "test %d: %s (%d)" % (i, what, code_), i
        mismatch = output_mismatch(got, test["output"])
        if mismatch is not None:
            return "failed", "test %d: wrong answer (-2) %s" % (i, mismatch), i + 1
    return "passed", "", len(tests)

def judge_official(task):
    signal.signal(signal.SIGALRM, on_test_alarm)
    sys.set_int_max_str_digits(50000)
    return grade_call_based(task) if task["method"] else grade_stdio(task)

def main():
    with open("task.json") as f:
        task = json.load(f)
    os.remove("task.json")
    nonce = task.pop("nonce")
    out = os.fdopen(os.dup(1), "w")
    sys.stdout = open(os.devnull, "w")
    budget = task["timeout_s"]
    if task.get("mode") == "official":
        start = time.monotonic()
        try:
            status, reason, ran = judge_official(task)
        except BaseException as e:
            status, reason, ran = "failed", "error during testing (-4) %s: %s" % (
                type(e).__name__, str(e)[:300]), -1
        out.write("\n" + nonce + " " + json.dumps({"status": status, "reason": reason,
                  "tests_run": ran, "seconds": time.monotonic() - start}) + "\n")
        out.flush()
        os._exit(0)

    def on_alarm(signum, frame):
        raise BudgetSpent()

    signal.signal(signal.SIGALRM, on_alarm)
    start = time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, budget)
    try:
        passed, reason, ran = judge(task)
        status = "passed" if passed else "failed"
    except BudgetSpent:
        passed, status, reason, ran = False, "timeout", "timeout>%.1fs" % budget, -1
    except BaseException as e:
        passed, status, reason, ran = False, "failed", "%s: %s" % (type(e).__name__, str(e)[:300]), -1
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    out.write("\n" + nonce + " " + json.dumps({"status": status, "reason": reason,
              "tests_run": ran, "seconds": time.monotonic() - start}) + "\n")
    out.flush()
    os._exit(0)

main()
)LCB_DRIVER";

namespace {

std::string make_nonce() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  return "LCB-RESULT-" + std::to_string(rng()) + std::to_string(rng());
}

}  // namespace

namespace {

TestOutcome run_driver(nlohmann::json task, double wall_limit_s) {
  TestOutcome outcome;
  std::string nonce = make_nonce();
  task["nonce"] = nonce;
  sandbox::SandboxSpec spec;
  spec.argv = {"python3", "main.py"};
  spec.files = {
      {"main.py", kDriverSource, false},
      {"task.json", task.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), false}};
  spec.env = {"PYTHONDONTWRITEBYTECODE=1", "PYTHONNOUSERSITE=1"};
  // The driver's own alarm enforces the budget; the sandbox kills what ignores it
  // (a C extension loop, a swallowed BaseException) a little later.
  spec.limits = sandbox::default_run_limits(sandbox::Language::Python);
  spec.limits.wall_seconds = wall_limit_s;
  spec.limits.cpu_seconds = wall_limit_s;
  sandbox::SandboxResult r = sandbox::default_pool().run(spec);
  outcome.wall_seconds = r.wall_seconds;

  size_t at = r.stdout_data.rfind("\n" + nonce + " ");
  if (at == std::string::npos) {
    if (!r.started) {
      outcome.status = "error";
      outcome.reason = r.error;
    } else {
      // No verdict line: killed by the sandbox (time, memory) or the program ended the
      // process itself (os._exit) — a failure, as in the reference (no result → fail).
      outcome.status = r.timed_out || r.cpu_limit_hit ? "timeout" : "failed";
      outcome.reason = "no result from the test run (" + r.describe() + ")";
    }
    return outcome;
  }
  std::string line = r.stdout_data.substr(at + nonce.size() + 2);
  line = line.substr(0, line.find('\n'));
  nlohmann::json result = nlohmann::json::parse(line, nullptr, false);
  if (result.is_discarded()) {
    outcome.status = "error";
    outcome.reason = "unreadable driver result";
    return outcome;
  }
  outcome.status = result.value("status", "error");
  outcome.reason = result.value("reason", "");
  outcome.tests_run = result.value("tests_run", 0);
  outcome.passed = outcome.status == "passed";
  return outcome;
}

}  // namespace

TestOutcome run_public_tests(const std::string& code, const std::string& method,
                             const nlohmann::json& tests, double timeout_s) {
  nlohmann::json task = {{"mode", "omk"},
                         {"code", code},
                         {"method", method},
                         {"tests", tests},
                         {"timeout_s", timeout_s}};
  return run_driver(std::move(task), timeout_s + 5);
}

TestOutcome run_official_tests(const std::string& code, const std::string& func_name,
                               const nlohmann::json& tests) {
  constexpr int kPerTestSeconds = 6;
  nlohmann::json task = {{"mode", "official"}, {"code", code},     {"method", func_name},
                         {"tests", tests},     {"timeout_s", 0.0}, {"per_test_s", kPerTestSeconds}};
  // lcb_runner's global cap: (per-test limit + 1) per test, plus 5 s.
  return run_driver(std::move(task), (kPerTestSeconds + 1.0) * double(tests.size()) + 5);
}

}  // namespace harness::benches::livecodebench
