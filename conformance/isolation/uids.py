"""A user id of its own for each running worker, from a small pool (the suite running as
root).

Defends runs on the same machine against each other where the kernel's own checks are
all there is (no namespace sandbox, no Landlock): two workers that ran as the same user
``nobody`` could signal, trace and read each other; two different users cannot, and
each one's home (mode 0700, its own) is closed to the other. RLIMIT_NPROC, counted per
user, then bounds each worker alone instead of all of them together.

A uid is leased by holding an exclusive ``flock`` on its lock file in a root-only
folder, for as long as the pytest process keeps its worker (across restarts); the kernel
releases the lock when that process dies, however it dies. Before a uid is handed out,
every process still running under it (left by a run that was killed) is killed, so a new
run never meets an old one's processes.
"""
from __future__ import annotations

import errno
import fcntl
import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from deltaspec.conformance.isolation.strays import kill_until_gone

FIRST = 2_100_000_000   # far above login users and the usual subordinate-id ranges
SIZE = 256


@dataclass
class Lease:
    uid: int
    fd: int

    def release(self) -> None:
        """Give the uid back (closing the lock file unlocks it)."""
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


def lock_folder() -> Path | None:
    """The root-only folder of lock files (made if missing), or None when it cannot be
    trusted (not ours, open to others, a link)."""
    for candidate in (Path("/run/deltaspec-uids"), Path(tempfile.gettempdir()) / f"deltaspec-uids-{os.geteuid()}"):
        try:
            candidate.mkdir(mode=0o700, exist_ok=True)
            info = os.lstat(candidate)
        except OSError:
            continue
        if stat.S_ISDIR(info.st_mode) and info.st_uid == os.geteuid() and not info.st_mode & 0o077:
            return candidate
    return None


def lease() -> Lease | None:
    """A uid no other worker on this machine holds, its leftover processes killed; None
    when not root or every uid of the pool is taken."""
    folder = lock_folder() if os.geteuid() == 0 else None
    if folder is None:
        return None
    for uid in range(FIRST, FIRST + SIZE):
        fd = _try_lock(folder / str(uid))
        if fd is not None:
            kill_until_gone(lambda uid=uid: processes_of(uid))
            return Lease(uid, fd)
    return None


def _try_lock(path: Path) -> int | None:
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o600)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        os.close(fd)
        if exc.errno not in (errno.EWOULDBLOCK, errno.EACCES):
            raise
        return None
    return fd


def processes_of(uid: int) -> list[int]:
    """The processes any of whose user ids (real, effective, saved, file system) is uid."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            lines = Path(f"/proc/{entry}/status").read_text().splitlines()
        except OSError:
            continue
        ids = next((line.split()[1:] for line in lines if line.startswith("Uid:")), [])
        if str(uid) in ids:
            found.append(int(entry))
    return found
