"""Resource limits on the worker: rlimits on each of its processes, cgroups on all of
them together.

Defends against an implementation that exhausts the grading machine: RLIMIT_AS per
process (a huge allocation raises MemoryError), RLIMIT_FSIZE on what it writes (its log
included), no core dumps; and, as root, a memory cgroup for all its processes together
and a pids cgroup bounding a fork bomb to NPROC_LIMIT tasks. The cgroups are made inside
the pytest process's own, so whatever limits the grader set still apply; the worker is
moved into them before it executes Python, so nothing it runs is ever outside.
"""
from __future__ import annotations

import os
import signal
import time
from pathlib import Path

from deltaspec.conformance.isolation import syscalls
from deltaspec.conformance.isolation.strays import kill, kill_until_gone

MEMORY_LIMIT = 2 << 30
FILE_SIZE_LIMIT = 64 << 20   # RLIMIT_FSIZE: the worker's log and anything else it writes
NPROC_LIMIT = 64
CGROUP_ROOT = Path("/sys/fs/cgroup")


def preexec(memory: int, cgroups):
    """preexec_fn for the worker: its own session, memory and file-size limits, no core
    dumps, and its cgroups."""
    def apply():
        import resource

        os.setsid()
        try:  # the worker dies with the pytest process, however that ends
            syscalls.prctl(syscalls.PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_LIMIT, FILE_SIZE_LIMIT))
        for group in cgroups:
            (group / "cgroup.procs").write_text(str(os.getpid()))
    return apply


# ---------------------------------------------------------------- making cgroups


def make_cgroups(memory: int) -> dict:
    """Fresh cgroups for the worker, where this process may make them (root): "pids"
    limiting it to NPROC_LIMIT tasks, "memory" limiting all its processes together to
    ``memory`` bytes (RLIMIT_AS only limits each one)."""
    return _v1_cgroups(memory) or _v2_cgroup(memory)


def _v1_cgroups(memory: int) -> dict:
    groups = {}
    for controller, settings in (("pids", {"pids.max": str(NPROC_LIMIT)}),
                                 ("memory", {"memory.limit_in_bytes": str(memory)})):
        parent = _own_cgroup(controller)
        group = _make_cgroup(parent, settings) if parent is not None else None
        if group is not None:
            groups[controller] = group
    return groups


def _v2_cgroup(memory: int) -> dict:
    """On a cgroup-v2-only system, one group for both controllers, where available."""
    if not (CGROUP_ROOT / "cgroup.controllers").exists():
        return {}
    try:
        available = (CGROUP_ROOT / "cgroup.subtree_control").read_text().split()
    except OSError:
        available = []
    settings = {"pids.max": str(NPROC_LIMIT)} if "pids" in available else {}
    if "memory" in available:
        settings["memory.max"] = str(memory)
    group = _make_cgroup(CGROUP_ROOT, settings) if settings else None
    return {c: group for c in ("pids", "memory") if c in available} if group is not None else {}


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
            directory = CGROUP_ROOT / controller / path.lstrip("/")
            return directory if (directory / "cgroup.procs").exists() else None
    return None


def _make_cgroup(parent: Path, settings: dict) -> Path | None:
    if not os.access(parent, os.W_OK):
        return None
    _sweep_stale(parent)
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


def _sweep_stale(parent: Path) -> None:
    """Remove the empty cgroups a suite that was killed left behind."""
    for stale in parent.glob("deltaspec-*-*"):
        creator = stale.name.split("-")[1]
        if creator.isdigit() and not os.path.exists(f"/proc/{creator}"):
            try:
                stale.rmdir()
            except OSError:
                pass


# ---------------------------------------------------------------- reading, emptying, removing


def members(group: Path | None) -> list[int]:
    """The processes in a cgroup ([] when there is none, or it is gone)."""
    try:
        return [int(p) for p in (group / "cgroup.procs").read_text().split()]
    except (OSError, ValueError, TypeError):
        return []


def empty(group: Path) -> None:
    """Kill every process in the cgroup (a fork bomb refills it as we kill; pids.max
    bounds it)."""
    kill_until_gone(lambda: members(group))


def remove(groups, pids: Path | None) -> None:
    """Remove the worker's cgroups. Tasks leave a cgroup a moment after SIGKILL: with
    the pids cgroup known, retry, killing its members again; without, try once."""
    for group in groups:
        for _ in range(100 if pids is not None else 1):
            try:
                group.rmdir()
                break
            except FileNotFoundError:
                break
            except OSError:
                if pids is not None:
                    kill(members(pids))
                    time.sleep(0.01)


def out_of_memory(group: Path | None) -> bool:
    """Whether the kernel killed a process of the worker's memory cgroup."""
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
