"""What runs inside the worker process: build the sandbox, drop privileges, load the
implementation, answer calls.

Started as ``python -m deltaspec.conformance.isolation.worker READ_FD WRITE_FD REQUESTED
CONFIG`` (see :mod:`.worker`), which runs :func:`main`. With the namespace sandbox the
process tree is::

    the process the suite started  (_outer: outside the new PID namespace)
    └── init, PID 1 of the namespace  (_init: builds the sandbox, reaps, reports)
        └── the server, PID 2  (confine, then serve: the only one that runs student code)

Defends the one thing the pytest process cannot check for itself: how the worker is
contained. Its first message says so (or that the sandbox could not be built) and is
sent before any student code runs, so a submission cannot forge it, nor forge a sandbox
failure to be restarted without one. Everything after that, the load report and every
reply, is the implementation's to rewrite and is judged in the pytest process.

The order before the implementation runs (see :mod:`.loading`): this process imports all
it needs (none of it the spec or the reference), reads the implementation's source,
drops its privileges (its view fixed by then: sandbox or Landlock), forgets deltaspec,
then imports the implementation.
"""
from __future__ import annotations

import json
import os
import signal
import sys
import traceback
from pathlib import Path

from deltaspec.conformance.isolation import loading, sandbox, syscalls, wire
from deltaspec.conformance.isolation.oneline import message, one_line
from deltaspec.conformance.isolation.privileges import (
    clear_capabilities,
    confine,
    drop_bounding_set,
)

CRASHED = 70   # the exit status of a worker process whose own code failed (EX_SOFTWARE)


# ---------------------------------------------------------------- the server


def serve(read_fd: int, write_fd: int, requested: str, config: dict, containment: list) -> None:
    """Say how the worker is contained (before any student code runs, so the
    implementation cannot forge it), load the implementation, report what it provides,
    then answer calls forever."""
    wire.send(write_fd, {"ready": True, "containment": containment})
    namespace, report = _load(requested, config)
    wire.send(write_fd, report)
    if namespace is None:
        return
    spin = config.get("spin", 0.0)
    while True:
        wire.poll(read_fd, spin)   # the next call usually comes soon: sleeping would delay it
        request = wire.receive(read_fd)
        for reply in _answers(namespace, request):
            wire.send(write_fd, reply)


def _confined(config: dict, sandboxed: bool) -> list[str]:
    """Drop privileges, fix the view, forget the suite: what was applied."""
    hidden = config.get("view", {}).get("hidden", [])
    notes = confine(config, sandboxed)
    if hidden:
        loading.hide(hidden, config["view"].get("essential", []))
        notes.append("the suite hidden")
    return notes


def _load(requested: str, config: dict) -> tuple[object, dict]:
    """(the implementation's namespace or None, the load report)."""
    try:
        namespace, origin = loading.resolve(requested, config.get("source"), config.get("exists", False))
    except SystemExit as exc:
        return None, {"loaded": False, "error": f"importing {requested!r} called sys.exit({exc.code!r})"}
    except BaseException as exc:  # noqa: BLE001 - anything student code raises on import
        if isinstance(exc, loading.LoadError):
            return None, {"loaded": False, "error": str(exc)}
        return None, {"loaded": False, "error": f"importing {requested!r} failed: {loading.short(exc)}"}
    names = sorted(n for n in dir(namespace) if not n.startswith("_") and callable(getattr(namespace, n, None)))
    return namespace, {"loaded": True, "origin": str(origin), "provides": names,
                       "conventions": _conventions(namespace, config.get("declarations", []))}


def _conventions(namespace, keys) -> dict:
    """The conventions the implementation declares, as plain data where they are (the
    pytest process rejects the rest with its own message)."""
    conventions = {}
    for key in keys:
        if hasattr(namespace, key):
            try:
                conventions[key] = wire.encode_value(getattr(namespace, key))
            except wire.WireError:
                conventions[key] = f"<{type(getattr(namespace, key)).__name__}>"
    return conventions


def _answers(namespace, request: dict):
    """The replies to a batch of calls of one function, each as soon as it returns; the
    first that is not a result (it raised, or returned what is not plain data) ends the
    batch, as it would end a loop of calls."""
    name, ident = request.get("call"), request.get("id")
    for index, args in enumerate(request.get("batch", [])):
        reply = {"id": ident, "index": index, **_answer(namespace, name, args)}
        yield reply
        if "result" not in reply:
            return


def _answer(namespace, name: str, args) -> dict:
    """One call: its result as plain data, or what it raised."""
    try:
        result = getattr(namespace, name)(*wire.decode_value(args))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which judges
        return _describe(exc)
    try:
        return {"result": wire.encode_value(result)}
    except wire.WireError as exc:
        return {"unplain": str(exc)}


def _describe(exc: BaseException) -> dict:
    """What the implementation raised: its kind, its message as one line, and where."""
    try:
        where = _where(exc)
    except BaseException:  # noqa: BLE001 - a traceback the implementation tampered with
        where = ""
    return {"raised": type(exc).__name__, "message": message(exc), "where": where}


def _where(exc: BaseException) -> str:
    """The innermost line of the implementation's own code (not numpy's, not the
    standard library's, not this subpackage's) where exc was raised."""
    import sysconfig

    frames = traceback.extract_tb(exc.__traceback__)
    libraries = {os.path.realpath(p) + os.sep for p in sysconfig.get_paths().values()}
    own = [f for f in frames if not any(os.path.realpath(f.filename).startswith(lib) for lib in libraries)
           and Path(f.filename).resolve().parent != Path(__file__).resolve().parent]
    frame = (own or frames or [None])[-1]
    return f" ({Path(frame.filename).name}, line {frame.lineno})" if frame else ""


# ---------------------------------------------------------------- the process tree


def _fork(body, quiet: tuple = ()) -> int:
    """Run body() in a child process that never returns into its parent's code: it exits
    0 when body returns or raises one of ``quiet``, CRASHED (traceback in the log) when
    it raises anything else. Returns the child's pid."""
    pid = os.fork()
    if pid == 0:
        try:
            body()
        except quiet:
            pass
        except BaseException:  # noqa: BLE001
            traceback.print_exc()
            os._exit(CRASHED)
        os._exit(0)
    return pid


def _init(read_fd: int, write_fd: int, requested: str, config: dict, status_w: int) -> None:
    """PID 1 of the worker's namespace: build the sandbox, start the server, reap
    everything, report how the server ended, and exit (which kills the namespace)."""
    syscalls.prctl(syscalls.PR_SET_PDEATHSIG, signal.SIGKILL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        sandbox.build(config)
    except Exception as exc:  # noqa: BLE001 - the suite retries without the sandbox
        wire.send(write_fd, {"loaded": False, "sandbox_failed": one_line(exc)})
        os.write(status_w, b"exit 0")
        return

    def server():
        os.close(status_w)
        syscalls.prctl(syscalls.PR_SET_PDEATHSIG, signal.SIGKILL)
        notes = _confined(config, sandboxed=True)
        syscalls.prctl(syscalls.PR_SET_DUMPABLE, 1)  # its own /proc/self; set-uid made it non-dumpable
        serve(read_fd, write_fd, requested, config, notes)

    pid = _fork(server, quiet=(EOFError,))  # EOFError: the suite closed the pipe, stopping it
    os.close(read_fd)
    os.close(write_fd)
    # init stays root beside the implementation's server (it must reap): non-dumpable and
    # without capabilities, it is nothing the server could take over
    syscalls.prctl(syscalls.PR_SET_DUMPABLE, 0)
    try:
        drop_bounding_set()
        clear_capabilities()
    except OSError:
        pass
    os.write(status_w, _reap(pid).encode())


def _reap(server: int) -> str:
    """Reap every process in the namespace (init inherits orphans) until the server ends;
    how it ended, as "signal N" or "exit N"."""
    while True:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            status = 0
            break
        except InterruptedError:
            continue
        if pid == server:
            break
    return f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else f"exit {os.waitstatus_to_exitcode(status)}"


def _outer(read_fd: int, write_fd: int, requested: str, config: dict) -> int:
    """The process the suite started, outside the new PID namespace: start its init,
    then end the way the implementation's process ended (so the suite can say how)."""
    status_r, status_w = os.pipe()

    def init():
        os.close(status_r)
        _init(read_fd, write_fd, requested, config, status_w)

    child = _fork(init)
    os.close(status_w)
    os.close(read_fd)
    os.close(write_fd)
    report = _read_all(status_r)
    _, status = os.waitpid(child, 0)
    return _end_like(report.decode(errors="replace"), status)


def _read_all(fd: int) -> bytes:
    report = b""
    while True:
        chunk = os.read(fd, 64)
        if not chunk:
            return report
        report += chunk


def _end_like(report: str, status: int) -> int:
    """The exit status that tells the suite how the server ended: killed by the same
    signal (sent to this process itself), or the same exit status."""
    kind, _, number = report.partition(" ")
    if kind == "signal" and number.isdigit():
        sig = int(number)
        try:
            signal.signal(sig, signal.SIG_DFL)
            os.kill(os.getpid(), sig)
        except (OSError, ValueError):
            pass
        return 128 + sig
    if kind == "exit" and number.lstrip("-").isdigit():
        return int(number) & 0xFF
    return CRASHED if os.WIFSIGNALED(status) else os.waitstatus_to_exitcode(status)


def main(argv=None) -> int:
    """READ_FD WRITE_FD REQUESTED [CONFIG]: serve the implementation on the two pipes,
    in the namespace sandbox when CONFIG asks for it and the namespaces can be made."""
    argv = sys.argv[1:] if argv is None else argv
    read_fd, write_fd, requested = int(argv[0]), int(argv[1]), argv[2]
    config = json.loads(argv[3]) if len(argv) > 3 else {}
    # the source is read first, with the suite's privileges and its view of the files
    config["source"] = loading.preload(requested)
    if config.get("view", {}).get("hidden"):
        loading.preload_adapters()  # glue files may use them; the suite's folders go next
    config["exists"] = os.path.isfile(requested)
    notes = []
    if config.get("sandbox"):
        try:
            sandbox.enter_namespaces()
        except (OSError, AttributeError) as exc:
            notes.append(f"no namespace sandbox ({getattr(exc, 'strerror', None) or exc})")
        else:
            os._exit(_outer(read_fd, write_fd, requested, config))
    try:
        notes += _confined(config, sandboxed=False)
        serve(read_fd, write_fd, requested, config, notes)
    except EOFError:
        pass
    return 0
