"""Privileges: what the implementation's process may do as a user, and the pytest
process's protection from it.

Before any student code runs, a worker started as root gets no_new_privs, loses every
capability for good (the bounding set too, so no set-uid program gives one back) and
becomes a user of its own (a uid leased from :mod:`.uids`; ``nobody`` when the pool is
taken) when that user can reach the Python installation; otherwise it stays root with no
capabilities. Without CAP_SYS_PTRACE it cannot read or write the pytest process's memory
nor open its file descriptors; as a user of its own it cannot write root-owned files
(the results file, the suite's sources), nor signal, trace or read another run's worker.
Then, where the kernel has Landlock, it restricts itself to its view (:mod:`.landlock`),
root or not. The pytest process makes itself non-dumpable (:func:`protect_parent`), so
even a worker running as the same, unprivileged user needs CAP_SYS_PTRACE to read its
memory.
"""
from __future__ import annotations

import errno
import os
import sys
from pathlib import Path

from deltaspec.conformance.isolation import landlock, syscalls
from deltaspec.conformance.isolation.limits import NPROC_LIMIT
from deltaspec.conformance.isolation.paths import reachable_by_others

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


def confine(config: dict, sandboxed: bool) -> list[str]:
    """Drop privileges before any student code runs; returns what was applied."""
    notes = ["namespace sandbox (pid, mount, net, ipc), private file-system view"] if sandboxed else []
    syscalls.prctl(syscalls.PR_SET_NO_NEW_PRIVS, 1)   # also what Landlock asks for
    if os.geteuid() == 0:
        notes.append(_drop_root(config))
    notes.append(_landlock(config, sandboxed))
    return notes


def _drop_root(config: dict) -> str:
    """No capability ever again; a user of its own where it can run Python."""
    drop_bounding_set()
    uid = config.get("uid") or NOBODY
    if config.get("drop") and _user_can_run(config.get("view", {})):
        os.chown(config["home"], uid, uid)   # its home, mode 0700: no other run's user enters
        _become(uid, limit_processes=not config.get("cgroup"))
        note = f"user {uid} (its own)" if config.get("uid") else "user nobody"
    else:
        note = "root without capabilities"
    clear_capabilities()
    return note


def _user_can_run(view: dict) -> bool:
    """Whether another user reaches the Python installation (and, for an implementation
    given as a module, all of sys.path; a file's source is read before the drop)."""
    needed = view.get("essential", []) if view.get("file") else view.get("readable", [])
    return all(reachable_by_others(p) for p in needed)


def _become(uid: int, limit_processes: bool) -> None:
    # RLIMIT_NPROC counts per user: it stands in for the pids cgroup where there is none
    import resource

    if limit_processes:
        resource.setrlimit(resource.RLIMIT_NPROC, (NPROC_LIMIT, NPROC_LIMIT))
    os.setgroups([])
    os.setgid(uid)   # nobody's group is 65534 too
    os.setuid(uid)


def _landlock(config: dict, sandboxed: bool) -> str:
    """Restrict the process to its view where the kernel has Landlock (and the process
    has one thread: Landlock binds the calling thread only)."""
    if len(os.listdir("/proc/self/task")) != 1:
        return "no Landlock (more than one thread)"
    try:
        version = landlock.restrict(config.get("view", {}), config["home"], sandboxed)
    except OSError as exc:
        return f"no Landlock ({exc.strerror or exc})"
    if not version:
        return "no Landlock"
    scoped = ", signals and abstract sockets scoped" if version >= landlock.SIGNALS_SCOPED else ""
    return f"Landlock ABI {version} (view only{scoped})"
