"""Running the implementation under test in a separate, limited worker process.

The pytest process never imports student code. It starts ``python -m conformance.worker``,
which loads the implementation and answers calls over a private pipe in the plain-data
wire format (``conformance.wire``). Verdicts are computed in the pytest process only,
after a call has returned.

Limits, each turned into a one-line failure naming the reason:

* a per-call timeout (a hang, an infinite loop): the worker's whole process group is killed;
* a memory limit (RLIMIT_AS) for the worker: a huge allocation raises MemoryError there;
* a total time budget for the run;
* a crash (os._exit, a segfault, sys.exit at import): reported, and the worker restarted;
* child processes: when the suite runs as root, the worker drops to the unprivileged user
  ``nobody`` with RLIMIT_NPROC, so a fork bomb is bounded, and it cannot write files it
  should not or read the pytest process's memory; stray children are killed after each check.

The worker's stdout and stderr go to a log file, never into pytest's output, so a
submission cannot print fake "passed" lines into the report.
"""
from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

from . import wire

NOBODY = 65534
CALL_TIMEOUT = 5.0
MEMORY_LIMIT = 2 << 30
NPROC_LIMIT = 64
LOAD_TIMEOUT = 30.0


class WorkerFailure(Exception):
    """A call did not return a usable answer; the message is one line."""


# ---------------------------------------------------------------- the child side


def _where(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    return f" ({Path(frames[-1].filename).name}, line {frames[-1].lineno})" if frames else ""


def _describe(exc: BaseException) -> dict:
    return {"raised": type(exc).__name__, "message": " ".join(str(exc).split())[:500], "where": _where(exc)}


def _serve(read_fd: int, write_fd: int, requested: str) -> None:
    """Load the implementation, report what it provides, then answer calls forever."""
    from . import loader

    try:
        namespace, origin = loader._resolve(requested)
    except SystemExit as exc:
        wire.send(write_fd, {"loaded": False, "error": f"importing {requested!r} called sys.exit({exc.code!r})"})
        return
    except BaseException as exc:  # noqa: BLE001 - anything student code raises on import
        error = str(exc) if isinstance(exc, loader.LoadError) else f"importing {requested!r} failed: {loader._short(exc)}"
        wire.send(write_fd, {"loaded": False, "error": error})
        return
    names = sorted(n for n in dir(namespace) if not n.startswith("_") and callable(getattr(namespace, n, None)))
    conventions = {}
    for key in loader.CONVENTIONS:
        if hasattr(namespace, key):
            try:
                conventions[key] = wire.encode_value(getattr(namespace, key))
            except wire.WireError:
                conventions[key] = f"<{type(getattr(namespace, key)).__name__}>"
    wire.send(write_fd, {"loaded": True, "origin": str(origin), "provides": names, "conventions": conventions})
    while True:
        request = wire.receive(read_fd)
        name = request.get("call")
        try:
            args = wire.decode_value(request.get("args", []))
            result = getattr(namespace, name)(*args)
        except BaseException as exc:  # noqa: BLE001 - reported to the parent, which judges
            wire.send(write_fd, _describe(exc))
            continue
        try:
            reply = {"result": wire.encode_value(result)}
        except wire.WireError as exc:
            reply = {"unplain": str(exc)}
        wire.send(write_fd, reply)


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    read_fd, write_fd, requested = int(argv[0]), int(argv[1]), argv[2]
    try:
        _serve(read_fd, write_fd, requested)
    except EOFError:
        pass
    return 0


# ---------------------------------------------------------------- the parent side


def _world_reachable(path: str) -> bool:
    """Whether the user nobody could reach and execute ``path`` (every directory on the
    way searchable by others)."""
    real = Path(os.path.realpath(path))
    for part in [*real.parents, real]:
        try:
            if not os.stat(part).st_mode & 0o001:
                return False
        except OSError:
            return False
    return True


def _pids_cgroup() -> Path | None:
    """A fresh cgroup limiting the worker to NPROC_LIMIT tasks, where this process may
    create one (root with the pids controller mounted); else None."""
    for root in (Path("/sys/fs/cgroup/pids"), Path("/sys/fs/cgroup")):
        if not (root / "cgroup.procs").exists() or not os.access(root, os.W_OK):
            continue
        group = root / f"deltaspec-{os.getpid()}-{time.monotonic_ns()}"
        try:
            group.mkdir()
            (group / "pids.max").write_text(str(NPROC_LIMIT))
            return group
        except OSError:
            try:
                group.rmdir()
            except OSError:
                pass
    return None


def _limits(memory: int, drop: bool, cgroup: Path | None):
    """preexec_fn for the worker: its own session, a memory limit, a bound on its
    processes (a pids cgroup, or RLIMIT_NPROC as the user nobody)."""
    def apply():
        import resource

        os.setsid()
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if cgroup is not None:
            (cgroup / "cgroup.procs").write_text(str(os.getpid()))
        if drop:
            resource.setrlimit(resource.RLIMIT_NPROC, (NPROC_LIMIT, NPROC_LIMIT))
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
    return apply


class Worker:
    """The parent's handle on one isolated implementation."""

    def __init__(self, requested: str, timeout: float = CALL_TIMEOUT, memory: int = MEMORY_LIMIT,
                 budget: float | None = None):
        self.requested = requested
        self.timeout, self.memory, self.budget = timeout, memory, budget
        self.spent = 0.0
        self.process: subprocess.Popen | None = None
        self.info: dict | None = None
        self.restarts = 0
        self.cgroup: Path | None = None
        self.containment = ""
        self.log = tempfile.NamedTemporaryFile(prefix="deltaspec-worker-", suffix=".log", delete=False)
        self.home = tempfile.mkdtemp(prefix="deltaspec-worker-")
        os.chmod(self.home, 0o755)

    # -- lifecycle

    def _environment(self) -> dict:
        keep = ("PATH", "LANG", "LC_ALL", "SYSTEMROOT", "DELTASPEC_CACHE_DIR")
        env = {k: os.environ[k] for k in keep if k in os.environ}
        env.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1",
                   HOME=self.home, PYTHONDONTWRITEBYTECODE="1",
                   PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
        return env

    def start(self) -> dict:
        """Start the worker and load the implementation; returns what it reported."""
        self.stop()
        requested = self.requested
        if Path(requested).is_file():
            requested = str(Path(requested).resolve())
        r_child, w_parent = os.pipe()   # requests: parent -> worker
        r_parent, w_child = os.pipe()   # replies: worker -> parent
        root = os.geteuid() == 0
        self.cgroup = _pids_cgroup() if root else None
        # as root, drop to nobody when the interpreter is reachable for it (a pyenv
        # Python under /root is not): RLIMIT_NPROC does not bind root
        drop = root and _world_reachable(sys.executable) and _world_reachable(str(Path(__file__).parent))
        self.containment = ("pids cgroup" if self.cgroup else "") + (" + user nobody" if drop else "")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "conformance.worker", str(r_child), str(w_child), requested],
            pass_fds=(r_child, w_child), stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT,
            cwd=self.home, env=self._environment(), preexec_fn=_limits(self.memory, drop, self.cgroup),
            close_fds=True)
        os.close(r_child)
        os.close(w_child)
        self.to_child, self.from_child = w_parent, r_parent
        try:
            self.info = self._await(LOAD_TIMEOUT, "loading the implementation")
        except WorkerFailure:
            self.stop()
            raise
        return self.info

    def stop(self) -> None:
        """Kill the worker, everything in its process group and in its cgroup."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        self._kill_cgroup(remove=True)
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        for fd in (self.to_child, self.from_child):
            try:
                os.close(fd)
            except OSError:
                pass
        self.process = None

    def close(self) -> None:
        self.stop()
        self.log.close()
        for path in (self.log.name,):
            try:
                os.unlink(path)
            except OSError:
                pass

    # -- calls

    def _death(self) -> str:
        code = self.process.wait(timeout=5) if self.process else None
        if code is not None and code < 0:
            return f"the implementation crashed (killed by {signal.Signals(-code).name})"
        return f"the implementation's process exited (status {code})"

    def _await(self, timeout: float, doing: str) -> dict:
        ready, _, _ = select.select([self.from_child], [], [], timeout)
        if not ready:
            self.stop()
            raise WorkerFailure(f"{doing} timed out after {timeout:g} s (an infinite loop?); the worker was killed")
        try:
            return wire.receive(self.from_child)
        except (EOFError, OSError):
            reason = self._death()
            self.process = None
            raise WorkerFailure(f"{reason} while {doing}") from None
        except wire.WireError as exc:
            self.stop()
            raise WorkerFailure(f"the implementation's process sent a malformed reply while {doing}: {exc}") from None

    def call(self, name: str, args) -> object:
        """name(*args) in the worker; plain data back, or a WorkerFailure / raised-info."""
        if self.budget is not None and self.spent > self.budget:
            raise WorkerFailure(f"the run's time budget of {self.budget:g} s is used up")
        if self.process is None or self.process.poll() is not None:
            self.restarts += 1
            self.start()
        start = time.perf_counter()
        try:
            wire.send(self.to_child, {"call": name, "args": wire.encode_value(list(args))})
        except (BrokenPipeError, OSError):
            reason = self._death()
            self.process = None
            raise WorkerFailure(f"{reason} before {name} could be called") from None
        try:
            reply = self._await(self.timeout, f"calling {name}")
        finally:
            self.spent += time.perf_counter() - start
        if "result" in reply:
            try:
                return wire.decode_value(reply["result"])
            except wire.WireError as exc:
                raise WorkerFailure(f"{name} returned something that is not plain data: {exc}") from None
        if "unplain" in reply:
            raise WorkerFailure(f"{name} returned something that is not plain data: {reply['unplain']}")
        if "raised" in reply:
            raise RaisedInWorker(str(reply.get("raised")), str(reply.get("message", "")), str(reply.get("where", "")))
        raise WorkerFailure(f"the implementation's process sent an unexpected reply to {name}")

    def _cgroup_members(self) -> list[int]:
        try:
            return [int(p) for p in (self.cgroup / "cgroup.procs").read_text().split()]
        except (OSError, ValueError, TypeError):
            return []

    def _kill_cgroup(self, remove: bool = False) -> None:
        if getattr(self, "cgroup", None) is None:
            return
        for _ in range(50):  # a fork bomb refills as we kill; pids.max bounds it
            members = self._cgroup_members()
            if not members:
                break
            for pid in members:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            time.sleep(0.01)
        if remove:
            try:
                self.cgroup.rmdir()
            except OSError:
                pass
            self.cgroup = None

    def strays(self) -> int:
        """Kill processes the worker left behind (its cgroup or its process group);
        return how many there were."""
        if self.process is None:
            return 0
        if getattr(self, "cgroup", None) is not None:
            others = [p for p in self._cgroup_members() if p != self.process.pid]
            for pid in others:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            return len(others)
        found = 0
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit() or int(entry.name) == self.process.pid:
                continue
            try:
                if os.getpgid(int(entry.name)) == self.process.pid:
                    os.kill(int(entry.name), signal.SIGKILL)
                    found += 1
            except (ProcessLookupError, PermissionError, OSError):
                continue
        return found


class RaisedInWorker(Exception):
    """The implementation raised an exception inside the worker."""

    def __init__(self, kind: str, message: str, where: str):
        super().__init__(f"{kind}: {message}{where}")
        self.kind, self.message, self.where = kind, message, where


class RemoteNamespace:
    """Attributes that forward calls to the worker, for the adapter."""

    def __init__(self, worker: Worker, provides, conventions: dict):
        self._worker = worker
        self._provides = set(provides)
        for key, value in conventions.items():
            try:
                setattr(self, key, wire.decode_value(value))
            except wire.WireError:
                setattr(self, key, repr(value))  # read_conventions rejects it with its own message

    def __getattr__(self, name):
        if name.startswith("_") or name not in self._provides:
            raise AttributeError(name)

        def remote(*args):
            return self._worker.call(name, args)

        remote.__name__ = name
        return remote


if __name__ == "__main__":
    sys.exit(main())
