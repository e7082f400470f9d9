"""Running the implementation under test in a separate, limited worker process.

The pytest process never imports student code. It starts ``python -m deltaspec.conformance.isolation.worker``,
which loads the implementation and answers calls over a private pair of pipes in the
plain-data wire format (``conformance.wire``). Verdicts are computed in the pytest process
only, after a call has returned, from decoded plain data (float and int arrays, numbers,
strings, lists): nothing the implementation returns is executed or unpickled there, and
everything the worker says is treated as hostile (sizes, nesting, names, text: see
:meth:`Worker._checked_info` and :func:`clean`).

Limits, each turned into a one-line failure naming the reason; the worker is restarted
for the next check, and nothing makes the run wait longer than a call's timeout:

* a per-call timeout (a hang, an infinite loop, a reply that never finishes, a worker
  that stops reading): the worker's process group and cgroup are killed (SIGKILL);
* a memory limit: RLIMIT_AS per process (a huge allocation raises MemoryError) and, as
  root, a memory cgroup for all the worker's processes together; RLIMIT_FSIZE on what it
  writes, its log included;
* a total time budget for the run;
* a crash (os._exit, sys.exit, a segfault, a pipe closed or garbage written on it, a
  reply larger than ``wire.MAX_MESSAGE`` or out of turn): reported, worker restarted;
* child processes: as root, a pids cgroup bounds a fork bomb; processes still running
  after a check are killed and fail that check. The worker dies with the pytest process
  (PR_SET_PDEATHSIG), however that ends.

Containment, strongest first (the header's "isolation" line says which one a run got; the
worker reports it in its first message, before any student code runs, so a submission
cannot forge it, nor forge a sandbox failure to be restarted without one):

1. **Namespace sandbox** (Linux, the suite running as root; the default there): the
   worker enters new PID, mount, network, IPC and UTS namespaces. Its file system is
   read-only except a private 64 MB tmpfs home (also its TMPDIR and spec cache) and a
   private /dev/shm; /proc shows only its own processes; /dev holds only null, zero,
   full, random and urandom; there is no network, not even loopback; directories others
   cannot enter (e.g. /root) are hidden behind an empty tmpfs with only what the worker
   needs (the Python installation, sys.path, the implementation's directory) bound back
   in. The implementation then runs as the user ``nobody`` (or, when its own file is not
   world-readable, as root with every capability dropped), with no_new_privs. It cannot
   see, signal, ptrace or read the memory of the pytest process; cannot learn its command
   line (the results file's path); cannot write the results file, the suite's sources or
   bytecode, the spec's cache, or anything else on disk; cannot leave its cgroups; and
   every process it starts, daemonized or not, dies with the namespace when the worker
   stops. ``DELTASPEC_SANDBOX=0`` in the suite's environment turns this layer off (to
   compare, or where it misbehaves); when the namespaces cannot be made (a container
   without CAP_SYS_ADMIN, e.g. Docker's default profile) the worker falls back to 2.
2. **Root without namespaces**: the worker drops to ``nobody`` with RLIMIT_NPROC when
   the interpreter, the suite and the implementation are reachable for that user (a
   system Python; not a pyenv Python under /root, mode 700), otherwise it stays root
   with every capability dropped; either way it cannot read or write the pytest
   process's memory (no CAP_SYS_PTRACE) or open its file descriptors. As capability-less
   root it CAN still: read /proc/<pid>/cmdline (the results file's path), write any
   root-owned file (the results file, the suite's own sources and bytecode, a spec cache
   under /root), signal the pytest process, and leave the pids cgroup by writing to
   /sys/fs/cgroup (a daemon that does so survives the run and can overwrite the results
   file afterwards): not defended without the sandbox. As ``nobody`` those writes fail.
3. **Not root**: the worker runs as the same user, with the limits above but no cgroups.
   It cannot read the pytest process's memory (the pytest process makes itself
   non-dumpable, so /proc/<pid>/mem and ptrace need CAP_SYS_PTRACE, which the user
   lacks), but it can do anything else that user can: signal the pytest process, write
   the results file, the suite's files and the spec cache, and leave its process group
   (escaping the stray-process reaper). Not defended: run graders as root (in a VM, or a
   container that allows namespaces) or give the suite a user of its own.

Also not defended, in every mode: an implementation may import and call the spec or the
reference bundled with the suite (``spec``, ``reference``): isolation keeps the verdict
honest, not the source of the answer; it may read whatever its user may read (world-
readable files; as capability-less root in mode 1, also root-owned files the owner bits
allow); it may burn CPU (up to 64 processes) until the call's timeout or the end of the
check; and with ``--no-isolate`` it runs inside pytest and can do anything at all (that
mode is for debugging one's own code with pdb, never for grading). The pytest process
being non-dumpable (while a worker runs) also means no core dumps of it and, for a
non-root user, no attaching a debugger to it without privileges.

The worker's stdout and stderr go to a log file, never into pytest's output, so a
submission cannot print fake "passed" lines into the report; text it sends (exception
messages, its origin) is reduced to one printable line before it reaches the report.
"""
from __future__ import annotations

import ctypes
import errno
import json
import os
import re
import select
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

from deltaspec.conformance.isolation import wire

NOBODY = 65534
CALL_TIMEOUT = 5.0
MEMORY_LIMIT = 2 << 30
FILE_SIZE_LIMIT = 64 << 20   # RLIMIT_FSIZE: the worker's log and anything else it writes
NPROC_LIMIT = 64
LOAD_TIMEOUT = 30.0
SANDBOX_ENV = "DELTASPEC_SANDBOX"
HOME_SIZE = "64m"
CONVENTION_NAMES = ("LAYOUT", "SIGN", "PRIME_OF")
MAX_NAMES = 1000


class WorkerFailure(Exception):
    """A call did not return a usable answer; the message is one line."""


def clean(text, limit: int = 500) -> str:
    """Text from the worker as one printable line of at most ``limit`` characters: no
    newlines (a fake "110 passed" line), no terminal escape sequences."""
    text = "".join(c if c.isprintable() else " " for c in str(text))
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


# ---------------------------------------------------------------- Linux primitives

CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWPID, CLONE_NEWNET = 0x20000000, 0x40000000
NAMESPACES = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_NOATIME, MS_NODIRATIME, MS_BIND, MS_MOVE, MS_REC = 32, 1024, 2048, 4096, 8192, 16384
MS_PRIVATE, MS_RELATIME, MS_STRICTATIME = 1 << 18, 1 << 21, 1 << 24
MNT_DETACH = 2
MOUNT_OPTIONS = {"nosuid": MS_NOSUID, "nodev": MS_NODEV, "noexec": MS_NOEXEC, "noatime": MS_NOATIME,
                 "nodiratime": MS_NODIRATIME, "relatime": MS_RELATIME, "strictatime": MS_STRICTATIME}
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_CAPBSET_DROP = 1, 4, 24
PR_SET_NO_NEW_PRIVS, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 38, 47, 4
DEVICES = ("null", "zero", "full", "random", "urandom")

_libc = None


def _c():
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
    return _libc


def _ok(result: int, what: str) -> int:
    if result == -1:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")
    return result


def _bytes(s):
    return None if s is None else os.fsencode(s)


def _mount(source, target, fstype, flags: int, data=None) -> None:
    libc = _c()
    libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p]
    _ok(libc.mount(_bytes(source), _bytes(target), _bytes(fstype), flags, _bytes(data)), f"mount {target}")


def _umount(target) -> None:
    _ok(_c().umount2(_bytes(target), MNT_DETACH), f"umount {target}")


def _prctl(option: int, arg: int = 0) -> int:
    libc = _c()
    libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    return _ok(libc.prctl(option, arg, 0, 0, 0), f"prctl({option})")


_parent_protected = False


def protect_parent() -> None:
    """Make this (the pytest) process non-dumpable: other processes of the same user then
    need CAP_SYS_PTRACE to read its memory through /proc/<pid>/mem or to ptrace it.
    (Root has that capability; the sandboxed worker does not.)"""
    global _parent_protected
    if _parent_protected or not sys.platform.startswith("linux"):
        return
    try:
        _prctl(PR_SET_DUMPABLE, 0)
        _parent_protected = True
    except (OSError, AttributeError):
        pass


def _drop_bounding_set() -> None:
    """No capability can ever be regained, not even by executing a set-uid program."""
    try:
        last = int(Path("/proc/sys/kernel/cap_last_cap").read_text())
    except (OSError, ValueError):
        last = 63
    for cap in range(last + 1):
        try:
            _prctl(PR_CAPBSET_DROP, cap)
        except OSError as exc:
            if exc.errno != errno.EINVAL:
                raise
    try:
        _prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL)
    except OSError:
        pass


def _clear_capabilities() -> None:
    """Empty the effective, permitted and inheritable sets."""

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                    ("inheritable", ctypes.c_uint32)]

    header, data = Header(0x20080522, 0), (Data * 2)()
    _ok(_c().capset(ctypes.byref(header), data), "capset")


# ---------------------------------------------------------------- the child side


def _where(exc: BaseException) -> str:
    """The innermost line of the implementation's own code (not numpy's, not the
    standard library's) where exc was raised."""
    import sysconfig

    frames = traceback.extract_tb(exc.__traceback__)
    libraries = {os.path.realpath(p) + os.sep for p in sysconfig.get_paths().values()}
    own = [f for f in frames if not any(os.path.realpath(f.filename).startswith(lib) for lib in libraries)
           and Path(f.filename).resolve().parent != Path(__file__).resolve().parent]
    frame = (own or frames or [None])[-1]
    return f" ({Path(frame.filename).name}, line {frame.lineno})" if frame else ""


def _describe(exc: BaseException) -> dict:
    try:
        message = " ".join(str(exc).split())[:500]
    except BaseException:  # noqa: BLE001 - an exception whose __str__ raises
        message = "(its message could not be printed)"
    try:
        where = _where(exc)
    except BaseException:  # noqa: BLE001
        where = ""
    return {"raised": type(exc).__name__, "message": message, "where": where}


def _serve(read_fd: int, write_fd: int, requested: str, containment: list) -> None:
    """Say how the worker is contained (before any student code runs, so the
    implementation cannot forge it), load the implementation, report what it provides,
    then answer calls forever."""
    from deltaspec.conformance.interface import loader

    wire.send(write_fd, {"ready": True, "containment": containment})
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
        name, ident = request.get("call"), request.get("id")
        try:
            args = wire.decode_value(request.get("args", []))
            result = getattr(namespace, name)(*args)
        except BaseException as exc:  # noqa: BLE001 - reported to the parent, which judges
            wire.send(write_fd, {"id": ident, **_describe(exc)})
            continue
        try:
            reply = {"id": ident, "result": wire.encode_value(result)}
        except wire.WireError as exc:
            reply = {"id": ident, "unplain": str(exc)}
        wire.send(write_fd, reply)


def _package_roots() -> list[str]:
    """The folders holding deltaspec's rooms: one site-packages folder when installed, the
    repository's spec/, reference/ and conformance/ folders' parent when installed editable."""
    import deltaspec
    from deltaspec import conformance, reference, spec

    return [str(Path(m.__file__).resolve().parent.parent) for m in (deltaspec, spec, reference, conformance)]


def _needed_paths(requested: str) -> list[str]:
    """What the worker must still reach after the sandbox hides the rest: the Python
    installation, sys.path, the suite, the implementation's directory, the home."""
    found = [sys.base_prefix, sys.base_exec_prefix, sys.prefix, sys.exec_prefix,
             os.path.dirname(os.path.realpath(sys.executable)), *_package_roots(), *sys.path]
    if os.path.isfile(requested):
        found.append(os.path.dirname(os.path.abspath(requested)))
    paths = []
    for p in found:
        if p and os.path.exists(p):
            real = os.path.realpath(p)
            if real not in paths:
                paths.append(real)
    return paths


def _searchable_by_all(path: str) -> bool:
    try:
        return bool(os.stat(path).st_mode & stat.S_IXOTH)
    except OSError:
        return False


def _blocked_ancestor(path: str) -> str | None:
    """The topmost proper ancestor of path that others cannot enter, or None."""
    parts = Path(path).parts
    for i in range(2, len(parts)):
        ancestor = str(Path(*parts[:i]))
        if not _searchable_by_all(ancestor):
            return ancestor
    return None


def _reachable_by_others(path: str, readable: bool = True) -> bool:
    """Whether the user nobody could reach (and read) path, by its mode bits."""
    real = Path(os.path.realpath(path))
    for part in real.parents:
        if not _searchable_by_all(str(part)):
            return False
    try:
        mode = os.stat(real).st_mode
    except OSError:
        return False
    need = (stat.S_IROTH | (stat.S_IXOTH if stat.S_ISDIR(mode) else 0)) if readable else 0
    return mode & need == need


def _unescape(field: str) -> str:
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field)


def _mounts() -> list[tuple[str, int]]:
    """(mount point, per-mount flags) from /proc/self/mountinfo."""
    found = []
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        fields = line.split()
        flags = 0
        for option in fields[5].split(","):
            flags |= MOUNT_OPTIONS.get(option, 0)
        found.append((_unescape(fields[4]), flags))
    return found


def _build_sandbox(home: str, requested: str) -> None:
    """In fresh mount and PID namespaces (this process is their init): hide what others
    cannot enter, a new /proc, a minimal /dev, everything read-only but the home."""
    os.umask(0o022)
    _mount(None, "/", None, MS_REC | MS_PRIVATE)  # nothing propagates back to the host
    _mount("tmpfs", home, "tmpfs", MS_NOSUID | MS_NODEV, f"size={HOME_SIZE},mode=1777")
    # what must stay reachable, held open so it can be bound back once its path is hidden
    held = {}
    for path in [*_needed_paths(requested), home]:
        blocked = _blocked_ancestor(path)
        if blocked is not None and path not in held:
            held[path] = (blocked, os.open(path, os.O_PATH))
    devices = {name: os.open(f"/dev/{name}", os.O_PATH) for name in DEVICES if os.path.exists(f"/dev/{name}")}
    try:
        # directories others cannot enter (/root holding a pyenv Python): an empty tmpfs
        # over each, with only the needed paths bound back in
        for blocked in sorted({b for b, _ in held.values()}, key=len):
            _mount("tmpfs", blocked, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=0755")
        for path, (_, fd) in sorted(held.items(), key=lambda item: len(item[0])):
            if os.path.isdir(f"/proc/self/fd/{fd}"):
                os.makedirs(path, 0o755, exist_ok=True)
            else:
                os.makedirs(os.path.dirname(path), 0o755, exist_ok=True)
                open(path, "a").close()
            _mount(f"/proc/self/fd/{fd}", path, None, MS_BIND | MS_REC)
        # a minimal /dev: no disks, terminals, consoles or kernel memory; built in the
        # home, then moved over the old /dev
        dev = os.path.join(home, ".dev")
        os.mkdir(dev)
        _mount("tmpfs", dev, "tmpfs", MS_NOSUID | MS_NOEXEC, "size=64k,mode=0755")
        for name, fd in devices.items():
            open(os.path.join(dev, name), "w").close()
            _mount(f"/proc/self/fd/{fd}", os.path.join(dev, name), None, MS_BIND)
        os.mkdir(os.path.join(dev, "shm"))
        _mount("tmpfs", os.path.join(dev, "shm"), "tmpfs", MS_NOSUID | MS_NODEV, "size=64m,mode=1777")
        for link, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"),
                             ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2")):
            os.symlink(target, os.path.join(dev, link))
        try:
            _umount("/dev")
        except OSError:
            pass
        _mount(dev, "/dev", None, MS_MOVE)
        os.rmdir(dev)
    finally:
        for fd in [*(fd for _, fd in held.values()), *devices.values()]:
            os.close(fd)
    # /proc of this PID namespace only: the pytest process and the host are not in it
    try:
        _umount("/proc")
    except OSError:
        pass
    _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY)
    # everything read-only except the home and /dev/shm
    writable = (home, "/dev/shm")
    done = set()
    for point, flags in _mounts():
        if point in done or point == "/proc" or any(point == w or point.startswith(w + "/") for w in writable):
            continue
        done.add(point)
        try:
            _mount(None, point, None, MS_REMOUNT | MS_BIND | MS_RDONLY | flags)
        except OSError as exc:
            if exc.errno not in (errno.ENOENT, errno.EINVAL):  # a mount hidden under another one
                raise
    os.chdir(home)


def _confine(config: dict, requested: str, sandboxed: bool) -> list[str]:
    """Drop privileges before any student code runs; returns what was applied."""
    notes = ["namespace sandbox (pid, mount, net, ipc), read-only file system"] if sandboxed else []
    if os.geteuid() != 0:
        return notes
    import resource

    _prctl(PR_SET_NO_NEW_PRIVS, 1)
    _drop_bounding_set()
    reachable = (all(_reachable_by_others(p) for p in _needed_paths(requested))
                 and (not os.path.isfile(requested) or _reachable_by_others(requested)))
    if config.get("drop") and reachable:
        if not config.get("cgroup"):
            resource.setrlimit(resource.RLIMIT_NPROC, (NPROC_LIMIT, NPROC_LIMIT))
        os.setgroups([])
        os.setgid(NOBODY)
        os.setuid(NOBODY)
        notes.append("user nobody")
    else:
        notes.append("root without capabilities")
    _clear_capabilities()
    return notes


def _init(read_fd: int, write_fd: int, requested: str, config: dict, status_w: int) -> None:
    """PID 1 of the worker's namespace: build the sandbox, start the server, reap
    everything, report how the server ended, and exit (which kills the namespace)."""
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        _build_sandbox(config["home"], requested)
    except Exception as exc:  # noqa: BLE001 - the suite retries without the sandbox
        wire.send(write_fd, {"loaded": False, "sandbox_failed": f"{type(exc).__name__}: {exc}"})
        os.write(status_w, b"exit 0")
        return
    server = os.fork()
    if server == 0:
        try:
            os.close(status_w)
            _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
            notes = _confine(config, requested, sandboxed=True)
            _prctl(PR_SET_DUMPABLE, 1)  # its own /proc/self; set-uid made it non-dumpable
            _serve(read_fd, write_fd, requested, notes)
        except EOFError:
            pass
        except BaseException:  # noqa: BLE001
            traceback.print_exc()
            os._exit(70)
        os._exit(0)
    os.close(read_fd)
    os.close(write_fd)
    _prctl(PR_SET_DUMPABLE, 0)
    try:
        _drop_bounding_set()
        _clear_capabilities()
    except OSError:
        pass
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
    report = f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else f"exit {os.waitstatus_to_exitcode(status)}"
    os.write(status_w, report.encode())


def _outer(read_fd: int, write_fd: int, requested: str, config: dict) -> int:
    """The process the suite started, outside the new PID namespace: start its init,
    then end the way the implementation's process ended (so the suite can say how)."""
    status_r, status_w = os.pipe()
    child = os.fork()
    if child == 0:
        try:
            os.close(status_r)
            _init(read_fd, write_fd, requested, config, status_w)
        except BaseException:  # noqa: BLE001
            traceback.print_exc()
            os._exit(70)
        os._exit(0)
    os.close(status_w)
    os.close(read_fd)
    os.close(write_fd)
    report = b""
    while True:
        chunk = os.read(status_r, 64)
        if not chunk:
            break
        report += chunk
    _, status = os.waitpid(child, 0)
    kind, _, number = report.decode(errors="replace").partition(" ")
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
    return 70 if os.WIFSIGNALED(status) else os.waitstatus_to_exitcode(status)


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    read_fd, write_fd, requested = int(argv[0]), int(argv[1]), argv[2]
    config = json.loads(argv[3]) if len(argv) > 3 else {}
    notes = []
    if config.get("sandbox"):
        try:
            _ok(_c().unshare(NAMESPACES), "unshare")
        except (OSError, AttributeError) as exc:
            notes.append(f"no namespace sandbox ({getattr(exc, 'strerror', None) or exc})")
        else:
            code = _outer(read_fd, write_fd, requested, config)
            os._exit(code)
    try:
        notes += _confine(config, requested, sandboxed=False)
        _serve(read_fd, write_fd, requested, notes)
    except EOFError:
        pass
    return 0


# ---------------------------------------------------------------- the parent side


def _own_cgroup(controller: str) -> Path | None:
    """This process's cgroup directory for a cgroup-v1 controller, or None: the worker's
    cgroups are made inside it, so whatever limits this process has still apply."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if controller in controllers.split(","):
            directory = Path("/sys/fs/cgroup") / controller / path.lstrip("/")
            return directory if (directory / "cgroup.procs").exists() else None
    return None


def _make_cgroup(parent: Path, settings: dict) -> Path | None:
    if not os.access(parent, os.W_OK):
        return None
    for stale in parent.glob("deltaspec-*-*"):  # left by a suite that was killed: empty ones go
        creator = stale.name.split("-")[1]
        if creator.isdigit() and not os.path.exists(f"/proc/{creator}"):
            try:
                stale.rmdir()
            except OSError:
                pass
    group = parent / f"deltaspec-{os.getpid()}-{time.monotonic_ns()}"
    try:
        group.mkdir()
        for key, value in settings.items():
            (group / key).write_text(value)
        return group
    except OSError:
        try:
            group.rmdir()
        except OSError:
            pass
        return None


def _cgroups(memory: int) -> dict:
    """Fresh cgroups for the worker, where this process may make them (root): "pids"
    limiting it to NPROC_LIMIT tasks, "memory" limiting all its processes together to
    ``memory`` bytes (RLIMIT_AS only limits each one)."""
    groups = {}
    for controller, settings in (("pids", {"pids.max": str(NPROC_LIMIT)}),
                                 ("memory", {"memory.limit_in_bytes": str(memory)})):
        parent = _own_cgroup(controller)
        group = _make_cgroup(parent, settings) if parent is not None else None
        if group is not None:
            groups[controller] = group
    unified = Path("/sys/fs/cgroup")
    if not groups and (unified / "cgroup.controllers").exists():  # cgroup v2 only
        try:
            available = (unified / "cgroup.subtree_control").read_text().split()
        except OSError:
            available = []
        settings = {"pids.max": str(NPROC_LIMIT)} if "pids" in available else {}
        if "memory" in available:
            settings["memory.max"] = str(memory)
        group = _make_cgroup(unified, settings) if settings else None
        if group is not None:
            groups.update({c: group for c in ("pids", "memory") if c in available})
    return groups


def _limits(memory: int, cgroups):
    """preexec_fn for the worker: its own session, memory and file-size limits, no core
    dumps, and its cgroups."""
    def apply():
        import resource

        os.setsid()
        try:  # the worker dies with the pytest process, however that ends
            _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_LIMIT, FILE_SIZE_LIMIT))
        for group in cgroups:
            (group / "cgroup.procs").write_text(str(os.getpid()))
    return apply


def _status(pid: int) -> dict:
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return {}
    return dict(line.split(":\t", 1) for line in lines if ":\t" in line)


def _alive(pid: int) -> bool:
    """Running (not a zombie waiting for its parent)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (OSError, IndexError):
        return False


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


class Worker:
    """The parent's handle on one isolated implementation."""

    def __init__(self, requested: str, timeout: float = CALL_TIMEOUT, memory: int = MEMORY_LIMIT,
                 budget: float | None = None, sandbox: bool | None = None):
        self.requested = requested
        self.timeout, self.memory, self.budget = timeout, memory, budget
        self.sandbox = (os.environ.get(SANDBOX_ENV, "1") != "0") if sandbox is None else sandbox
        self.spent = 0.0
        self.process: subprocess.Popen | None = None
        self.info: dict | None = None
        self.restarts = 0
        self.cgroup: Path | None = None   # the pids cgroup: which processes are the worker's
        self.cgroups: dict = {}
        self.containment = ""
        self.trusted: set[int] = set()
        self.sequence = 0
        self.pidfd: int | None = None
        self.to_child = self.from_child = -1
        self.log = tempfile.NamedTemporaryFile(prefix="deltaspec-worker-", suffix=".log", delete=False)
        self.home = tempfile.mkdtemp(prefix="deltaspec-worker-")
        os.chmod(self.home, 0o755)

    # -- lifecycle

    def _environment(self) -> dict:
        keep = ("PATH", "LANG", "LC_ALL", "SYSTEMROOT")
        env = {k: os.environ[k] for k in keep if k in os.environ}
        # the home, the temporary directory and the spec's cache are the worker's own:
        # never the suite's cache (the pytest process executes what it finds there)
        env.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1",
                   HOME=self.home, TMPDIR=self.home, DELTASPEC_CACHE_DIR=os.path.join(self.home, ".cache"),
                   PYTHONDONTWRITEBYTECODE="1", PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
        return env

    def start(self) -> dict:
        """Start the worker and load the implementation; returns what it reported."""
        info = self._start()
        if info.get("sandbox_failed") is not None:
            reason = clean(info["sandbox_failed"], 200)
            self.sandbox = False
            info = self._start()
            self.containment = f"{self.containment} (namespace sandbox failed: {reason})".strip()
        return info

    def _start(self) -> dict:
        self.stop()
        requested = self.requested
        if Path(requested).is_file():
            requested = str(Path(requested).resolve())
        protect_parent()
        r_child, w_parent = os.pipe()   # requests: parent -> worker
        r_parent, w_child = os.pipe()   # replies: worker -> parent
        root = os.geteuid() == 0
        self.cgroups = _cgroups(self.memory) if root else {}
        self.cgroup = self.cgroups.get("pids")
        config = {"sandbox": bool(self.sandbox and root and sys.platform.startswith("linux")),
                  "drop": root, "home": os.path.realpath(self.home), "cgroup": self.cgroup is not None}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "deltaspec.conformance.isolation.worker", str(r_child), str(w_child), requested, json.dumps(config)],
            pass_fds=(r_child, w_child), stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT,
            cwd=self.home, env=self._environment(),
            preexec_fn=_limits(self.memory, list(dict.fromkeys(self.cgroups.values()))),
            close_fds=True)
        os.close(r_child)
        os.close(w_child)
        self.to_child, self.from_child = w_parent, r_parent
        os.set_blocking(self.to_child, False)
        try:
            self.pidfd = os.pidfd_open(self.process.pid)
        except (AttributeError, OSError):
            self.pidfd = None
        deadline = time.monotonic() + LOAD_TIMEOUT
        try:
            # the first message comes before any student code runs: the sandbox's failure
            # (then the suite retries without it), or how the worker is contained
            first = self._await(deadline, "starting the worker")
            if config["sandbox"] and "sandbox_failed" in first:
                self.stop()
                return {"loaded": False, "sandbox_failed": clean(first.get("sandbox_failed"), 200)}
            if first.get("ready") is not True:
                self.stop()
                raise WorkerFailure("the worker's process sent a malformed first message")
            containment = first.get("containment")
            containment = [clean(c, 100) for c in containment[:5] if isinstance(c, str)] \
                if isinstance(containment, list) else []
            info = self._checked_info(self._await(deadline, "loading the implementation"))
        except WorkerFailure:
            self.stop()
            raise
        self.info = info
        kinds = [c for c in ("pids", "memory") if c in self.cgroups]
        groups = f"{' and '.join(kinds)} cgroup{'s' if len(kinds) > 1 else ''}" if kinds else ""
        self.containment = ", ".join(filter(None, [groups, *containment]))
        self.trusted = self._find_trusted()
        return info

    @staticmethod
    def _checked_info(info: dict) -> dict:
        """The load report, reduced to what it may contain (the implementation may have
        forged it)."""
        if info.get("loaded") is not True:
            return {"loaded": False, "error": clean(info.get("error") or "the implementation could not be loaded")}
        provides = info.get("provides")
        provides = [n for n in provides if isinstance(n, str) and n.isidentifier() and not n.startswith("_")
                    and len(n) <= 100][:MAX_NAMES] if isinstance(provides, list) else []
        conventions = info.get("conventions")
        if not isinstance(conventions, dict):
            conventions = {}
        conventions = {k: v for k, v in conventions.items() if k in CONVENTION_NAMES}
        return {"loaded": True, "origin": clean(info.get("origin", ""), 300), "provides": provides,
                "conventions": conventions}

    def _find_trusted(self) -> set[int]:
        """The worker's own processes (outside the namespace, its init, the server); any
        other process in its cgroup or process group is one the implementation started."""
        trusted = {self.process.pid}
        candidates = self._cgroup_members() if self.cgroup is not None else self._group_members()
        statuses = {pid: _status(pid) for pid in candidates}
        init = [p for p, s in statuses.items() if s.get("PPid", "").strip() == str(self.process.pid)]
        trusted.update(init)
        parents = {str(i) for i in init}
        trusted.update(p for p, s in statuses.items()
                       if s.get("PPid", "").strip() in parents and s.get("NSpid", "").split()[-1:] == ["2"])
        return trusted

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
        for fd in (self.to_child, self.from_child, self.pidfd):
            if fd is None or fd < 0:
                continue
            try:
                os.close(fd)
            except OSError:
                pass
        self.to_child = self.from_child = -1
        self.pidfd = None
        self.process = None

    def close(self) -> None:
        self.stop()
        self.log.close()
        try:
            os.unlink(self.log.name)
        except OSError:
            pass
        shutil.rmtree(self.home, ignore_errors=True)

    # -- calls

    def _out_of_memory(self) -> bool:
        """Whether the kernel killed a process of the worker's memory cgroup."""
        group = self.cgroups.get("memory")
        if group is None:
            return False
        for name, key in (("memory.oom_control", "oom_kill"), ("memory.events", "oom_kill")):
            try:
                fields = dict(line.split() for line in (group / name).read_text().splitlines() if " " in line)
            except (OSError, ValueError):
                continue
            if int(fields.get(key, 0)) > 0:
                return True
        return False

    def _death(self) -> str:
        """Why the worker went away (it closed its end of the pipe); stops it."""
        try:
            code = self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.stop()
            return "the implementation's process closed its connection to the suite (it was killed)"
        oom = self._out_of_memory()
        self.stop()
        if code < 0:
            name = _signal_name(-code)
            hint = {"SIGXFSZ": ": it wrote more than the file-size limit"}.get(name, "")
            if name == "SIGKILL" and oom:
                hint = f": its processes together used more than the {self.memory >> 20} MB memory limit"
            return f"the implementation crashed (killed by {name}{hint})"
        return f"the implementation's process exited (status {code})"

    def _wait_readable(self, deadline: float) -> None:
        """Until a reply starts or the worker exits (EOFError) or the deadline (WireTimeout)."""
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise wire.WireTimeout("no reply")
            fds = [self.from_child] + ([self.pidfd] if self.pidfd is not None else [])
            ready = select.select(fds, [], [], left if self.pidfd is not None else min(left, 0.2))[0]
            if self.from_child in ready:
                return
            if (self.pidfd is not None and self.pidfd in ready) or self.process.poll() is not None:
                # exited: a reply it finished before exiting is still in the pipe
                if select.select([self.from_child], [], [], 0)[0]:
                    return
                raise EOFError("the worker exited")

    def _await(self, deadline: float, doing: str) -> dict:
        timeout = self.timeout if doing.startswith("calling") else LOAD_TIMEOUT
        try:
            self._wait_readable(deadline)
            return wire.receive(self.from_child, deadline)
        except wire.WireTimeout:
            self.stop()
            raise WorkerFailure(f"{doing} timed out after {timeout:g} s (an infinite loop?); "
                                "the worker was killed") from None
        except (EOFError, OSError):
            raise WorkerFailure(f"{self._death()} while {doing}") from None
        except wire.WireError as exc:
            self.stop()
            raise WorkerFailure(f"the implementation's process sent a malformed reply while {doing}: "
                                f"{clean(exc, 200)}; the worker was killed") from None

    def call(self, name: str, args) -> object:
        """name(*args) in the worker; plain data back, or a WorkerFailure / raised-info."""
        if self.budget is not None and self.spent > self.budget:
            raise WorkerFailure(f"the run's time budget of {self.budget:g} s is used up")
        if self.process is None or self.process.poll() is not None:
            if self.process is not None:
                self.stop()
            self.restarts += 1
            info = self.start()
            if not info.get("loaded"):
                raise WorkerFailure(f"the implementation could not be loaded again: {info.get('error', '')}")
        self.sequence += 1
        start = time.perf_counter()
        deadline = time.monotonic() + self.timeout
        try:
            try:
                wire.send(self.to_child, {"call": name, "id": self.sequence, "args": wire.encode_value(list(args))},
                          deadline)
            except wire.WireTimeout:
                self.stop()
                raise WorkerFailure(f"calling {name} timed out after {self.timeout:g} s: the implementation's "
                                    "process stopped reading; the worker was killed") from None
            except OSError:
                raise WorkerFailure(f"{self._death()} before {name} could be called") from None
            reply = self._await(deadline, f"calling {name}")
        finally:
            self.spent += time.perf_counter() - start
        if reply.get("id") != self.sequence:
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

    def _cgroup_members(self) -> list[int]:
        try:
            return [int(p) for p in (self.cgroup / "cgroup.procs").read_text().split()]
        except (OSError, ValueError, TypeError):
            return []

    def _group_members(self) -> list[int]:
        """The processes in the worker's process group (where there is no cgroup)."""
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    if os.getpgid(int(entry.name)) == self.process.pid:
                        found.append(int(entry.name))
                except OSError:
                    continue
        return found

    def _kill_cgroup(self, remove: bool = False) -> None:
        if getattr(self, "cgroup", None) is None:
            if remove:
                for group in dict.fromkeys(getattr(self, "cgroups", {}).values()):
                    try:
                        group.rmdir()
                    except OSError:
                        pass
                self.cgroups = {}
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
            for group in dict.fromkeys(self.cgroups.values()):
                for _ in range(100):  # tasks leave a cgroup a moment after SIGKILL
                    try:
                        group.rmdir()
                        break
                    except FileNotFoundError:
                        break
                    except OSError:
                        for pid in self._cgroup_members():
                            try:
                                os.kill(pid, signal.SIGKILL)
                            except OSError:
                                pass
                        time.sleep(0.01)
            self.cgroup = None
            self.cgroups = {}

    def strays(self) -> int:
        """Kill processes the worker left behind (its cgroup or its process group);
        return how many there were."""
        if self.process is None:
            return 0
        trusted = self.trusted | {self.process.pid}
        members = self._cgroup_members if getattr(self, "cgroup", None) is not None else self._group_members
        found: set[int] = set()
        for _ in range(50):  # killed processes take a moment to go; a fork bomb refills
            others = [p for p in members() if p not in trusted and _alive(p)]
            if not others:
                break
            found.update(others)
            for pid in others:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            time.sleep(0.01)
        return len(found)


class RaisedInWorker(Exception):
    """The implementation raised an exception inside the worker."""

    def __init__(self, kind: str, message: str, where: str):
        super().__init__(f"{kind}: {message}{where}")
        self.kind, self.message, self.where = kind, message, where


class RemoteNamespace:
    """Attributes that forward calls to the worker, for the adapter."""

    def __init__(self, worker: Worker, provides, conventions: dict):
        self._worker = worker
        self._provides = {n for n in provides if isinstance(n, str) and not n.startswith("_")}
        for key, value in conventions.items():
            if key not in CONVENTION_NAMES:
                continue
            try:
                setattr(self, key, wire.decode_value(value))
            except wire.WireError:
                setattr(self, key, clean(repr(value), 100))  # read_conventions rejects it with its own message

    def __getattr__(self, name):
        if name.startswith("_") or name not in self._provides:
            raise AttributeError(name)

        def remote(*args):
            return self._worker.call(name, args)

        remote.__name__ = name
        return remote


if __name__ == "__main__":
    sys.exit(main())
