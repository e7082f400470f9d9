"""The worker's processes: telling its own from those the implementation started
(strays), and killing them.

Defends against an implementation that leaves processes behind: a daemon rewriting the
results file after the run, a fork bomb, a background thread of work that outlives its
check. After every check, any process in the worker's cgroup (or, without cgroups, its
process group) that is neither the worker nor its init is killed and fails that check.
Without cgroups a process that leaves the process group escapes this (not defended,
see the subpackage's docstring).
"""
from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Iterable
from pathlib import Path

ROUNDS = 50   # killed processes take a moment to go, and a fork bomb refills meanwhile


def status(pid: int) -> dict:
    """/proc/<pid>/status as {field: value}, or {} when it is gone."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return {}
    return dict(line.split(":\t", 1) for line in lines if ":\t" in line)


def alive(pid: int) -> bool:
    """Running (not a zombie waiting for its parent)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (OSError, IndexError):
        return False


def process_group(pgid: int) -> list[int]:
    """The processes in a process group (where the worker has no cgroup)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getpgid(int(entry.name)) == pgid:
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def own(worker: int, candidates: Iterable[int]) -> set[int]:
    """The worker's own processes among candidates, right after it loaded: itself, its
    child (outside the namespace, the namespace's init) and the init's child that is PID 2
    inside the namespace (the server). Anything else the implementation started."""
    trusted = {worker}
    statuses = {pid: status(pid) for pid in candidates}
    init = [p for p, s in statuses.items() if s.get("PPid", "").strip() == str(worker)]
    trusted.update(init)
    parents = {str(i) for i in init}
    trusted.update(p for p, s in statuses.items()
                   if s.get("PPid", "").strip() in parents and s.get("NSpid", "").split()[-1:] == ["2"])
    return trusted


def kill(pids: Iterable[int]) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def kill_until_gone(listing: Callable[[], list[int]]) -> set[int]:
    """Kill what listing() returns until it returns nothing (or ROUNDS pass); returns
    every process it found."""
    found: set[int] = set()
    for _ in range(ROUNDS):
        pids = listing()
        if not pids:
            break
        found.update(pids)
        kill(pids)
        time.sleep(0.01)
    return found
