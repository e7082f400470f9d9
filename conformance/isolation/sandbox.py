"""The namespace sandbox: the worker's own PID, mount, network, IPC and UTS namespaces
and the file system it sees there (Linux, the suite running as root).

Defends against an implementation that reads or writes what is not its own. Its root is
a fresh, read-only tmpfs holding only its view (:func:`.paths.view`: the system's
libraries, the Python installation, its own folder), each bound in read-only, with
deltaspec's own folders covered by an empty tmpfs unless the implementation is part of
deltaspec; a private 64 MB tmpfs home (also its TMPDIR and spec cache, mode 0700, its
user's), a private /tmp and /dev/shm; /proc showing only its own processes (not the
pytest process, its command line or the results file's path); a /dev of null, zero,
full, random and urandom. The host's root is gone from the namespace (pivot_root): no
other job's folder, no results file, no home folder, no /sys. There is no network, not
even loopback. Every process it starts, daemonized or not, dies with the PID namespace
when the worker stops. ``DELTASPEC_SANDBOX=0`` in the suite's environment turns the
sandbox off.
"""
from __future__ import annotations

import errno
import os
import re
from pathlib import Path

from deltaspec.conformance.isolation.syscalls import (
    CLONE_NEWIPC,
    CLONE_NEWNET,
    CLONE_NEWNS,
    CLONE_NEWPID,
    CLONE_NEWUTS,
    MS_BIND,
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
    pivot_root,
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


def build(config: dict) -> None:
    """In fresh mount and PID namespaces (this process is their init): a new root holding
    the view, a private home, /tmp, /dev and /proc; everything read-only but those."""
    os.umask(0o022)
    mount(None, "/", None, MS_REC | MS_PRIVATE)  # nothing propagates back to the host
    home, view = config["home"], config.get("view", {})
    root = home  # the new root is built on the (empty, private) home folder's mount point
    mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=0755")
    _private(root, "/tmp", "mode=1777")   # first: the view may hold a folder under /tmp
    readable = sorted(view.get("readable", []), key=len)
    for path in readable:
        _place(root, path)
    for path in readable:  # where a link of the view leads, unless already visible
        if os.path.islink(path):
            _place(root, os.path.realpath(path))
    for path in view.get("hidden", []):
        _cover(root, path)
    _private(root, home, "mode=0700")   # the worker gives it to its user (privileges.confine)
    _minimal_dev(root)
    _own_proc(root)
    _switch_root(root)
    _read_only_except(home, "/tmp", "/dev/shm")
    os.chdir(home)


def _inside(root: str, path: str, create: bool) -> str | None:
    """root + path, its missing folders made (create), never through a symbolic link of
    the new root (one placed by _place, which resolves only once the root is switched);
    None when a link or a file is in the way."""
    current = root
    for part in Path(path).parts[1:]:
        current = os.path.join(current, part)
        if os.path.islink(current):
            return None
        if not os.path.lexists(current):
            if not create:
                return None
            os.mkdir(current, 0o755)
    return current


def _place(root: str, path: str) -> None:
    """Make path (a folder, a file or a link) visible at the same place in the new root,
    read-only (the final pass remounts every bind read-only)."""
    parent = _inside(root, os.path.dirname(path), create=True)
    if parent is None:
        return
    target = os.path.join(parent, os.path.basename(path))
    if os.path.lexists(target):
        return  # already there, through a folder bound earlier
    if os.path.islink(path):
        os.symlink(os.readlink(path), target)  # resolves in the new root (build places its target)
        return
    if os.path.isdir(path):
        os.mkdir(target, 0o755)
    else:
        open(target, "w").close()
    mount(path, target, None, MS_BIND | MS_REC)
    mount(None, target, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)


def _cover(root: str, hidden: str) -> None:
    """An empty, read-only tmpfs over one of deltaspec's folders inside a bound one."""
    target = _inside(root, hidden, create=False)
    if target is not None and os.path.isdir(target):
        mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY, "size=4k,mode=0755")


def _private(root: str, path: str, options: str) -> None:
    """A fresh tmpfs at path in the new root."""
    target = _inside(root, path, create=True)
    if target is None:
        raise OSError(errno.ELOOP, f"cannot make a private {path}: a link is in the way")
    mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV, f"size={HOME_SIZE},{options}")


def _minimal_dev(root: str) -> None:
    """A /dev without disks, terminals, consoles or kernel memory."""
    dev = _inside(root, "/dev", create=True)
    mount("tmpfs", dev, "tmpfs", MS_NOSUID | MS_NOEXEC, "size=64k,mode=0755")
    for name in DEVICES:
        if os.path.exists(f"/dev/{name}"):
            open(os.path.join(dev, name), "w").close()
            mount(f"/dev/{name}", os.path.join(dev, name), None, MS_BIND)
    os.mkdir(os.path.join(dev, "shm"))
    mount("tmpfs", os.path.join(dev, "shm"), "tmpfs", MS_NOSUID | MS_NODEV, "size=64m,mode=1777")
    for link, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"),
                         ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2")):
        os.symlink(target, os.path.join(dev, link))


def _own_proc(root: str) -> None:
    """/proc of this PID namespace only: the pytest process and the host are not in it."""
    target = _inside(root, "/proc", create=True)
    mount("proc", target, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY)


def _switch_root(root: str) -> None:
    """Make root the root and detach the host's (pivot_root(".", "."): the old root ends
    up on top of the new one, and is unmounted from there)."""
    os.chdir(root)
    pivot_root(".", ".")
    umount(".")
    os.chdir("/")


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
