"""The Linux system calls the worker needs that :mod:`os` does not offer, through ctypes:
mount, umount2, pivot_root, prctl, unshare and capset, each raising OSError on failure.

Only the worker's side builds sandboxes and drops capabilities with them; the pytest
process uses prctl once, to make itself non-dumpable (:func:`.privileges.protect_parent`).
"""
from __future__ import annotations

import ctypes
import os
import platform

CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWPID, CLONE_NEWNET = 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_NOATIME, MS_NODIRATIME, MS_BIND, MS_MOVE, MS_REC = 32, 1024, 2048, 4096, 8192, 16384
MS_PRIVATE, MS_RELATIME, MS_STRICTATIME = 1 << 18, 1 << 21, 1 << 24
MNT_DETACH = 2
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_CAPBSET_DROP = 1, 4, 24
PR_SET_NO_NEW_PRIVS, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 38, 47, 4
SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41, "riscv64": 41, "ppc64le": 203, "s390x": 217}

_libc = None


def libc():
    """The C library, loaded on first use (never on platforms that do not need it)."""
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
    return _libc


def ok(result: int, what: str) -> int:
    """result, or the OSError that errno names when the call returned -1."""
    if result == -1:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")
    return result


def _bytes(s):
    return None if s is None else os.fsencode(s)


def mount(source, target, fstype, flags: int, data=None) -> None:
    c = libc()
    c.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_char_p]
    ok(c.mount(_bytes(source), _bytes(target), _bytes(fstype), flags, _bytes(data)), f"mount {target}")


def umount(target) -> None:
    """Detach target (lazily: whatever still uses it keeps it until it lets go)."""
    ok(libc().umount2(_bytes(target), MNT_DETACH), f"umount {target}")


def pivot_root(new_root, put_old) -> None:
    """Make new_root the root of this mount namespace (glibc has no wrapper for it)."""
    number = SYS_PIVOT_ROOT.get(platform.machine())
    if number is None:
        raise OSError(0, f"pivot_root: unknown system call number on {platform.machine()}")
    ok(libc().syscall(number, _bytes(new_root), _bytes(put_old)), "pivot_root")


def prctl(option: int, arg: int = 0) -> int:
    c = libc()
    c.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    return ok(c.prctl(option, arg, 0, 0, 0), f"prctl({option})")


def unshare(flags: int) -> None:
    ok(libc().unshare(flags), "unshare")


def capset_empty() -> None:
    """Empty this process's effective, permitted and inheritable capability sets."""

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                    ("inheritable", ctypes.c_uint32)]

    header, data = Header(0x20080522, 0), (Data * 2)()  # version 3: two 32-bit words per set
    ok(libc().capset(ctypes.byref(header), data), "capset")
