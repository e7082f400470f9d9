"""What the worker must still reach on disk, and whether another user could reach it.

The sandbox hides every directory others cannot enter (a pyenv Python under /root, mode
700, would otherwise be readable by the worker only because it runs as root) and binds
back in only :func:`needed_paths`; the worker drops to the user ``nobody`` only when
every needed path is :func:`reachable_by_others` (otherwise it could not even start
Python, so it stays root without capabilities).
"""
from __future__ import annotations

import os
import stat
import sys
from pathlib import Path


def _package_roots() -> list[str]:
    """The folders holding deltaspec's rooms: one site-packages folder when installed, the
    repository's spec/, reference/ and conformance/ folders' parent when installed editable."""
    import deltaspec
    from deltaspec import conformance, reference, spec

    return [str(Path(m.__file__).resolve().parent.parent) for m in (deltaspec, spec, reference, conformance)]


def needed_paths(requested: str) -> list[str]:
    """What the worker must still reach after the sandbox hides the rest: the Python
    installation, sys.path, the suite, the implementation's directory, the home."""
    found = [sys.base_prefix, sys.base_exec_prefix, sys.prefix, sys.exec_prefix,
             os.path.dirname(os.path.realpath(sys.executable)), *_package_roots(), *sys.path]
    if os.path.isfile(requested):
        found.append(os.path.dirname(os.path.abspath(requested)))
    paths = []
    for p in found:
        if p and os.path.exists(p):
            real = os.path.realpath(p)
            if real not in paths:
                paths.append(real)
    return paths


def searchable_by_all(path: str) -> bool:
    try:
        return bool(os.stat(path).st_mode & stat.S_IXOTH)
    except OSError:
        return False


def blocked_ancestor(path: str) -> str | None:
    """The topmost proper ancestor of path that others cannot enter, or None."""
    parts = Path(path).parts
    for i in range(2, len(parts)):
        ancestor = str(Path(*parts[:i]))
        if not searchable_by_all(ancestor):
            return ancestor
    return None


def reachable_by_others(path: str, readable: bool = True) -> bool:
    """Whether the user nobody could reach (and read) path, by its mode bits."""
    real = Path(os.path.realpath(path))
    for part in real.parents:
        if not searchable_by_all(str(part)):
            return False
    try:
        mode = os.stat(real).st_mode
    except OSError:
        return False
    need = (stat.S_IROTH | (stat.S_IXOTH if stat.S_ISDIR(mode) else 0)) if readable else 0
    return mode & need == need
