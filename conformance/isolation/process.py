"""The pytest process's handle on one worker: starting it, calling into it, stopping it.

Defends the run against an implementation that does not cooperate. Every message from
the worker is read with a deadline and a size limit (:mod:`.wire`), must answer the call
just made (by its id), and is decoded to plain data only; its text is reduced to one
printable line (:func:`.oneline.clean`) and its load report to what a report may contain
(:func:`.remote.checked_report`). A hang, a crash, garbage on the pipe or a reply out of
turn becomes a one-line :class:`WorkerFailure` naming the reason; the worker is killed
(its process group and its cgroup) and restarted for the next call, and nothing makes
the run wait longer than a call's timeout.

Defends the run's duration against an implementation that is slow to load and crashes
on every call: the time budget is charged for calls, start-ups and restarts alike, and a
restart or a call gets at most what is left of it; once it is used up every call fails
at once, and once a function's calls have killed the worker ``MAX_CRASHES`` times in a
row, every later call of that function fails at once, with the reason (counted per
function, so that one crashing function does not fail the checks of the others).

The worker's stdout and stderr go to a log file, never into pytest's output. Its
environment holds a few of the suite's variables and its own home (mode 0700), temporary
directory and spec cache: never the suite's cache, whose files the pytest process
executes. As root, each worker gets a user id of its own for the run (:mod:`.uids`).
"""
from __future__ import annotations

import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from deltaspec.conformance.isolation import limits, paths, uids, wire
from deltaspec.conformance.isolation.limits import MEMORY_LIMIT
from deltaspec.conformance.isolation.oneline import clean
from deltaspec.conformance.isolation.privileges import protect_parent
from deltaspec.conformance.isolation.remote import CONVENTION_NAMES, RaisedInWorker, checked_report
from deltaspec.conformance.isolation.sandbox import SANDBOX_ENV
from deltaspec.conformance.isolation.strays import (
    alive,
    kill_until_gone,
    own,
    process_group,
)

CALL_TIMEOUT = 5.0
LOAD_TIMEOUT = 30.0
MAX_CRASHES = 3   # calls of one function in a row that killed the worker; then its calls fail at once
# the worker's command line keeps the module name it has always had (see worker.py)
ENTRY_POINT = "deltaspec.conformance.isolation.worker"


class WorkerFailure(Exception):
    """A call did not return a usable answer; the message is one line."""


class Worker:
    """The parent's handle on one isolated implementation."""

    def __init__(self, requested: str, timeout: float = CALL_TIMEOUT, memory: int = MEMORY_LIMIT,
                 budget: float | None = None, sandbox: bool | None = None, spin: float = 0.0):
        self.requested = requested
        self.timeout, self.memory, self.budget = timeout, memory, budget
        self.spin = spin   # seconds each side polls for the other's message before it sleeps
        self.sandbox = (os.environ.get(SANDBOX_ENV, "1") != "0") if sandbox is None else sandbox
        self.spent = 0.0
        self.process: subprocess.Popen | None = None
        self.info: dict | None = None
        self.restarts = 0
        self.crashes: dict[str, tuple[int, str]] = {}   # function -> (crashes in a row, the last one)
        self.cgroup: Path | None = None   # the pids cgroup: which processes are the worker's
        self.cgroups: dict = {}
        self.containment = ""
        self.trusted: set[int] = set()
        self.sequence = 0
        self.calls = self.messages = 0   # calls sent, and the messages that carried them
        self.pidfd: int | None = None
        self.to_child = self.from_child = -1
        self.log = tempfile.NamedTemporaryFile(prefix="deltaspec-worker-", suffix=".log", delete=False)
        self.home = tempfile.mkdtemp(prefix="deltaspec-worker-")   # mode 0700; the worker chowns it
        self.lease = uids.lease() if sys.platform.startswith("linux") else None
        self.view: dict | None = None

    # ------------------------------------------------------------ starting

    def start(self, budgeted: bool = False, meanwhile=None) -> dict:
        """Start the worker and load the implementation; returns what it reported. The
        time it takes is charged to the budget; ``budgeted`` (a restart) also bounds it
        by what is left of the budget. ``meanwhile()``, if given, runs in this process
        while the worker starts (once, before the load report is awaited)."""
        began = time.perf_counter()
        try:
            info = self._start(budgeted, meanwhile)
            if info.get("sandbox_failed") is not None:
                reason = clean(info["sandbox_failed"], 200)
                self.sandbox = False
                info = self._start(budgeted)
                self.containment = f"{self.containment} (namespace sandbox failed: {reason})".strip()
        finally:
            self.spent += time.perf_counter() - began
        return info

    def _start(self, budgeted: bool, meanwhile=None) -> dict:
        """One attempt: the worker's first message (how it is contained, or that its
        sandbox failed), then its load report."""
        self.stop()
        sandboxed = self._spawn()
        try:
            if meanwhile is not None:
                meanwhile()
            limit, cut = self._limit(LOAD_TIMEOUT) if budgeted else (LOAD_TIMEOUT, False)
            deadline = time.monotonic() + limit
            first = self._await(deadline, "starting the worker", limit, cut)
            # the first message comes before any student code runs: only there is a
            # sandbox failure believed (then the suite retries without the sandbox)
            if sandboxed and "sandbox_failed" in first:
                self.stop()
                return {"loaded": False, "sandbox_failed": clean(first.get("sandbox_failed"), 200)}
            containment = self._containment(first)
            info = checked_report(self._await(deadline, "loading the implementation", limit, cut))
        except BaseException:  # a WorkerFailure, or meanwhile() failed: never leave the worker behind
            self.stop()
            raise
        self._loaded(info, containment)
        return info

    def _limit(self, seconds: float) -> tuple[float, bool]:
        """(seconds, False), or (what is left of the budget, True) when that is less."""
        if self.budget is None:
            return seconds, False
        left = max(self.budget - self.spent, 0.0)
        return (left, True) if left < seconds else (seconds, False)

    def _spawn(self) -> bool:
        """Start the worker process on fresh pipes and cgroups; whether it was asked to
        build the namespace sandbox."""
        requested = self.requested
        if Path(requested).is_file():
            requested = str(Path(requested).resolve())
        protect_parent()
        r_child, w_parent = os.pipe()   # requests: parent -> worker
        r_parent, w_child = os.pipe()   # replies: worker -> parent
        config = self._config(requested)
        self.process = subprocess.Popen(
            [sys.executable, "-m", ENTRY_POINT, str(r_child), str(w_child), requested, json.dumps(config)],
            pass_fds=(r_child, w_child), stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT,
            cwd=self.home, env=self._environment(),
            preexec_fn=limits.preexec(self.memory, list(dict.fromkeys(self.cgroups.values()))),
            close_fds=True)
        os.close(r_child)
        os.close(w_child)
        self.to_child, self.from_child = w_parent, r_parent
        os.set_blocking(self.to_child, False)  # so a worker that stops reading cannot block a send
        self.pidfd = _pidfd(self.process.pid)
        return config["sandbox"]

    def _config(self, requested: str) -> dict:
        """Make the worker's cgroups (as root) and say what it should build and drop:
        its view of the file system, its user, its home."""
        root = os.geteuid() == 0
        self.cgroups = limits.make_cgroups(self.memory) if root else {}
        self.cgroup = self.cgroups.get("pids")
        if self.view is None:
            self.view = paths.view(requested)
        return {"sandbox": bool(self.sandbox and root and sys.platform.startswith("linux")),
                "drop": root, "home": os.path.realpath(self.home), "cgroup": self.cgroup is not None,
                "uid": self.lease.uid if self.lease else None, "view": self.view,
                "declarations": list(CONVENTION_NAMES), "spin": self.spin}

    def _environment(self) -> dict:
        keep = ("PATH", "LANG", "LC_ALL", "SYSTEMROOT")
        env = {k: os.environ[k] for k in keep if k in os.environ}
        # the home, the temporary directory and the spec's cache are the worker's own:
        # never the suite's cache (the pytest process executes what it finds there)
        env.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1",
                   HOME=self.home, TMPDIR=self.home, DELTASPEC_CACHE_DIR=os.path.join(self.home, ".cache"),
                   PYTHONDONTWRITEBYTECODE="1", PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
        return env

    def _containment(self, first: dict) -> list[str]:
        """How the worker says it is contained, from its first message."""
        if first.get("ready") is not True:
            self.stop()
            raise WorkerFailure("the worker's process sent a malformed first message")
        containment = first.get("containment")
        return [clean(c, 100) for c in containment[:5] if isinstance(c, str)] \
            if isinstance(containment, list) else []

    def _loaded(self, info: dict, containment: list[str]) -> None:
        """Record a finished start: the report, the containment line, the trusted processes."""
        self.info = info
        kinds = [c for c in ("pids", "memory") if c in self.cgroups]
        groups = f"{' and '.join(kinds)} cgroup{'s' if len(kinds) > 1 else ''}" if kinds else ""
        self.containment = ", ".join(filter(None, [groups, *containment]))
        # the worker's own processes, before the implementation can start any: any other
        # process in its cgroup or process group later is a stray
        self.trusted = own(self.process.pid, self._members())

    # ------------------------------------------------------------ calling

    def call(self, name: str, args) -> object:
        """name(*args) in the worker; plain data back, or a WorkerFailure / raised-info."""
        return self.call_many(name, [args])[0]

    def call_many(self, name: str, batch: list) -> list:
        """``[name(*args) for args in batch]`` in the worker, sent in one message: as one
        by one would give them, and with the same limits. The worker answers each call
        as it returns, and each answer must come within a call's timeout of the one
        before; the first call that raises ends the batch (RaisedInWorker), as it would
        end a loop of calls. Plain data back, or a WorkerFailure; either exception carries
        ``done``, the results of the calls before it."""
        self._refuse_when_spent()
        self._refuse_after_crashes(name)
        try:
            self._ensure_running()   # a restart charges the budget itself
            self._refuse_when_spent()
            values = self._round_trips(name, batch)
        except RaisedInWorker:
            self.crashes.pop(name, None)
            raise
        except WorkerFailure as exc:
            self._count(name, exc)
            raise
        self.crashes.pop(name, None)
        return values

    def _round_trips(self, name: str, batch: list) -> list:
        """Send the batch and read its replies, each within the timeout and what is left
        of the budget; the time it takes is charged to the budget. A batch too large for
        one message goes as two halves."""
        self.sequence += 1
        began = time.perf_counter()
        limit, cut = self._limit(self.timeout)
        deadline = time.monotonic() + limit
        try:
            sent = self._send_call(name, batch, deadline)
        finally:
            self.spent += time.perf_counter() - began
        if not sent:
            return self._in_halves(name, batch)
        self.calls, self.messages = self.calls + len(batch), self.messages + 1
        values: list = []
        for index in range(len(batch)):
            began = time.perf_counter()
            try:
                values.append(self._reply(name, index, len(batch), deadline, limit, cut))
            except (RaisedInWorker, WorkerFailure) as exc:
                exc.done = values  # type: ignore[attr-defined]  # the results before the failure
                raise
            finally:
                self.spent += time.perf_counter() - began
            limit, cut = self._limit(self.timeout)   # the next reply's own timeout, from now
            deadline = time.monotonic() + limit
        return values

    def _in_halves(self, name: str, batch: list) -> list:
        half = len(batch) // 2
        first = self._round_trips(name, batch[:half])
        try:
            return first + self._round_trips(name, batch[half:])
        except (RaisedInWorker, WorkerFailure) as exc:
            exc.done = first + exc.done  # type: ignore[attr-defined]
            raise

    def _reply(self, name: str, index: int, size: int, deadline: float, limit: float, cut: bool) -> object:
        """The result of call ``index`` of a batch of ``size``. A failure before the last
        stops the worker, unless it raised (then the worker ends the batch itself): it
        could still be answering the calls after it."""
        try:
            return self._result(name, index, self._await(deadline, f"calling {name}", limit, cut))
        except WorkerFailure:
            if index < size - 1:
                self.stop()
            raise

    def _refuse_when_spent(self) -> None:
        if self.budget is not None and self.spent >= self.budget:
            raise WorkerFailure(f"the run's time budget of {self.budget:g} s is used up (calls, start-ups and "
                                "restarts of the implementation's process count)")

    def _refuse_after_crashes(self, name: str) -> None:
        count, last = self.crashes.get(name, (0, ""))
        if count >= MAX_CRASHES:
            raise WorkerFailure(f"calling {name} killed the implementation's process {count} times in a row (last: "
                                f"{clean(last, 200)}); its remaining calls fail without running it")

    def _count(self, name: str, failure: WorkerFailure) -> None:
        """A failure that killed the worker extends the function's run of crashes; any
        other ends it."""
        if self.process is None or self.process.poll() is not None:
            self.crashes[name] = (self.crashes.get(name, (0, ""))[0] + 1, str(failure))
        else:
            self.crashes.pop(name, None)

    def _ensure_running(self) -> None:
        """Restart a worker that was stopped or has exited since the last call."""
        if self.process is not None and self.process.poll() is None:
            return
        if self.process is not None:
            self.stop()
        self.restarts += 1
        info = self.start(budgeted=True)
        if not info.get("loaded"):
            self.stop()
            raise WorkerFailure(f"the implementation could not be loaded again: {info.get('error', '')}")

    def _send_call(self, name: str, batch: list, deadline: float) -> bool:
        """Send the batch; False (nothing sent) when it has more than one call and is
        too large for one message."""
        message = {"call": name, "id": self.sequence, "batch": [wire.encode_value(list(args)) for args in batch]}
        try:
            wire.send(self.to_child, message, deadline, limit=wire.MAX_MESSAGE if len(batch) > 1 else None)
        except wire.TooLarge:
            return False
        except wire.WireTimeout:
            self.stop()
            raise WorkerFailure(f"calling {name} timed out after {self.timeout:g} s: the implementation's "
                                "process stopped reading; the worker was killed") from None
        except OSError:
            raise WorkerFailure(f"{self._death()} before {name} could be called") from None
        return True

    def _result(self, name: str, index: int, reply: dict) -> object:
        """Call ``index``'s result as plain data; RaisedInWorker or WorkerFailure otherwise."""
        if reply.get("id") != self.sequence or reply.get("index") != index:
            self.stop()
            raise WorkerFailure(f"the implementation's process sent a reply out of turn to {name}; "
                                "the worker was killed")
        if "result" in reply:
            try:
                return wire.decode_value(reply["result"])
            except wire.WireError as exc:
                raise WorkerFailure(f"{name} returned something that is not plain data: {clean(exc, 200)}") from None
        if "unplain" in reply:
            raise WorkerFailure(f"{name} returned something that is not plain data: {clean(reply['unplain'], 200)}")
        if "raised" in reply:
            where = clean(reply.get("where", ""), 200)
            raise RaisedInWorker(clean(reply.get("raised"), 100), clean(reply.get("message", "")),
                                 f" {where}" if where else "")
        self.stop()
        raise WorkerFailure(f"the implementation's process sent an unexpected reply to {name}; the worker was killed")

    def _await(self, deadline: float, doing: str, limit: float, cut: bool) -> dict:
        """The worker's next message, by the deadline (``limit`` seconds from the start,
        ``cut`` short by the time budget); a WorkerFailure naming what went wrong while
        ``doing`` otherwise (the worker stopped, unless it already exited)."""
        try:
            self._wait_readable(deadline)
            return wire.receive(self.from_child, deadline)
        except wire.WireTimeout:
            self.stop()
            if cut:
                raise WorkerFailure(f"{doing} ran out of the run's time budget of {self.budget:g} s "
                                    "(calls, start-ups and restarts count); the worker was killed") from None
            raise WorkerFailure(f"{doing} timed out after {limit:g} s (an infinite loop?); "
                                "the worker was killed") from None
        except (EOFError, OSError):
            raise WorkerFailure(f"{self._death()} while {doing}") from None
        except wire.WireError as exc:
            self.stop()
            raise WorkerFailure(f"the implementation's process sent a malformed reply while {doing}: "
                                f"{clean(exc, 200)}; the worker was killed") from None

    def _wait_readable(self, deadline: float) -> None:
        """Until a reply starts or the worker exits (EOFError) or the deadline (WireTimeout);
        polled for ``spin`` seconds first (most replies come within it, and a process
        that slept takes tens of microseconds to wake)."""
        if wire.poll(self.from_child, min(self.spin, deadline - time.monotonic())):
            return
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise wire.WireTimeout("no reply")
            # without a pidfd, poll the process every 0.2 s to notice it exited
            fds = [self.from_child] + ([self.pidfd] if self.pidfd is not None else [])
            ready = select.select(fds, [], [], left if self.pidfd is not None else min(left, 0.2))[0]
            if self.from_child in ready:
                return
            if (self.pidfd is not None and self.pidfd in ready) or self.process.poll() is not None:
                # exited: a reply it finished before exiting is still in the pipe
                if select.select([self.from_child], [], [], 0)[0]:
                    return
                raise EOFError("the worker exited")

    def _death(self) -> str:
        """Why the worker went away (it closed its end of the pipe); stops it."""
        try:
            code = self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.stop()
            return "the implementation's process closed its connection to the suite (it was killed)"
        oom = limits.out_of_memory(self.cgroups.get("memory"))
        self.stop()
        if code < 0:
            name = _signal_name(-code)
            hint = {"SIGXFSZ": ": it wrote more than the file-size limit"}.get(name, "")
            if name == "SIGKILL" and oom:
                hint = f": its processes together used more than the {self.memory >> 20} MB memory limit"
            return f"the implementation crashed (killed by {name}{hint})"
        return f"the implementation's process exited (status {code})"

    # ------------------------------------------------------------ stopping

    def stop(self) -> None:
        """Kill the worker, everything in its process group and in its cgroup."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self._kill_cgroup()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        self._kill_cgroup(remove=True)
        self._close_pipes()
        self.process = None

    def _close_pipes(self) -> None:
        for fd in (self.to_child, self.from_child, self.pidfd):
            if fd is None or fd < 0:
                continue
            try:
                os.close(fd)
            except OSError:
                pass
        self.to_child = self.from_child = -1
        self.pidfd = None

    def close(self) -> None:
        """Stop the worker for good, give its user id back, remove its log and home."""
        self.stop()
        if self.lease is not None:
            self.lease.release()
        self.log.close()
        try:
            os.unlink(self.log.name)
        except OSError:
            pass
        shutil.rmtree(self.home, ignore_errors=True)

    def _kill_cgroup(self, remove: bool = False) -> None:
        """Kill everything in the pids cgroup; with remove, remove the cgroups as well."""
        pids = getattr(self, "cgroup", None)
        if pids is not None:
            limits.empty(pids)
        if remove:
            limits.remove(dict.fromkeys(getattr(self, "cgroups", {}).values()), pids)
            self.cgroup = None
            self.cgroups = {}

    # ------------------------------------------------------------ strays

    def _members(self) -> list[int]:
        """The worker's processes: its pids cgroup, or without one its process group."""
        if getattr(self, "cgroup", None) is not None:
            return limits.members(self.cgroup)
        return process_group(self.process.pid)

    def strays(self) -> int:
        """Kill processes the worker left behind (its cgroup or its process group);
        return how many there were."""
        if self.process is None:
            return 0
        trusted = self.trusted | {self.process.pid}
        return len(kill_until_gone(lambda: [p for p in self._members() if p not in trusted and alive(p)]))


def _pidfd(pid: int) -> int | None:
    """A descriptor that becomes readable when pid exits (Linux 5.3+), or None."""
    try:
        return os.pidfd_open(pid)
    except (AttributeError, OSError):
        return None


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"
