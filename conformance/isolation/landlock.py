"""Landlock (Linux 5.13+): the worker restricts itself to its view, without namespaces
and without privileges.

Defends, where there is no namespace sandbox (a container without CAP_SYS_ADMIN,
``DELTASPEC_SANDBOX=0``, a suite not running as root), against an implementation that
reads another run's files or the suite's (only the view of :func:`.paths.view` can be
read, only its home written), signals or traces another run's processes (ABI 6: no
signal leaves the worker's Landlock domain; ptrace never could), connects to or listens
on TCP ports (ABI 4) and talks to another run over an abstract unix socket (ABI 6).
Every process the implementation starts inherits the restriction, which no process can
lift. Where the namespace sandbox exists it is applied inside it as well.

The kernel says which ABI it has; rights it does not know are not asked for, and the
worker's first message names the ABI it got (or that there was none).
"""
from __future__ import annotations

import ctypes
import os
import stat

from deltaspec.conformance.isolation import syscalls
from deltaspec.conformance.isolation.paths import expanded

CREATE_RULESET, ADD_RULE, RESTRICT_SELF = 444, 445, 446   # the same number on every architecture
CREATE_RULESET_VERSION = 1
RULE_PATH_BENEATH = 1

EXECUTE, WRITE_FILE, READ_FILE, READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
REMOVE_DIR, REMOVE_FILE, MAKE_CHAR, MAKE_DIR, MAKE_REG = 1 << 4, 1 << 5, 1 << 6, 1 << 7, 1 << 8
MAKE_SOCK, MAKE_FIFO, MAKE_BLOCK, MAKE_SYM = 1 << 9, 1 << 10, 1 << 11, 1 << 12
REFER, TRUNCATE, IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15
NET_BIND_TCP, NET_CONNECT_TCP = 1 << 0, 1 << 1
SCOPE_ABSTRACT_UNIX_SOCKET, SCOPE_SIGNAL = 1 << 0, 1 << 1

FS_RIGHTS = {1: (1 << 13) - 1, 2: (1 << 14) - 1, 3: (1 << 15) - 1, 4: (1 << 15) - 1, 5: (1 << 16) - 1}
FILE_RIGHTS = EXECUTE | WRITE_FILE | READ_FILE | TRUNCATE | IOCTL_DEV
READ = EXECUTE | READ_FILE | READ_DIR
WRITE = (1 << 16) - 1 & ~IOCTL_DEV   # everything but ioctl on devices
DEVICES = ("/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom")
SIGNALS_SCOPED = 6   # the first ABI that keeps signals inside the domain


class RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def abi() -> int:
    """The kernel's Landlock ABI version; 0 without Landlock (or off, or not Linux)."""
    try:
        version = syscalls.libc().syscall(CREATE_RULESET, None, ctypes.c_size_t(0),
                                          ctypes.c_uint32(CREATE_RULESET_VERSION))
    except (OSError, AttributeError):
        return 0
    return max(int(version), 0)


def restrict(view: dict, home: str, sandboxed: bool) -> int:
    """Allow this process and its future children only the view (read), the home (read
    and write) and, sandboxed, the private /tmp and /dev/shm; no TCP; no signal or
    abstract socket outside. Returns the ABI applied (0: no Landlock here)."""
    version = min(abi(), 7)
    if version == 0:
        return 0
    handled = FS_RIGHTS.get(version, FS_RIGHTS[5])
    attr = RulesetAttr(handled, (NET_BIND_TCP | NET_CONNECT_TCP) if version >= 4 else 0,
                       (SCOPE_SIGNAL | SCOPE_ABSTRACT_UNIX_SOCKET) if version >= SIGNALS_SCOPED else 0)
    size = ctypes.sizeof(RulesetAttr) if version >= SIGNALS_SCOPED else 16 if version >= 4 else 8
    ruleset = syscalls.ok(syscalls.libc().syscall(CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size),
                                                  ctypes.c_uint32(0)), "landlock_create_ruleset")
    try:
        for path, rights in _rules(view, home, sandboxed):
            _allow(ruleset, path, rights & handled)
        syscalls.ok(syscalls.libc().syscall(RESTRICT_SELF, ctypes.c_int(ruleset), ctypes.c_uint32(0)),
                    "landlock_restrict_self")
    finally:
        os.close(ruleset)
    return version


def _rules(view: dict, home: str, sandboxed: bool) -> list[tuple[str, int]]:
    """(path, rights): the view to read (deltaspec's hidden folders cut out), the home to
    write; /proc to read in the sandbox (its own), else the list of processes but only
    this process's files (no other command line) and the machine's CPU and memory figures."""
    rules = [(p, READ) for p in expanded(view.get("readable", []), view.get("hidden", []))]
    rules += [(d, READ_FILE | WRITE_FILE) for d in DEVICES]
    writable = [home, "/tmp", "/dev/shm"] if sandboxed else [home]
    rules += [(w, WRITE) for w in writable]
    if sandboxed:
        rules.append(("/proc", READ_FILE | READ_DIR))
    else:
        rules += [("/proc", READ_DIR), (f"/proc/{os.getpid()}", READ_FILE | READ_DIR), ("/proc/cpuinfo", READ_FILE),
                  ("/proc/meminfo", READ_FILE), ("/proc/stat", READ_FILE),
                  ("/sys/devices/system/cpu", READ_FILE | READ_DIR)]
    return rules


def _allow(ruleset: int, path: str, rights: int) -> None:
    """Add one rule (a path that is gone, or not there on this machine, is skipped)."""
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except OSError:
        return
    try:
        if not stat.S_ISDIR(os.fstat(fd).st_mode):
            rights &= FILE_RIGHTS
        rule = PathBeneathAttr(rights, fd)
        syscalls.ok(syscalls.libc().syscall(ADD_RULE, ctypes.c_int(ruleset), ctypes.c_int(RULE_PATH_BENEATH),
                                            ctypes.byref(rule), ctypes.c_uint32(0)), f"landlock_add_rule {path}")
    finally:
        os.close(fd)
