"""What the worker may reach on disk (its view), computed in the pytest process, and
whether another user could reach a path.

Defends against an implementation that reads what is not its own: another student's
work, the suite, the spec or the reference (the answers). The view is an allowlist:

* the system's programs and libraries (``/usr``, ``/lib``...) and a few files of
  ``/etc`` the dynamic linker and the C library read;
* the Python installation: its prefixes, standard library and site-packages;
* for an implementation given as a file, that file's folder (an adapter's glue imports
  the module beside it); for one given as a module or an entry point, ``sys.path``
  (where it is found);
* nothing else: no ``/tmp``, no home folders, no other job's folder, no results file.

Unless the implementation is part of deltaspec itself (the bundled reference, the
default), deltaspec's own packages are *hidden* inside that view: a folder of the view
that holds them (site-packages for a regular install, the repository for an editable
one) is either left out (a ``sys.path`` entry) or has them taken out (a Python folder).
``DELTASPEC_HIDE_SUITE=0`` in the suite's environment keeps them visible (for glue that
imports ``deltaspec.conformance.adapters``: such a submission can then copy the spec).

The sandbox (:mod:`.sandbox`) builds a root holding only the view; Landlock
(:mod:`.landlock`) allows only the view; the worker drops to its own user only when
that user can reach the Python installation (:func:`reachable_by_others`).
"""
from __future__ import annotations

from collections.abc import Sequence

import os
import stat
import sys
from pathlib import Path

HIDE_ENV = "DELTASPEC_HIDE_SUITE"
SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
# what the dynamic linker and the C library read (no passwords, no keys)
ETC = ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime", "/etc/passwd",
       "/etc/group", "/etc/nsswitch.conf")


def install_dirs() -> list[str]:
    """The folders of deltaspec's packages: one folder in site-packages when installed,
    the repository's spec/_root, spec/, reference/ and conformance/ when editable."""
    import deltaspec
    from deltaspec import conformance, reference, spec

    return _unique(os.path.realpath(Path(m.__file__).parent) for m in (deltaspec, spec, reference, conformance))


def is_file_route(requested: str) -> bool:
    """Whether ``--impl`` names a file (the loader's rule: a .py name, an existing file,
    or a path with a separator)."""
    return requested.endswith(".py") or os.path.isfile(requested) or os.sep in requested


def install_is_implementation(requested: str, installed: Sequence[str]) -> bool:
    """Whether the implementation is part of deltaspec itself (``deltaspec.reference.
    implementation``, the default, or a file inside the install): then the install is
    what is judged, and stays visible."""
    if is_file_route(requested):
        return any(_within(os.path.realpath(requested), d) for d in installed)
    module = requested.partition(":")[0]
    return module == "deltaspec" or module.startswith("deltaspec.")


def python_dirs() -> list[str]:
    """The Python installation: its prefixes, the interpreter's folder, the standard
    library and site-packages."""
    import site
    import sysconfig

    found = [sys.base_prefix, sys.base_exec_prefix, sys.prefix, sys.exec_prefix,
             os.path.dirname(os.path.realpath(sys.executable))]
    found += [sysconfig.get_paths().get(k) for k in ("stdlib", "platstdlib", "purelib", "platlib")]
    found += site.getsitepackages() if hasattr(site, "getsitepackages") else []
    return _existing(found)


def view(requested: str) -> dict:
    """The worker's view: {"readable": paths, "essential": what its user must reach to
    run Python, "hidden": deltaspec's folders (empty when the install is the
    implementation or DELTASPEC_HIDE_SUITE=0)}."""
    installed = install_dirs()
    hide = os.environ.get(HIDE_ENV, "1") != "0" and not install_is_implementation(requested, installed)
    hidden = installed if hide else []
    essential = python_dirs()
    extras = [os.path.dirname(os.path.abspath(requested))] if is_file_route(requested) else list(sys.path)
    if not hide:
        # an editable install's folders are on no sys.path entry (a finder maps them): the
        # bundled reference judged from another folder must still find its own package
        extras += installed
    # a sys.path entry holding the suite (the repository, from pytest's working folder)
    # is left out whole: its other files (tests, examples) are nobody's business either
    extras = [p for p in _existing(extras) if not any(_within(h, p) for h in hidden)]
    readable = [p for p in _existing([*SYSTEM, *ETC, *essential, *extras])
                if p != "/" and not any(_within(p, h) for h in hidden)]
    return {"readable": readable, "essential": [p for p in essential if p in readable], "hidden": hidden,
            "file": is_file_route(requested)}


def expanded(paths: list[str], hidden: list[str]) -> list[str]:
    """paths, with each folder that holds a hidden folder replaced by its entries (the
    hidden one left out), recursively: for an allowlist that cannot subtract."""
    found = []
    for path in paths:
        inner = [h for h in hidden if _within(h, path) and h != path]
        if not inner or not os.path.isdir(path):
            found.append(path)
            continue
        try:
            entries = sorted(os.listdir(path))
        except OSError:
            continue
        children = [os.path.join(path, e) for e in entries]
        found += expanded([c for c in children if c not in hidden], hidden)
    return found


def _within(path: str, folder: str) -> bool:
    """Whether path is folder or lies inside it (as strings, both absolute)."""
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def _existing(paths) -> list[str]:
    return _unique(os.path.abspath(p) for p in paths if p and os.path.lexists(p))


def _unique(paths) -> list[str]:
    return list(dict.fromkeys(paths))


def searchable_by_all(path: str) -> bool:
    try:
        return bool(os.stat(path).st_mode & stat.S_IXOTH)
    except OSError:
        return False


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
