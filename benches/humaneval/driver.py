# HumanEval / HumanEval+ driver. Runs ONLY inside the harness sandbox: the C++ side ships
# program_child.py + this file as main.py next to task.json; both are embedded into the
# binary at build time.
#
# Modes (task.json "mode"):
#   "extract"   benches.md §7 steps 2-4 over the fenced blocks and the fallback text the
#               C++ side cut out of the response (step 1 and the fence strip of step 4 are
#               done there with Python-compatible regexes).
#   "run"       "extract", then execute prompt + candidate, the test and check(entry_point)
#               with the semantics of HF evaluate's code_eval child, but split: the
#               program runs in a forked child, the tests and the verdict here.
#   "calibrate" time a fixed workload, for the machine speed factor.
#
# Results go to stdout as lines "<MARK><kind> <json>", written only by this process. The
# program runs in a child that holds no descriptor of that stream and cannot reach this
# process (program_child.py says how), so it can neither forge a result line nor end this
# process in a way that reads as a pass: a pass is only ever written after the test code
# returned here.
import ast
import builtins
import io
import json
import os
import re
import sys
import time
import types
import typing

# Only the read-only system directories: never a module from the writable work dir,
# which the program's process can fill.
sys.path[:] = [p for p in sys.path if p.startswith("/usr/")]

MARK = "\x1eHUMANEVAL-DRIVER "
_result_fd = os.dup(1)


def emit(kind, payload):
    data = (MARK + kind + " " + json.dumps(payload) + "\n").encode("utf-8")
    while data:
        data = data[os.write(_result_fd, data):]


# ---------------------------------------------------------------------------------------
# Extraction: parse_trim (benches.md §7 step 2). The reference splits on "\n" only, takes
# the indentation of the first line that is not blank (str.strip), and removes it only from
# lines that start with it.

def smart_dedent(text):
    lines = text.split("\n")
    prefix = ""
    for line in lines:
        if line.strip():
            prefix = re.match(r"[ \t]*", line).group()
            break
    if not prefix:
        return text
    return "\n".join(l[len(prefix):] if l.startswith(prefix) else l for l in lines)


def is_docstring_only(body):
    return (len(body) == 1 and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str))


def has_real_function(tree):
    # Any function (nested ones too) whose body is more than a lone docstring.
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if node.body and not is_docstring_only(node.body):
                return True
    return False


def parse_trim(text, notes):
    # Every prefix of lines is tried (a line that breaks the parse stays in later prefixes,
    # as in the reference); the last prefix that parses and has a real function wins.
    lines = smart_dedent(text).split("\n")
    best = None
    for k in range(1, len(lines) + 1):
        cand = "\n".join(lines[:k]).rstrip()
        if not cand.strip():
            continue
        try:
            tree = ast.parse(cand)
        except SyntaxError:
            continue
        except Exception as e:  # e.g. ValueError for a NUL byte: the reference crashes here
            notes.append("ast.parse raised %s on a %d-line prefix; treated as not parseable"
                         % (type(e).__name__, k))
            continue
        if has_real_function(tree):
            best = cand
    if best is not None and "def " in best:
        return best
    return None


def choose_candidate(blocks, fallback):
    notes = []
    results = [parse_trim(b, notes) for b in blocks]
    source = None
    candidate = None
    for i in range(len(results) - 1, -1, -1):
        if results[i] is not None:
            candidate = results[i]
            source = "block %d of %d" % (i + 1, len(blocks))
            break
    if candidate is None:
        trimmed = parse_trim(fallback, notes)
        if trimmed is not None:
            candidate, source = trimmed, "fallback, parse_trim"
        else:
            candidate, source = fallback, "fallback, raw text"
    return {"candidate": candidate, "source": source, "block_results": results,
            "notes": notes}


# ---------------------------------------------------------------------------------------
# Execution: the semantics of HF evaluate code_eval's child process, split in two (see
# program_child.py above): the program (prompt + candidate) runs in the child, the test
# code and `check(entry_point)` run here, in the trusted parent, with fresh globals that
# hold the program's globals the test names: callables as proxies that call into the
# child, modules re-imported here, plain data copied.

class SwallowingIO(io.StringIO):
    # What the program sees as stdin/stdout/stderr: writes are kept in memory and dropped,
    # reads raise OSError (the reference's write-only StringIO).
    def read(self, *args, **kwargs):
        raise OSError("stdin is not readable")

    def readline(self, *args, **kwargs):
        raise OSError("stdin is not readable")

    def readlines(self, *args, **kwargs):
        raise OSError("stdin is not readable")

    def readable(self, *args, **kwargs):
        return False


# Functions the reference's reliability guard sets to None before the program runs, so a
# program that calls them fails as it does there.
DISABLED = {
    "os": ("kill", "system", "putenv", "remove", "removedirs", "rmdir", "fchdir",
           "setuid", "fork", "forkpty", "killpg", "rename", "renames", "truncate",
           "replace", "unlink", "fchmod", "fchown", "chmod", "chown", "chroot",
           "lchflags", "lchmod", "lchown", "getcwd", "chdir"),
    "shutil": ("rmtree", "move", "chown"),
    "subprocess": ("Popen",),
    "builtins": ("exit", "quit", "help"),
}
BLOCKED_MODULES = ("ipdb", "joblib", "resource", "psutil", "tkinter")

# Modules the reference's parent process (lm-eval + evaluate) has already imported when it
# forks the child, so a program can import them after the guard. numpy matters most: the
# HE+ tests import it, and a fresh import after the guard fails.
PRELOAD = ("numpy", "math", "re", "collections", "itertools", "functools", "heapq",
           "bisect", "string", "typing", "hashlib", "random", "fractions", "decimal",
           "statistics", "copy", "operator", "json", "datetime", "dataclasses", "enum",
           "abc", "contextlib", "io", "struct", "array", "queue", "threading",
           "unicodedata", "textwrap", "numbers", "cmath")


def preload():
    # OpenBLAS would start one thread per core on import; the sandbox counts threads as
    # processes and the time budget counts every thread's CPU time.
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"
    missing = []
    for name in PRELOAD:
        try:
            __import__(name)
        except Exception:
            missing.append(name)
    return missing


def apply_guard():
    import builtins
    import faulthandler
    import shutil
    import subprocess
    faulthandler.disable()
    modules = {"os": os, "shutil": shutil, "subprocess": subprocess, "builtins": builtins}
    for module_name, names in DISABLED.items():
        for name in names:
            setattr(modules[module_name], name, None)
    for name in BLOCKED_MODULES:
        sys.modules[name] = None


def global_names(code):
    # Every name the test code's byte code mentions (globals, attributes, imports): a
    # superset of the globals it reads.
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= global_names(const)
    return names


# --- child side -------------------------------------------------------------------------

def describe_global(value):
    # How the parent gets one of the program's globals (see materialize()).
    if isinstance(value, types.ModuleType):
        return ["module", str(value.__name__)]
    if getattr(type(value), "__module__", None) == "typing" or (
            getattr(value, "__module__", None) == "typing" and not callable(value)):
        for attr in dir(typing):
            if getattr(typing, attr, None) is value:
                return ["typing", attr]
    try:
        return ["data", encode(value)]
    except Exception:
        pass
    if callable(value):
        return ["call"]
    return ["opaque", type(value).__name__]


def program_handlers(program):
    # Runs in the child: the reference's guard and redirections, then the program in
    # fresh globals (so __name__ is "builtins", as with exec(program, {})).
    apply_guard()
    sink = SwallowingIO()
    sys.stdout = sys.stderr = sys.stdin = sink
    program_globals = {}

    def load(request):
        exec(program, program_globals)
        return {"names": {n: describe_global(program_globals[n]) for n in request["names"]
                          if n in program_globals and n != "__builtins__"}}

    def call(request):
        fn = program_globals[request["name"]]
        args, kwargs = decode(request["args"]), decode(request["kwargs"])
        return {"value": encode(fn(*args, **kwargs), lenient=True)}

    return {"load": load, "call": call}


# --- parent side ------------------------------------------------------------------------

def rebuild_exception(reply):
    # The child's exception as one the test can catch like the original (same builtin
    # base class) and that reports the same "Type: message".
    name, message = str(reply.get("error"))[:200], str(reply.get("message", ""))[-2000:]
    base = getattr(builtins, name, None)
    if not (isinstance(base, type) and issubclass(base, BaseException)):
        base = Exception
    try:
        cls = type(name if name.isidentifier() else "ProgramError", (base,),
                   {"__str__": lambda self: message})
        return cls()
    except Exception:
        cls = type(name if name.isidentifier() else "ProgramError", (Exception,),
                   {"__str__": lambda self: message})
        return cls()


class Remote:
    # One of the program's callables, seen from the tests: a call sends the arguments to
    # the child as data and returns its result as data.
    def __init__(self, child, name):
        self._child, self.__name__ = child, name

    def __call__(self, *args, **kwargs):
        reply = self._child.request({"op": "call", "name": self.__name__,
                                     "args": encode(list(args), lenient=True),
                                     "kwargs": encode(kwargs, lenient=True)})
        if "error" in reply:
            raise rebuild_exception(reply)
        try:
            return decode(reply["value"])
        except Exception:
            self._child._lost("the program's process sent a value that is not plain data")

    def __repr__(self):
        return "<program function %s>" % self.__name__


class Opaque:
    # A program global that is neither data, a module nor callable.
    def __init__(self, name, kind):
        self._why = "the program's global %s (a %s) cannot be used by the tests" % (name, kind)

    def __getattr__(self, attr):
        raise TypeError(self._why)


def materialize(child, name, how):
    kind = how[0] if type(how) is list and how and type(how[0]) is str else None
    if kind == "module" and len(how) == 2 and type(how[1]) is str:
        import importlib
        try:
            return importlib.import_module(how[1])
        except Exception:
            return Opaque(name, "module that cannot be imported here")
    if kind == "typing" and len(how) == 2 and type(how[1]) is str and hasattr(typing, how[1]):
        return getattr(typing, how[1])
    if kind == "data" and len(how) == 2:
        return decode(how[1])
    if kind == "call":
        return Remote(child, name)
    return Opaque(name, str(how[1])[:100] if kind == "opaque" and len(how) == 2 else "value")


def execute(program, tests_fd, limits):
    missing = preload()
    timeout, factor = limits["timeout_s"], limits["speed_factor"]
    child = ProgramChild(lambda: program_handlers(program), limits.get("tick_s", 0.05))
    # The test code (expected results included) exists in this process only from here on.
    tests = read_private(tests_fd)
    test = compile(tests["test"] + "\ncheck(" + tests["entry_point"] + ")\n", "<test>", "exec")

    def used(c):
        return c.cpu() / factor + c.blocked()

    child.check_limit = lambda c: "time limit reached" if used(c) > timeout else None
    status, reason = "passed", ""
    try:
        reply = child.request({"op": "load", "names": sorted(global_names(test))})
        if "error" in reply:
            raise rebuild_exception(reply)
        test_globals = {}
        for name, how in reply["names"].items():
            test_globals[str(name)] = materialize(child, str(name), how)
        exec(test, test_globals)
    except OverLimit as e:
        status, reason = "timed out", str(e)
    except Gone as e:
        status, reason = "failed", str(e)
    except BaseException as e:  # SystemExit and KeyboardInterrupt fail too, as in code_eval
        status, reason = "failed", describe(e)
    # The tests may catch a proxy's exception; what happened to the child still decides.
    if child.limit_reason is not None:
        status, reason = "timed out", child.limit_reason
    elif child.gone_reason is not None:
        status, reason = "failed", child.gone_reason
    child.kill()
    total = used(child)
    if status == "passed" and total > timeout:
        status, reason = "timed out", "finished after the time limit"
    return {"status": status, "reason": reason[-2000:], "cpu_s": round(child.cpu(), 4),
            "wall_s": round(child.wall(), 4), "blocked_s": round(child.blocked(), 4),
            "used_s": round(total, 4), "limit_s": timeout, "preload_missing": missing}


def calibrate(reps):
    # Big-integer products, string building and a plain bytecode loop: the kinds of work
    # that dominate the slowest HE+ canonical solutions (HumanEval/139, /15, /130).
    def work():
        f = a = 1
        for i in range(2, 400):
            f *= i
            a *= f
        s = " ".join(map(str, range(300000)))
        t = 0
        for i in range(400000):
            t += i % 7
        return len(s) + t + (a & 1)

    times = []
    for _ in range(reps):
        c = time.process_time()
        work()
        times.append(time.process_time() - c)
    return {"best_cpu_s": min(times), "cpu_s": times}


# The same patterns as fences.cpp, for the rare response PCRE2 gives up on.
BLOCK_RE = re.compile(r"[ \t]*```(?:python|py)?[ \t]*\n((?:(?!```).)*?)\n[ \t]*```",
                      re.DOTALL | re.IGNORECASE)
LEADING_FENCE_RE = re.compile(r"^\s*```(?:python|py)?\s*\n?", re.IGNORECASE)


def split_response(response):
    fallback = LEADING_FENCE_RE.sub("", response)
    cut = fallback.find("```")
    if cut != -1:
        fallback = fallback[:cut]
    return BLOCK_RE.findall(response), fallback


def main():
    with open("task.json", encoding="utf-8") as f:
        task = json.load(f)
    os.unlink("task.json")
    # tests.json: read by the parent after the fork only (see execute()).
    tests_fd = open_private("tests.json") if os.path.exists("tests.json") else None
    mode = task["mode"]
    if mode == "calibrate":
        emit("calibration", calibrate(int(task.get("reps", 5))))
        return
    blocks, fallback = task.get("blocks"), task.get("fallback")
    if blocks is None:
        blocks, fallback = split_response(task["response"])
    chosen = choose_candidate(blocks, fallback)
    emit("extraction", chosen)
    if mode == "run":
        # The reference runs prompt + candidate + "\n" + test + "\ncheck(entry_point)" as
        # one program; the test part runs here.
        program = task["prompt"] + chosen["candidate"] + "\n"
        # Whatever the tests print must not reach the result stream.
        sys.stdout = sys.stderr = open(os.devnull, "w")
        emit("outcome", execute(program, tests_fd, task["limits"]))


if __name__ == "__main__":
    try:
        main()
    except BaseException as e:
        emit("driver_error", {"error": describe(e)})
    os._exit(0)
