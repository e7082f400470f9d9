"""The namespace sandbox: the worker's own PID, mount, network, IPC and UTS namespaces
and the file system it sees there (Linux, the suite running as root).

Defends against an implementation that reads or writes what is not its own: its file
system is read-only except a private 64 MB tmpfs home (also its TMPDIR and spec cache)
and a private /dev/shm; /proc shows only its own processes (not the pytest process, its
command line or the results file's path); /dev holds only null, zero, full, random and
urandom; there is no network, not even loopback; directories others cannot enter (e.g.
/root) are hidden behind an empty tmpfs with only what the worker needs bound back in.
Every process it starts, daemonized or not, dies with the PID namespace when the
worker stops. ``DELTASPEC_SANDBOX=0`` in the suite's environment turns the sandbox off.
"""
from __future__ import annotations

import errno
import os
import re
from pathlib import Path

from deltaspec.conformance.isolation.paths import blocked_ancestor, needed_paths
from deltaspec.conformance.isolation.syscalls import (
    CLONE_NEWIPC,
    CLONE_NEWNET,
    CLONE_NEWNS,
    CLONE_NEWPID,
    CLONE_NEWUTS,
    MS_BIND,
    MS_MOVE,
    MS_NOATIME,
    MS_NODEV,
    MS_NODIRATIME,
    MS_NOEXEC,
    MS_NOSUID,
    MS_PRIVATE,
    MS_RDONLY,
    MS_REC,
    MS_RELATIME,
    MS_REMOUNT,
    MS_STRICTATIME,
    mount,
    umount,
    unshare,
)

SANDBOX_ENV = "DELTASPEC_SANDBOX"
HOME_SIZE = "64m"
NAMESPACES = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS
MOUNT_OPTIONS = {"nosuid": MS_NOSUID, "nodev": MS_NODEV, "noexec": MS_NOEXEC, "noatime": MS_NOATIME,
                 "nodiratime": MS_NODIRATIME, "relatime": MS_RELATIME, "strictatime": MS_STRICTATIME}
DEVICES = ("null", "zero", "full", "random", "urandom")


def enter_namespaces() -> None:
    """Move this process into new namespaces; its next child is PID 1 of the new one."""
    unshare(NAMESPACES)


def build(home: str, requested: str) -> None:
    """In fresh mount and PID namespaces (this process is their init): hide what others
    cannot enter, a new /proc, a minimal /dev, everything read-only but the home."""
    os.umask(0o022)
    mount(None, "/", None, MS_REC | MS_PRIVATE)  # nothing propagates back to the host
    mount("tmpfs", home, "tmpfs", MS_NOSUID | MS_NODEV, f"size={HOME_SIZE},mode=1777")
    held = _hold([*needed_paths(requested), home])
    devices = {name: os.open(f"/dev/{name}", os.O_PATH) for name in DEVICES if os.path.exists(f"/dev/{name}")}
    try:
        _hide_blocked(held)
        _minimal_dev(home, devices)
    finally:
        for fd in [*(fd for _, fd in held.values()), *devices.values()]:
            os.close(fd)
    _own_proc()
    _read_only_except(home, "/dev/shm")
    os.chdir(home)


def _hold(paths: list[str]) -> dict[str, tuple[str, int]]:
    """{path: (its blocked ancestor, an O_PATH descriptor)} for each needed path others
    cannot reach: held open so it can be bound back once its ancestor is hidden."""
    held = {}
    for path in paths:
        blocked = blocked_ancestor(path)
        if blocked is not None and path not in held:
            held[path] = (blocked, os.open(path, os.O_PATH))
    return held


def _hide_blocked(held: dict[str, tuple[str, int]]) -> None:
    """Directories others cannot enter (/root holding a pyenv Python): an empty tmpfs over
    each, with only the held paths bound back in."""
    for blocked in sorted({b for b, _ in held.values()}, key=len):
        mount("tmpfs", blocked, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=0755")
    for path, (_, fd) in sorted(held.items(), key=lambda item: len(item[0])):
        if os.path.isdir(f"/proc/self/fd/{fd}"):
            os.makedirs(path, 0o755, exist_ok=True)
        else:
            os.makedirs(os.path.dirname(path), 0o755, exist_ok=True)
            open(path, "a").close()
        mount(f"/proc/self/fd/{fd}", path, None, MS_BIND | MS_REC)


def _minimal_dev(home: str, devices: dict[str, int]) -> None:
    """A /dev without disks, terminals, consoles or kernel memory: built in the home, then
    moved over the old /dev."""
    dev = os.path.join(home, ".dev")
    os.mkdir(dev)
    mount("tmpfs", dev, "tmpfs", MS_NOSUID | MS_NOEXEC, "size=64k,mode=0755")
    for name, fd in devices.items():
        open(os.path.join(dev, name), "w").close()
        mount(f"/proc/self/fd/{fd}", os.path.join(dev, name), None, MS_BIND)
    os.mkdir(os.path.join(dev, "shm"))
    mount("tmpfs", os.path.join(dev, "shm"), "tmpfs", MS_NOSUID | MS_NODEV, "size=64m,mode=1777")
    for link, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"),
                         ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2")):
        os.symlink(target, os.path.join(dev, link))
    try:
        umount("/dev")
    except OSError:
        pass
    mount(dev, "/dev", None, MS_MOVE)
    os.rmdir(dev)


def _own_proc() -> None:
    """/proc of this PID namespace only: the pytest process and the host are not in it."""
    try:
        umount("/proc")
    except OSError:
        pass
    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY)


def _read_only_except(*writable: str) -> None:
    """Remount every mount point read-only, keeping its own flags, except /proc (already
    read-only) and the writable ones and what lies under them."""
    done = set()
    for point, flags in _mounts():
        if point in done or point == "/proc" or any(point == w or point.startswith(w + "/") for w in writable):
            continue
        done.add(point)
        try:
            mount(None, point, None, MS_REMOUNT | MS_BIND | MS_RDONLY | flags)
        except OSError as exc:
            if exc.errno not in (errno.ENOENT, errno.EINVAL):  # a mount hidden under another one
                raise


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
