# The trusted-parent / untrusted-child split shared by the Python code-bench drivers
# (HumanEval, HumanEval+, LiveCodeBench). The C++ side prepends this file to each driver
# and ships the result as main.py into the sandbox; it is embedded into the binary.
#
# Why: a program that runs in the interpreter that writes the verdict can write the
# verdict itself (import __main__ and call the emitter, walk the stack for a nonce, write
# to the result fd, os._exit before the asserts). Here the program runs in a forked child
# that holds nothing but two pipes to the parent:
#   - the child's fds 0-2 are /dev/null and every other inherited fd is closed, so the
#     result stream (the parent's stdout) is out of its reach;
#   - the parent is not dumpable (PR_SET_DUMPABLE 0), so /proc/<parent>/fd and /mem are
#     closed to the child (same uid, no capabilities); the sandbox's seccomp filter
#     refuses ptrace, process_vm_readv/writev and kcmp;
#   - values cross the pipes as data in a restricted encoding (None, bool, int, float,
#     complex, str, bytes, list, tuple, dict, set, frozenset), decoded without pickle or
#     eval, so the parent never runs code the child chose;
#   - the tests and the comparison run in the parent; the child only computes results.
#   - the tests (expected outputs included) are read only after the fork, from a file the
#     parent opened and unlinked before it (open_private/read_private), so they are neither
#     in the child's copy of memory nor reachable through a descriptor or a path;
# Whatever the child does (lie, crash, exit, loop, kill the parent) can make a verdict
# "failed" or "timed out" but never "passed": only the parent's own code path says so.
# The parent measures the child's CPU time in /proc (the child cannot fake it) and kills
# its whole session when a limit is reached.
import json as _pc_json
import os as _pc_os
import select as _pc_select
import signal as _pc_signal
import struct as _pc_struct
import sys as _pc_sys
import time as _pc_time

_FRAME = _pc_struct.Struct(">Q")
_MAX_FRAME = 512 << 20
_CLOCK_TICKS = _pc_os.sysconf("SC_CLK_TCK")


class Unencodable(Exception):
    pass


# ---------------------------------------------------------------------------------------
# The encoding. Every node is JSON: null/true/false, strings, floats (Python's json writes
# and reads them exactly, nan/inf/-0.0 included) and ints below 2**62 as themselves;
# everything else is a list [tag, ...]: big ints as hex (no 4300-digit limit), containers
# by kind. Lists of only floats or only small ints travel packed (HE+ results reach ten
# million numbers per problem; one Python call per element would cost more than the
# solution).

_SCALARS = frozenset((type(None), bool, int, float, str))
_BIG = 1 << 62
_TAGS = {list: "l", tuple: "t", set: "s", frozenset: "F"}
_KINDS = {"l": list, "t": tuple, "s": set, "F": frozenset}


def _packed(tag, items):
    import array
    import base64
    kinds = set(map(type, items))
    if len(items) < 64 or len(kinds) != 1:
        return None
    if float in kinds:
        return [tag + "d", base64.b64encode(array.array("d", items).tobytes()).decode("ascii")]
    if int in kinds and max(items) < _BIG and min(items) > -_BIG:
        return [tag + "q", base64.b64encode(array.array("q", items).tobytes()).decode("ascii")]
    return None


def _unpacked(code, text):
    import array
    import base64
    values = array.array(code)
    values.frombytes(base64.b64decode(text.encode("ascii"), validate=True))
    return values.tolist()


def encode(value, lenient=False):
    t = type(value)
    if value is None or t is bool or t is str or t is float:
        return value
    if t is int:
        return value if -_BIG < value < _BIG else ["i", format(value, "x")]
    tag = _TAGS.get(t)
    if tag is not None:
        items = value if t is list or t is tuple else list(value)
        packed = _packed(tag, items)
        if packed is not None:
            return packed
        kinds = set(map(type, items))
        if kinds <= _SCALARS and (int not in kinds or all(-_BIG < v < _BIG for v in items
                                                          if type(v) is int)):
            return [tag, *items]
        return [tag] + [encode(v, lenient) for v in items]
    if t is dict:
        return ["d"] + [[encode(k, lenient), encode(v, lenient)] for k, v in value.items()]
    if t is complex:
        return ["c", value.real, value.imag]
    if t is bytes:
        return ["b", value.hex()]
    if lenient:
        # The child's results: subclasses of the plain types and numpy scalars become the
        # plain value, as a comparison in the program's own process would mostly treat them.
        for base in (int, float, str, complex, bytes, tuple, list, dict, set, frozenset):
            if isinstance(value, base):
                return encode(base(value), True)
        if type(value).__module__ == "numpy" and getattr(value, "shape", None) == ():
            return encode(value.item(), False)
    raise Unencodable("a value of type %s cannot be passed between the tests and the program"
                      % type(value).__name__)


def decode(node):
    t = type(node)
    if node is None or t is bool or t is str or t is float or t is int:
        return node
    if t is not list or not node or type(node[0]) is not str:
        raise ValueError("malformed value")
    tag, rest = node[0], node[1:]
    kind = _KINDS.get(tag[:1])
    if kind is not None and len(tag) == 2 and tag[1] in "dq" and len(rest) == 1 \
            and type(rest[0]) is str:
        items = _unpacked(tag[1], rest[0])
        return items if kind is list else kind(items)
    if kind is not None and len(tag) == 1:
        items = rest if set(map(type, rest)) <= _SCALARS else [decode(v) for v in rest]
        return items if kind is list else kind(items)
    if tag == "i" and len(rest) == 1 and type(rest[0]) is str:
        return int(rest[0], 16)
    if tag == "d":
        out = {}
        for pair in rest:
            if type(pair) is not list or len(pair) != 2:
                raise ValueError("malformed dict entry")
            out[decode(pair[0])] = decode(pair[1])
        return out
    if tag == "c" and len(rest) == 2 and all(type(v) is float for v in rest):
        return complex(rest[0], rest[1])
    if tag == "b" and len(rest) == 1 and type(rest[0]) is str:
        return bytes.fromhex(rest[0])
    raise ValueError("unknown value tag %r" % tag[:20])


def describe(e):
    try:
        return "%s: %s" % (type(e).__name__, e)
    except BaseException:
        return type(e).__name__


def open_private(path):
    """Opens `path` and unlinks it: after a fork, only the parent can read it (the child
    closes every inherited descriptor)."""
    fd = _pc_os.open(path, _pc_os.O_RDONLY)
    _pc_os.unlink(path)
    return fd


def read_private(fd):
    chunks = []
    while True:
        chunk = _pc_os.read(fd, 1 << 20)
        if not chunk:
            break
        chunks.append(chunk)
    _pc_os.close(fd)
    return _pc_json.loads(b"".join(chunks).decode("utf-8"))


# ---------------------------------------------------------------------------------------
# The child side: a blocking request/reply loop over two pipes.

def _read_exact(fd, n):
    chunks = []
    while n:
        chunk = _pc_os.read(fd, min(n, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def _child_serve(rfd, wfd, handlers):
    while True:
        try:
            (size,) = _FRAME.unpack(_read_exact(rfd, _FRAME.size))
            request = _pc_json.loads(_read_exact(rfd, size))
        except EOFError:
            _pc_os._exit(0)
        try:
            reply = handlers[request["op"]](request)
        except BaseException as e:  # SystemExit too: the parent decides what it means
            try:
                message = str(e)[-2000:]
            except BaseException:
                message = ""
            reply = {"error": type(e).__name__, "message": message}
        data = _pc_json.dumps(reply).encode("utf-8")
        data = _FRAME.pack(len(data)) + data
        while data:
            data = data[_pc_os.write(wfd, data):]


def _make_non_dumpable():
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    PR_SET_DUMPABLE = 4
    if libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_DUMPABLE, 0) failed")


def _proc_fields(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return None


class Gone(BaseException):
    # The child ended, or sent something that is not a reply: the sample fails.
    pass


class OverLimit(BaseException):
    # A time limit was reached; BaseException so that no `except Exception` of a test
    # can swallow it.
    pass


class ProgramChild:
    """The parent's handle on the program's process.

    `setup` runs in the child after it is cut off from everything but the pipes; it
    returns the handler table {op: function(request) -> reply dict}. The clock starts at
    the fork; `limit` (a function of this object returning None or a reason string) is
    checked every `tick_s` while the parent waits, and before every request.
    """

    def __init__(self, setup, tick_s=0.05):
        self.tick_s = tick_s
        self.limit_reason = None
        self.gone_reason = None
        self.check_limit = lambda child: None
        _make_non_dumpable()
        _pc_sys.stdout.flush()
        _pc_sys.stderr.flush()
        to_child_r, to_child_w = _pc_os.pipe()
        from_child_r, from_child_w = _pc_os.pipe()
        self.wall0 = _pc_time.monotonic()
        self.parent_cpu0 = _pc_time.process_time()
        self.parent_sched0 = self._schedstat("self")
        pid = _pc_os.fork()
        if pid == 0:
            try:
                _pc_os.setsid()
                # Keep the two pipe ends, close the rest; fds 0-2 become /dev/null.
                null = _pc_os.open(_pc_os.devnull, _pc_os.O_RDWR)
                for fd in (0, 1, 2):
                    _pc_os.dup2(null, fd)
                start = 3
                for fd in sorted((to_child_r, from_child_w)):
                    _pc_os.closerange(start, fd)
                    start = fd + 1
                _pc_os.closerange(start, max(start + 1, _pc_os.sysconf("SC_OPEN_MAX")))
                rfd, wfd = to_child_r, from_child_w
                handlers = setup()
                _child_serve(rfd, wfd, handlers)
            except BaseException:
                pass
            _pc_os._exit(0)
        self.pid = pid
        _pc_os.close(to_child_r)
        _pc_os.close(from_child_w)
        self.wfd, self.rfd = to_child_w, from_child_r
        _pc_os.set_blocking(self.wfd, False)
        _pc_os.set_blocking(self.rfd, False)
        self.final = None
        self._pollers = {}

    # -- measurements ------------------------------------------------------------------

    @staticmethod
    def _schedstat(who):
        data = _proc_fields("/proc/%s/schedstat" % who)
        try:
            fields = data.split()
            return int(fields[0]) / 1e9, int(fields[1]) / 1e9
        except Exception:
            return None

    def child_cpu(self):
        if self.final is not None:
            return self.final
        data = _proc_fields("/proc/%d/stat" % self.pid)
        try:
            fields = data[data.rindex(b")") + 2:].split()
            # utime stime cutime cstime (fields 14-17 of proc(5))
            return sum(int(v) for v in fields[11:15]) / _CLOCK_TICKS
        except Exception:
            return 0.0

    def parent_cpu(self):
        return _pc_time.process_time() - self.parent_cpu0

    def cpu(self):
        return self.child_cpu() + self.parent_cpu()

    def wall(self):
        return _pc_time.monotonic() - self.wall0

    def blocked(self):
        # Wall time in which neither process ran nor waited for a CPU: sleeping or blocked.
        # Unlike plain wall time, machine load does not inflate it.
        mine = self._schedstat("self")
        child = self._schedstat(str(self.pid)) if self.final is None else self._child_sched_last
        if mine is None or self.parent_sched0 is None or child is None:
            return 0.0
        self._child_sched_last = child
        busy = (mine[0] - self.parent_sched0[0]) + (mine[1] - self.parent_sched0[1])
        busy += child[0] + child[1]
        return max(0.0, self.wall() - busy)

    _child_sched_last = None

    # -- the protocol ------------------------------------------------------------------

    def _poll(self, fd, events):
        # The limit is checked at most once per tick: reading /proc on every request would
        # cost more than most calls of the program.
        poller = self._pollers.get((fd, events))
        if poller is None:
            poller = self._pollers[(fd, events)] = _pc_select.poll()
            poller.register(fd, events)
        while True:
            now = _pc_time.monotonic()
            if now >= self._next_check:
                self._next_check = now + self.tick_s
                reason = self.check_limit(self)
                if reason:
                    self.limit_reason = reason
                    self.kill()
                    raise OverLimit(reason)
            if poller.poll(int(self.tick_s * 1000) + 1):
                return

    _next_check = 0.0

    def _lost(self, why):
        if self.gone_reason is None and self.limit_reason is None:
            status = self.kill()
            if self.killed_by == _pc_signal.SIGXCPU:
                # The sandbox's CPU limit (RLIMIT_CPU, per process) ended the program.
                self.limit_reason = "the sandbox's CPU limit ended the program"
            else:
                self.gone_reason = why + (" (" + status + ")" if status else "")
        if self.limit_reason is not None:
            raise OverLimit(self.limit_reason)
        raise Gone(self.gone_reason)

    killed_by = 0

    def request(self, message):
        """Sends one request; returns the reply dict. Raises OverLimit or Gone."""
        if self.gone_reason is not None:
            raise Gone(self.gone_reason)
        if self.limit_reason is not None:
            raise OverLimit(self.limit_reason)
        data = _pc_json.dumps(message).encode("utf-8")
        data = _FRAME.pack(len(data)) + data
        while data:
            self._poll(self.wfd, _pc_select.POLLOUT)
            try:
                data = data[_pc_os.write(self.wfd, data):]
            except BlockingIOError:
                continue
            except OSError:
                self._lost("the program's process ended before the tests finished")
        header = self._read(_FRAME.size)
        (size,) = _FRAME.unpack(header)
        if size > _MAX_FRAME:
            self._lost("the program's process sent an oversized reply")
        try:
            reply = _pc_json.loads(self._read(size))
        except ValueError:
            self._lost("the program's process sent an unreadable reply")
        if type(reply) is not dict:
            self._lost("the program's process sent an unreadable reply")
        return reply

    def _read(self, n):
        chunks = []
        while n:
            self._poll(self.rfd, _pc_select.POLLIN)
            try:
                chunk = _pc_os.read(self.rfd, min(n, 1 << 20))
            except BlockingIOError:
                continue
            if not chunk:
                self._lost("the program's process ended before the tests finished")
            chunks.append(chunk)
            n -= len(chunk)
        return b"".join(chunks)

    def kill(self):
        """Ends the child and everything it started; returns how it ended ("" if known
        already). Idempotent."""
        if self.final is not None:
            return ""
        cpu_before = self.child_cpu()
        sched = self._schedstat(str(self.pid))
        if sched is not None:
            self._child_sched_last = sched
        for target in (-self.pid, self.pid):
            try:
                _pc_os.kill(target, _pc_signal.SIGKILL)
            except OSError:
                pass
        status = ""
        try:
            _, wait_status, usage = _pc_os.wait4(self.pid, 0)
            self.final = max(cpu_before, usage.ru_utime + usage.ru_stime)
            if _pc_os.WIFEXITED(wait_status):
                status = "exit status %d" % _pc_os.WEXITSTATUS(wait_status)
            elif _pc_os.WIFSIGNALED(wait_status):
                sig = self.killed_by = _pc_os.WTERMSIG(wait_status)
                status = "" if sig == _pc_signal.SIGKILL else "killed by signal %d" % sig
        except OSError:
            self.final = cpu_before
        for fd in (self.rfd, self.wfd):
            try:
                _pc_os.close(fd)
            except OSError:
                pass
        return status
