# The LCB scoring child as a Python driver run in the sandbox: omk's (benches.md §8) and
# lcb_runner's (official mode). The C++ side ships program_child.py + this file as main.py;
# both are embedded into the binary at build time.
#
# The program runs in a forked child (program_child.py): it computes results only. The
# test inputs, the expected outputs, the comparisons (CPython's: `1 == 1.0 == True`, list
# vs tuple, no float tolerance; Decimal tokens for stdin output) and the verdict line stay
# in this process, which the child cannot reach: call results and captured stdout come
# back as plain data. So no nonce is needed (a fork would copy it into the child anyway):
# only this process writes to the result stream.
import ast
import builtins
import io
import json
import os
import signal
import sys
import types
from decimal import Decimal

# Only the read-only system directories: never a module from the writable work dir.
sys.path[:] = [p for p in sys.path if p.startswith("/usr/")]

MARK = "\x1eLCB-DRIVER-RESULT "

PREAMBLE = (
    "from typing import List, Dict, Tuple, Set, Optional, Union, Any, Callable, Iterator, Iterable, Sequence\n"
    "from collections import defaultdict, deque, Counter, OrderedDict\n"
    "from math import inf, gcd, floor, ceil, sqrt, log, log2, factorial\n"
    "from heapq import heappush, heappop, heapify, nlargest, nsmallest\n"
    "from bisect import bisect_left, bisect_right, insort\n"
    "from itertools import accumulate, combinations, permutations, product\n"
    "from functools import lru_cache, cache, reduce\n"
)

# lcb_runner's import block: every `from m import *` first, then the plain imports (so
# `datetime`, `copy` and the like end up naming the modules), then the recursion limit.
FROM_STAR = ("string", "re", "datetime", "collections", "heapq", "bisect", "copy", "math",
             "random", "statistics", "itertools", "functools", "operator", "io", "sys", "json",
             "builtins", "typing")
OFFICIAL_IMPORTS = ("".join("from %s import *\n" % m for m in FROM_STAR) +
                    "".join("import %s\n" % m for m in FROM_STAR[:-2]) +
                    "sys.setrecursionlimit(50000)\n")


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


# --- child side: what the program's process does ------------------------------------------

# An Exception, as in lcb_runner: a program's own `except Exception` can swallow it.
class TimeoutException(Exception):
    pass


def on_test_alarm(signum, frame):
    raise TimeoutException()


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


def with_alarm(seconds, fn, *args):
    signal.alarm(seconds)
    try:
        return fn(*args)
    finally:
        signal.alarm(0)


def omk_handlers(task):
    sys.stdout = open(os.devnull, "w")
    namespace = {}

    def load(request):
        exec(PREAMBLE + task["code"], namespace)
        return {"has_solution": namespace.get("Solution") is not None}

    def call(request):
        fn = getattr(namespace["Solution"](), task["method"], None)
        if fn is None:
            return {"missing": True}
        return {"value": encode(fn(*decode(request["args"])), lenient=True)}

    return {"load": load, "call": call}


def official_handlers(task):
    sys.stdout = open(os.devnull, "w")
    signal.signal(signal.SIGALRM, on_test_alarm)
    sys.set_int_max_str_digits(50000)
    limit = task["per_test_s"]
    state = {}

    def compile_program(code):
        # exec under the per-test alarm; LeetCode code gets a Solution instance.
        def run():
            module = types.ModuleType("tmp_sol", "")
            exec(code, module.__dict__)
            return module.Solution() if "class Solution" in code else module
        return with_alarm(limit, run)

    def load(request):
        if task["method"]:
            target = compile_program(OFFICIAL_IMPORTS + "\n\n" + task["code"])
            state["fn"] = getattr(target, task["method"], None)
        else:
            target = compile_program(as_function(without_main_guard(task["code"])))
            state["fn"] = getattr(target, "wrapped_function", None)
        return {"has_function": state["fn"] is not None}

    def call(request):
        return {"value": encode(with_alarm(limit, state["fn"], *decode(request["args"])),
                                lenient=True)}

    def run_stdin(request):
        return {"value": with_alarm(limit, run_with_stdin, state["fn"], request["input"])}

    return {"load": load, "call": call, "run_stdin": run_stdin}


# --- parent side: the tests and the verdict --------------------------------------------

class ProgramRaised(Exception):
    def __init__(self, reply):
        self.type_name = str(reply.get("error"))[:200]
        self.message = str(reply.get("message", ""))
        super().__init__(self.message)


def ask(child, request):
    reply = child.request(request)
    if "error" in reply:
        raise ProgramRaised(reply)
    return reply


def value_of(child, reply):
    try:
        return decode(reply["value"])
    except Exception:
        child._lost("the program's process sent a value that is not plain data")


def judge_omk(child, task):
    code, method, tests = task["code"], task["method"], task["tests"]
    if not ask(child, {"op": "load"}).get("has_solution"):
        return "failed", "no Solution class", 0
    for i, test in enumerate(tests):
        inp = test["input"].strip()
        expected = parse(test["output"].strip())
        if "\n" in inp:
            args = [parse(line.strip()) for line in inp.splitlines() if line.strip()]
        else:
            args = [parse(inp)]
        reply = ask(child, {"op": "call", "args": encode(args, lenient=True)})
        if reply.get("missing"):
            return "failed", "Solution has no method " + method, i
        result = value_of(child, reply)
        if isinstance(result, tuple):
            result = list(result)
        if result != expected:
            return "failed", "test %d: got %s expected %s" % (i, short(result), short(expected)), i + 1
    return "passed", "", len(tests)


def failure_kind(e):
    # lcb_runner tells a time-out from the exception's repr.
    text = "%s(%r)" % (e.type_name, e.message)
    return (-3, "time limit exceeded") if "timeoutexception" in text.lower() else (
        -4, "runtime error %s: %s" % (e.type_name, e.message[:200]))


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


def judge_official(child, task, deadline):
    tests, limit = task["tests"], task["per_test_s"]
    call_based = bool(task["method"])
    if call_based:
        # Every input and output is parsed before the program runs; a bad one fails the
        # sample.
        inputs = [[json.loads(line) for line in t["input"].split("\n")] for t in tests]
        outputs = [json.loads(t["output"]) for t in tests]
    deadline(limit + 1.0)
    if not ask(child, {"op": "load"}).get("has_function"):
        return "failed", ("no function " + task["method"]) if call_based else "no program to run", 0
    for i, test in enumerate(tests):
        deadline(limit + 1.0)
        try:
            if call_based:
                result = value_of(child, ask(child, {"op": "call",
                                                     "args": encode(inputs[i], lenient=True)}))
            else:
                got = ask(child, {"op": "run_stdin", "input": test["input"]})["value"]
                if type(got) is not str:
                    child._lost("the program's process sent output that is not text")
        except ProgramRaised as e:
            code_, what = failure_kind(e)
            return ("timeout" if code_ == -3 else "failed"), "test %d: %s (%d)" % (i, what, code_), i
        except OverLimit:
            return "timeout", "test %d: time limit exceeded (-3)" % i, i
        if call_based:
            if isinstance(result, tuple):
                result = list(result)
            if result != outputs[i]:
                return "failed", "test %d: wrong answer (-2) got %s expected %s" % (
                    i, short(result), short(outputs[i])), i + 1
        else:
            mismatch = output_mismatch(got, test["output"])
            if mismatch is not None:
                return "failed", "test %d: wrong answer (-2) %s" % (i, mismatch), i + 1
    return "passed", "", len(tests)


def main():
    with open("task.json") as f:
        task = json.load(f)
    os.remove("task.json")
    # The tests (expected outputs included) are read only after the fork: the program's
    # process never has them (program_child.open_private).
    tests_fd = open_private("tests.json")
    out = os.dup(1)
    sys.stdout = sys.stderr = open(os.devnull, "w")
    sys.set_int_max_str_digits(50000)
    official = task.get("mode") == "official"
    handlers = official_handlers if official else omk_handlers

    def verdict(status, reason, ran, seconds):
        data = ("\n" + MARK + json.dumps({"status": status, "reason": reason, "tests_run": ran,
                                           "seconds": seconds}) + "\n").encode("utf-8")
        while data:
            data = data[os.write(out, data):]
        os._exit(0)

    try:
        child = ProgramChild(lambda: handlers(task))
    except Exception as e:  # e.g. no process left for the child (sandbox.processes)
        verdict("error", "the driver could not start the program's process: %s: %s"
                % (type(e).__name__, e), 0, 0.0)
    task["tests"] = read_private(tests_fd)
    if official:
        limit_at = [None]

        def deadline(seconds):
            limit_at[0] = child.wall() + seconds

        child.check_limit = lambda c: ("time limit exceeded"
                                       if limit_at[0] is not None and c.wall() > limit_at[0] else None)
        try:
            status, reason, ran = judge_official(child, task, deadline)
        except Gone as e:
            status, reason, ran = "failed", str(e), -1
        except BaseException as e:
            what = "%s: %s" % (e.type_name, e.message[:300]) if isinstance(e, ProgramRaised) else (
                "%s: %s" % (type(e).__name__, str(e)[:300]))
            status, reason, ran = "failed", "error during testing (-4) " + what, -1
    else:
        budget = task["timeout_s"]
        child.check_limit = lambda c: "timeout>%.1fs" % budget if c.wall() > budget else None
        try:
            status, reason, ran = judge_omk(child, task)
        except OverLimit:
            status, reason, ran = "timeout", "timeout>%.1fs" % budget, -1
        except Gone as e:
            status, reason, ran = "failed", str(e), -1
        except ProgramRaised as e:
            status, reason, ran = "failed", "%s: %s" % (e.type_name, e.message[:300]), -1
        except BaseException as e:
            status, reason, ran = "failed", "%s: %s" % (type(e).__name__, str(e)[:300]), -1
    # What happened to the child decides over anything the comparison concluded.
    if child.gone_reason is not None and status == "passed":
        status, reason = "failed", child.gone_reason
    seconds = child.wall()
    child.kill()
    verdict(status, reason, ran, seconds)


main()
