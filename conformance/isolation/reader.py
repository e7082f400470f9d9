"""Reading a submission's file as an unprivileged reader, never through a link that leads
out of the submissions folder (``grade`` and ``run``, before the job copies it).

Defends a grader running as root against a submission that is not what it seems:

* **a link out**: a symbolic link (an entry of the submissions folder, or a file inside a
  submission's folder) to a file elsewhere, e.g. a solution in a root-only folder of
  mode 0700. Its path, links resolved, must lie inside the submissions folder; the file
  is then opened one component at a time from that folder with ``O_NOFOLLOW``, so a
  link swapped in after the check is refused too, never followed.
* **a file closed to others**: one only root may read (mode 0600, a hard link to one).
  As root, the file opened above (``O_PATH``: nothing is read, no device is woken) is
  handed to a helper process that becomes the user ``nobody`` and opens it again
  through ``/proc/self/fd``: the kernel then checks the file's own permissions for
  nobody (mode, ACLs, security modules). The folders above it are not checked: the
  submissions folder is the instructor's, and may well be mode 0700. A file nobody may
  not read is refused, with its mode and owner in the reason.
* **not a file**: a FIFO (a reader would wait forever), a device, a socket or a folder
  named like a submission, and a file larger than :data:`MAX_SOURCE`: refused.

Not root, the grader is an unprivileged reader already: the file is read with its
rights, through the same walk. Root elsewhere than Linux (no ``O_PATH``, no
``/proc``): the file's mode bits stand in for the helper (readable by others or not).

Run as ``python -m deltaspec.conformance.isolation.reader FD LIMIT``, this module is the
helper: it drops root (the interpreter itself may lie under /root, closed to nobody,
so the drop comes after ``exec``), reads the file FD refers to, and writes its bytes on
stdout, or one line on stderr with exit status 3 when nobody may not read it.
"""
from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
from pathlib import Path

MAX_SOURCE = 16 << 20        # as the worker's loader reads at most (isolation/loading.py)
READER_UID = 65534           # nobody (and nogroup)
HELPER_TIMEOUT = 30.0        # seconds: reading one regular file
CLOSED = 3                   # the helper's exit status when nobody may not read the file
PYTHON = sys.executable      # the helper's interpreter: the grader's own, as it was started
O_PATH = getattr(os, "O_PATH", 0)
O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
# folders are walked, never listed or read: O_PATH needs no read permission on them
FOLDER = (O_PATH or os.O_RDONLY) | os.O_DIRECTORY | O_CLOEXEC


class Refused(Exception):
    """The submission's file is not read (the message is the one-line reason)."""


def read(path: Path, root: Path, limit: int = MAX_SOURCE, where: str = "the submissions folder") -> bytes:
    """The bytes of the file ``path`` inside the folder ``root`` (``where``, for the
    reason), as an unprivileged reader gets them; Refused with the reason otherwise."""
    relative = beneath(path, root, where)
    name = printable(path.name)
    as_root = os.geteuid() == 0
    helper = as_root and bool(O_PATH) and os.path.isdir("/proc/self/fd")
    fd = _open(os.path.realpath(root), relative, name, O_PATH if helper else os.O_RDONLY, limit)
    try:
        info = os.fstat(fd)
        _check_kind(info, name, limit)
        if helper:
            return _read_as_nobody(fd, name, info, limit)
        if as_root and not info.st_mode & stat.S_IROTH:   # no helper here: the mode bits decide
            raise Refused(_closed(name, info))
        return _read_fd(fd, limit)
    finally:
        os.close(fd)


def beneath(path: Path, root: Path, where: str = "the submissions folder") -> str:
    """``path`` relative to ``root``, links resolved; Refused when it leads out of root."""
    real, top = os.path.realpath(path), os.path.realpath(root)
    if real == top or os.path.commonpath([real, top]) != top:
        raise Refused(f"{printable(path.name)} is a link that leads out of {where}")
    return os.path.relpath(real, top)


def printable(name: str) -> str:
    """A file name that is safe to print: bytes that are not UTF-8 and control
    characters backslash-escaped (a newline would forge a line of its own)."""
    text = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" if ord(c) < 256 else f"\\u{ord(c):04x}"
                   for c in text)


def _open(top: str, relative: str, name: str, flags: int, limit: int) -> int:
    """The file ``top/relative``, opened one component at a time without following any
    link (a component swapped for a link since :func:`beneath` is refused)."""
    parts = Path(relative).parts
    try:
        folder = os.open(top, FOLDER)
    except OSError as exc:
        raise Refused(f"{name}: cannot open the submissions folder ({exc.strerror or exc})") from None
    try:
        for part in parts[:-1]:
            inner = os.open(part, FOLDER | os.O_NOFOLLOW, dir_fd=folder)
            os.close(folder)
            folder = inner
        # the kind is checked before opening too: a device is never opened for reading
        _check_kind(os.stat(parts[-1], dir_fd=folder, follow_symlinks=False), name, limit)
        # O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused just after)
        return os.open(parts[-1], flags | os.O_NOFOLLOW | os.O_NONBLOCK | O_CLOEXEC, dir_fd=folder)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR):
            raise Refused(f"{name} is a link that was swapped in while it was read") from None
        raise Refused(f"{name} cannot be opened ({exc.strerror or exc})") from None
    finally:
        os.close(folder)


def _check_kind(info: os.stat_result, name: str, limit: int) -> None:
    """Refused unless a regular file of at most ``limit`` bytes."""
    if stat.S_ISLNK(info.st_mode):   # (O_PATH | O_NOFOLLOW opens the link itself)
        raise Refused(f"{name} is a link that was swapped in while it was read")
    if not stat.S_ISREG(info.st_mode):
        kind = "a folder" if stat.S_ISDIR(info.st_mode) else "a FIFO, device or socket"
        raise Refused(f"{name} is not a regular file ({kind})")
    if info.st_size > limit:
        raise Refused(f"{name} is larger than {limit >> 20} MiB")


def _closed(name: str, info: os.stat_result) -> str:
    """The reason for a file nobody may not read: its mode and owner, and the remedy."""
    owner = "root" if info.st_uid == 0 else f"uid {info.st_uid}"
    return (f"{name} cannot be read by an unprivileged user (mode {stat.S_IMODE(info.st_mode):04o}, owner "
            f"{owner}); submissions are read as the user nobody: make the file readable by others")


def _read_as_nobody(fd: int, name: str, info: os.stat_result, limit: int) -> bytes:
    """The file ``fd`` (an O_PATH descriptor) read by the helper process as nobody."""
    try:
        done = subprocess.run([PYTHON, "-m", __name__, str(fd), str(limit)], pass_fds=(fd,),
                              stdin=subprocess.DEVNULL, capture_output=True, timeout=HELPER_TIMEOUT, cwd="/")
    except subprocess.TimeoutExpired:
        raise Refused(f"{name} could not be read within {HELPER_TIMEOUT:g} s") from None
    if done.returncode == CLOSED:
        raise Refused(_closed(name, info))
    if done.returncode != 0:
        lines = done.stderr.decode(errors="replace").strip().splitlines()
        why = printable(lines[-1][:200]) if lines else f"exit status {done.returncode}"
        raise Refused(f"{name} could not be read as an unprivileged user ({why})")
    return done.stdout


def _read_fd(fd: int, limit: int) -> bytes:
    """At most ``limit`` bytes from the regular file ``fd`` (opened for reading)."""
    chunks, size = [], 0
    while size < limit:
        chunk = os.read(fd, min(1 << 16, limit - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _helper(argv: list[str]) -> int:
    """The helper's side: become nobody, reopen the descriptor, copy it to stdout."""
    fd, limit = int(argv[0]), int(argv[1])
    os.setgroups([])
    os.setgid(READER_UID)
    os.setuid(READER_UID)
    try:
        # reopening through /proc checks the file's own permissions, as nobody
        opened = os.open(f"/proc/self/fd/{fd}", os.O_RDONLY | os.O_NONBLOCK | O_CLOEXEC)
    except PermissionError:
        return CLOSED
    except OSError as exc:
        sys.stderr.write(f"{exc.strerror or exc}\n")
        return 1
    sys.stdout.buffer.write(_read_fd(opened, limit))
    return 0


if __name__ == "__main__":
    sys.exit(_helper(sys.argv[1:]))
