"""Privileges: what the implementation's process may do as a user, and the pytest
process's protection from it.

Before any student code runs, a worker started as root gets no_new_privs, loses every
capability for good (the bounding set too, so no set-uid program gives one back) and
becomes the user ``nobody`` when that user can reach the Python installation, the suite
and the implementation; otherwise it stays root with no capabilities. Without
CAP_SYS_PTRACE it cannot read or write the pytest process's memory nor open its file
descriptors; as ``nobody`` it cannot write root-owned files either (the results file,
the suite's sources). The pytest process makes itself non-dumpable
(:func:`protect_parent`), so even a worker running as the same, unprivileged user
needs CAP_SYS_PTRACE to read its memory.
"""
from __future__ import annotations

import errno
import os
import sys
from pathlib import Path

from deltaspec.conformance.isolation import syscalls
from deltaspec.conformance.isolation.limits import NPROC_LIMIT
from deltaspec.conformance.isolation.paths import needed_paths, reachable_by_others

NOBODY = 65534

_parent_protected = False


def protect_parent() -> None:
    """Make this (the pytest) process non-dumpable: other processes of the same user then
    need CAP_SYS_PTRACE to read its memory through /proc/<pid>/mem or to ptrace it.
    (Root has that capability; the sandboxed worker does not.)"""
    global _parent_protected
    if _parent_protected or not sys.platform.startswith("linux"):
        return
    try:
        syscalls.prctl(syscalls.PR_SET_DUMPABLE, 0)
        _parent_protected = True
    except (OSError, AttributeError):
        pass


def drop_bounding_set() -> None:
    """No capability can ever be regained, not even by executing a set-uid program."""
    try:
        last = int(Path("/proc/sys/kernel/cap_last_cap").read_text())
    except (OSError, ValueError):
        last = 63
    for cap in range(last + 1):
        try:
            syscalls.prctl(syscalls.PR_CAPBSET_DROP, cap)
        except OSError as exc:
            if exc.errno != errno.EINVAL:
                raise
    try:
        syscalls.prctl(syscalls.PR_CAP_AMBIENT, syscalls.PR_CAP_AMBIENT_CLEAR_ALL)
    except OSError:
        pass


def clear_capabilities() -> None:
    """Empty the effective, permitted and inheritable sets."""
    syscalls.capset_empty()


def confine(config: dict, requested: str, sandboxed: bool) -> list[str]:
    """Drop privileges before any student code runs; returns what was applied."""
    notes = ["namespace sandbox (pid, mount, net, ipc), read-only file system"] if sandboxed else []
    if os.geteuid() != 0:
        return notes
    syscalls.prctl(syscalls.PR_SET_NO_NEW_PRIVS, 1)
    drop_bounding_set()
    if config.get("drop") and _nobody_can_run(requested):
        _become_nobody(limit_processes=not config.get("cgroup"))
        notes.append("user nobody")
    else:
        notes.append("root without capabilities")
    clear_capabilities()
    return notes


def _nobody_can_run(requested: str) -> bool:
    """Whether the user nobody can reach the interpreter, the suite and the implementation."""
    return (all(reachable_by_others(p) for p in needed_paths(requested))
            and (not os.path.isfile(requested) or reachable_by_others(requested)))


def _become_nobody(limit_processes: bool) -> None:
    # RLIMIT_NPROC counts per user: it stands in for the pids cgroup where there is none
    import resource

    if limit_processes:
        resource.setrlimit(resource.RLIMIT_NPROC, (NPROC_LIMIT, NPROC_LIMIT))
    os.setgroups([])
    os.setgid(NOBODY)
    os.setuid(NOBODY)
