"""Finding and loading the implementation under test, and reading its conventions.

``--impl`` (or ``DELTASPEC_IMPL``, or the ini key ``deltaspec_impl``) names one of:

* the name of an entry point in the group ``deltaspec.impl``;
* ``module:attribute``, an object whose attributes are the implementation;
* a path to a ``.py`` file;
* an importable module name.

Every failure is a :class:`LoadError` with a one-line message.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field


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



def _resolve(what: str):
    """(namespace, origin) for one --impl value: the routes of ``isolation.loading``,
    the one place they are written (the worker uses them too), here in this process."""
    from deltaspec.conformance.isolation import loading

    try:
        return loading.resolve(what, loading.preload(what), os.path.isfile(what))
    except loading.LoadError as exc:
        raise LoadError(str(exc)) from None


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
        from deltaspec.conformance.isolation.loading import short

        raise LoadError(f"importing {what!r} failed: {short(exc)}") from None
    return Loaded(namespace, what, origin, route, read_conventions(namespace))

