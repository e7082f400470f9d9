"""Writing an output file whole or not at all, and only where a regular file may go.

Every file deltaspec writes (the spec cache, results files, gradebooks, JSON reports)
goes through :func:`write_text_atomic`: the text goes to a temporary file in the same
directory, which then replaces the target with ``os.replace``, so a reader never sees
half a file. The target must be a regular file or not exist yet: a device node, a
directory or a symbolic link is refused rather than replaced (a grader running as root
must never clobber ``/dev/...`` or follow a link planted by a student).
"""
from __future__ import annotations

import os
import stat
import tempfile


class OutputError(OSError):
    """The output path cannot take a regular file (one line, naming the path)."""


def check_target(path: str | os.PathLike, parents: bool = False) -> str:
    """The path as a string, if a regular file may be written there (its folder may be
    missing when ``parents``: it will be made); else OutputError."""
    path = os.fspath(path)
    if not path:
        raise OutputError("the output path is empty")
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise OutputError(f"{path!r}: {exc.strerror or exc}") from None
    if info is not None and not stat.S_ISREG(info.st_mode):
        kind = ("a symbolic link" if stat.S_ISLNK(info.st_mode) else "a directory" if stat.S_ISDIR(info.st_mode)
                else "not a regular file (a device, pipe or socket)")
        raise OutputError(f"{path!r} is {kind}; name a regular file")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder) and not (parents and not os.path.exists(folder)):
        raise OutputError(f"{path!r}: the folder {folder!r} does not exist")
    return path


def write_text_atomic(path: str | os.PathLike, text: str, mode: int = 0o644, parents: bool = False,
                      newline: str | None = None) -> None:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file and os.replace (folders
    made first when ``parents``). OutputError, one line, when the path cannot take it
    (refused target, missing folder, full disk, ...)."""
    if parents and os.fspath(path):
        try:
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        except OSError as exc:
            raise OutputError(f"{os.fspath(path)!r}: cannot make its folder ({exc.strerror or exc})") from None
    path = check_target(path)
    folder = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(prefix=".deltaspec-", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(f"{path!r}: cannot write in {folder!r} ({exc.strerror or exc})") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise OutputError(f"{path!r}: {exc.strerror or exc}") from None
