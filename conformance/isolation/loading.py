"""Inside the worker: reading the implementation, hiding deltaspec from it, importing it.

The worker holds none of the suite's judging code: not the spec, not the reference, not
the checks. This module is its own loader (the suite's ``interface.loader`` imports the
spec's numeric functions, which a submission would then find in memory through ``gc``),
with the same routes and the same one-line errors.

Defends against an implementation that copies the answers from the grader. The order:

1. the worker imports what it needs (this module, the wire format, the server), then
   :func:`preload` reads an implementation file's source, as root where the suite is,
   so the file itself may stay closed to the worker's user (a batch's copy is mode 0600
   in a folder of mode 0700);
2. the worker drops its privileges and its view is fixed (namespace sandbox or Landlock:
   deltaspec's folders are not in it);
3. :func:`hide` forgets every ``deltaspec`` module (``sys.modules``, the import caches,
   the ``sys.path`` entries that lead to the suite, the source-line cache) and puts a
   finder first on ``sys.meta_path`` that answers ``deltaspec`` with ModuleNotFoundError;
4. :func:`resolve` imports the implementation.

What stays reachable through ``gc`` or stack frames is the worker's own machinery (this
module, the server, the wire format, the privilege and sandbox code): it holds no
expected value, and the pytest process trusts nothing the worker says, so rewriting it
gains nothing that writing raw bytes on the reply pipe would not.
"""
from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.metadata
import importlib.util
import linecache
import os
import sys
import traceback
from pathlib import Path

HIDDEN_PACKAGE = "deltaspec"
MAX_SOURCE = 16 << 20


class LoadError(Exception):
    """The implementation could not be loaded (the message is the report's error)."""


def is_file_route(requested: str) -> bool:
    """The suite loader's rule: a .py name, an existing file, or a path with a separator."""
    return requested.endswith(".py") or os.path.isfile(requested) or os.sep in requested


def preload(requested: str) -> bytes | None:
    """The source of an implementation file, read before the privileges are dropped;
    None when it is not a readable Python source file (resolve then says why)."""
    path = Path(requested)
    if not is_file_route(requested) or path.suffix not in importlib.machinery.SOURCE_SUFFIXES:
        return None
    try:
        with open(path, "rb") as fh:
            return fh.read(MAX_SOURCE + 1)[:MAX_SOURCE]
    except OSError:
        return None


# ---------------------------------------------------------------- hiding the suite


# The adapters (deltaspec.conformance.adapters) stay: glue files import them, and they
# hold no answer (they import nothing of deltaspec but each other, which
# tests/conformance/test_adapters.py checks). They are imported before the suite is
# hidden, with the two package modules above them (the top package's version, and an
# __init__ that is only a docstring).
KEPT = ("deltaspec", "deltaspec.conformance", "deltaspec.conformance.adapters")
ADAPTERS = "deltaspec.conformance.adapters"


def _kept(name: str) -> bool:
    return name in KEPT or name.startswith(ADAPTERS + ".")


def preload_adapters() -> None:
    """Import every adapter while the suite's folders are still readable."""
    import pkgutil

    package = importlib.import_module(ADAPTERS)
    for info in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{ADAPTERS}.{info.name}")


class _Hidden(importlib.abc.MetaPathFinder):
    """``deltaspec`` and everything under it but the adapters: no such module."""

    def find_spec(self, fullname, path=None, target=None):
        if (fullname == HIDDEN_PACKAGE or fullname.startswith(HIDDEN_PACKAGE + ".")) and not _kept(fullname):
            raise ModuleNotFoundError(f"No module named {fullname!r}", name=fullname)
        return None


def hide(hidden: list[str], essential: list[str]) -> None:
    """Forget every deltaspec module but the adapters, and every way back to the suite's
    folders (a sys.path entry inside one, or holding one but no part of the Python
    installation: the repository of an editable install)."""
    for name in [n for n in sys.modules if (n == HIDDEN_PACKAGE or n.startswith(HIDDEN_PACKAGE + "."))
                 and not _kept(n)]:
        del sys.modules[name]
    leads = {p for p in [*sys.path, *map(str, sys.path_importer_cache)] if _leads(p, hidden, essential)}
    sys.path[:] = [p for p in sys.path if p not in leads]
    for key in [k for k in sys.path_importer_cache if str(k) in leads]:
        del sys.path_importer_cache[key]
    importlib.invalidate_caches()
    linecache.clearcache()
    sys.meta_path.insert(0, _Hidden())


def _leads(entry: str, hidden: list[str], essential: list[str]) -> bool:
    path = os.path.abspath(entry) if entry else os.getcwd()
    inside = any(_within(path, h) for h in hidden)
    holds = any(_within(h, path) for h in hidden) and not any(_within(path, e) for e in essential)
    return inside or holds


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


# ---------------------------------------------------------------- importing it


class _Source(importlib.abc.SourceLoader):
    """A source file's loader that reads the text preloaded before the drop."""

    def __init__(self, path: str, data: bytes):
        self.path, self.data = path, data

    def get_filename(self, fullname):
        return self.path

    def get_data(self, path):
        if path == self.path:
            return self.data
        raise OSError(f"{path} is not the implementation's source")


def short(exc: BaseException) -> str:
    """One line naming the exception, and for code errors the file and line."""
    if isinstance(exc, SyntaxError):
        return f"SyntaxError: {exc.msg} ({Path(exc.filename or '?').name}, line {exc.lineno})"
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" ({Path(frames[-1].filename).name}, line {frames[-1].lineno})" if frames else ""
    message = " ".join(str(exc).split()) or "(no message)"
    return f"{type(exc).__name__}: {message}{where}"


def _import_file(path: Path, source: bytes | None):
    name = f"deltaspec_impl_{abs(hash(str(path)))}"
    if source is not None:
        spec = importlib.util.spec_from_file_location(name, str(path), loader=_Source(str(path), source))
    else:  # not a source file (an extension module?): the import machinery reads it
        spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise LoadError(f"cannot import {path}: not a Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _entry_points() -> dict:
    try:
        return {ep.name: ep for ep in importlib.metadata.entry_points(group="deltaspec.impl")}
    except Exception:  # a broken distribution must not stop every other route
        return {}


def resolve(requested: str, source: bytes | None, exists: bool):
    """(namespace, origin) for one --impl value; LoadError or what the import raised.
    ``exists``: whether an implementation file was there before the privileges were
    dropped (its folder may be closed to the worker's user since)."""
    eps = _entry_points()
    if requested in eps:
        return eps[requested].load(), f"entry point {requested} = {eps[requested].value}"
    if is_file_route(requested):
        path = Path(requested)
        if source is None and not exists:
            raise LoadError(f"implementation file {requested!r} does not exist")
        return _import_file(path, source), str(path)
    module_name, _, attribute = requested.partition(":")
    module = importlib.import_module(module_name)
    origin = getattr(module, "__file__", None) or f"module {module_name}"
    if not attribute:
        return module, origin
    obj = module
    for part in attribute.split("."):
        if not hasattr(obj, part):
            raise LoadError(f"module {module_name!r} has no attribute {attribute!r}")
        obj = getattr(obj, part)
    return obj, f"{origin} (attribute {attribute})"
