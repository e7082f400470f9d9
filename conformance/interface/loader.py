"""Finding and loading the implementation under test, and reading its conventions.

``--impl`` (or ``DELTASPEC_IMPL``, or the ini key ``deltaspec_impl``) names one of:

* the name of an entry point in the group ``deltaspec.impl``;
* ``module:attribute``, an object whose attributes are the implementation;
* a path to a ``.py`` file;
* an importable module name.

Every failure is a :class:`LoadError` with a one-line message.
"""
from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import os
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path


ENTRY_POINT_GROUP = "deltaspec.impl"

CONVENTIONS = {  # name: (default, allowed values)
    "LAYOUT": ("row", ("row", "column")),
    "SIGN": (1, (1, -1)),
    "PRIME_OF": ("z", ("z", "a")),
    "REDUCTION": ("spec", ("spec", "sum", "mean", "mean_all")),
}


# every name an implementation may declare: its conventions, and its scope (judging/scope.py)
DECLARATIONS = (*CONVENTIONS, "SUPPORTS")


class LoadError(Exception):
    """The implementation could not be loaded or declares an invalid convention."""


@dataclass
class Loaded:
    """An implementation namespace and where it came from."""

    namespace: object
    requested: str
    origin: str
    route: str
    conventions: dict = field(default_factory=dict)

    def provides(self, name: str) -> bool:
        """Whether the implementation defines ``name`` as something callable."""
        return callable(getattr(self.namespace, name, None))

    def provided_capabilities(self) -> list[str]:
        from deltaspec.conformance.capabilities import capabilities

        return [cap for cap, names in capabilities().items() if all(self.provides(n) for n in names)]



def _entry_points() -> dict:
    try:
        return {ep.name: ep for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)}
    except Exception:  # a broken distribution must not stop every other route
        return {}


def _short(exc: BaseException) -> str:
    """One line naming the exception, and for code errors the file and line."""
    if isinstance(exc, SyntaxError):
        return f"SyntaxError: {exc.msg} ({Path(exc.filename or '?').name}, line {exc.lineno})"
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" ({Path(frames[-1].filename).name}, line {frames[-1].lineno})" if frames else ""
    message = " ".join(str(exc).split()) or "(no message)"
    return f"{type(exc).__name__}: {message}{where}"


def _import_file(path: Path):
    name = f"deltaspec_impl_{abs(hash(str(path.resolve())))}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise LoadError(f"cannot import {path}: not a Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _resolve(what: str):
    """(namespace, origin) for one --impl value."""
    eps = _entry_points()
    if what in eps:
        return eps[what].load(), f"entry point {what} = {eps[what].value}"
    path = Path(what)
    if what.endswith(".py") or path.is_file() or os.sep in what:
        if not path.is_file():
            raise LoadError(f"implementation file {what!r} does not exist")
        return _import_file(path), str(path.resolve())
    module_name, _, attribute = what.partition(":")
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


def read_conventions(namespace) -> dict:
    """LAYOUT, SIGN and PRIME_OF with their defaults; an invalid value is a LoadError."""
    found = {}
    for name, (default, allowed) in CONVENTIONS.items():
        value = getattr(namespace, name, default)
        if name == "SIGN" and isinstance(value, (int, float)) and not isinstance(value, bool):
            value = int(value) if value in (1, -1) else value
        if value not in allowed:
            choices = " or ".join(repr(a) for a in allowed)
            raise LoadError(f"{name} = {value!r} is not a valid convention; use {choices}")
        found[name] = value
    return found


def load(what: str, route: str) -> Loaded:
    """Import the implementation; any exception it raises becomes a one-line LoadError."""
    try:
        namespace, origin = _resolve(what)
    except LoadError:
        raise
    except SystemExit as exc:
        raise LoadError(f"importing {what!r} called sys.exit({exc.code!r})") from None
    except ModuleNotFoundError as exc:
        raise LoadError(f"cannot import {what!r}: no module named {exc.name!r}") from None
    except BaseException as exc:  # noqa: BLE001 - student code may raise anything on import
        if isinstance(exc, KeyboardInterrupt):
            raise
        raise LoadError(f"importing {what!r} failed: {_short(exc)}") from None
    return Loaded(namespace, what, origin, route, read_conventions(namespace))

