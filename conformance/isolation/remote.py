"""The implementation as the pytest process sees it: what it says it provides, a
namespace whose functions are calls into the worker, and the exceptions it raised there.

Defends against a forged load report: the worker's messages are the implementation's to
rewrite (it can replace ``wire.send`` on import), so the report is reduced to what it
may contain (identifiers, the declared conventions and scope, one printable line of origin)
before anything reads it, and the namespace never exposes a private name: a provided
``_worker`` or ``__class__`` cannot reach the suite's internals.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from deltaspec.conformance.interface.loader import DECLARATIONS
from deltaspec.conformance.isolation import wire
from deltaspec.conformance.isolation.oneline import clean

if TYPE_CHECKING:
    from deltaspec.conformance.isolation.process import Worker

CONVENTION_NAMES = DECLARATIONS
MAX_NAMES = 1000


def checked_report(info: dict) -> dict:
    """The load report, reduced to what it may contain (the implementation may have
    forged it)."""
    if info.get("loaded") is not True:
        return {"loaded": False, "error": clean(info.get("error") or "the implementation could not be loaded")}
    provides = info.get("provides")
    provides = [n for n in provides if isinstance(n, str) and n.isidentifier() and not n.startswith("_")
                and len(n) <= 100][:MAX_NAMES] if isinstance(provides, list) else []
    conventions = info.get("conventions")
    if not isinstance(conventions, dict):
        conventions = {}
    conventions = {k: v for k, v in conventions.items() if k in CONVENTION_NAMES}
    return {"loaded": True, "origin": clean(info.get("origin", ""), 300), "provides": provides,
            "conventions": conventions}


class RaisedInWorker(Exception):
    """The implementation raised an exception inside the worker."""

    def __init__(self, kind: str, message: str, where: str):
        super().__init__(f"{kind}: {message}{where}")
        self.kind, self.message, self.where = kind, message, where


class RemoteNamespace:
    """Attributes that forward calls to the worker, for the adapter."""

    def __init__(self, worker: Worker, provides, conventions: dict):
        self._worker = worker
        self._provides = {n for n in provides if isinstance(n, str) and not n.startswith("_")}
        for key, value in conventions.items():
            if key not in CONVENTION_NAMES:
                continue
            try:
                setattr(self, key, wire.decode_value(value))
            except wire.WireError:
                setattr(self, key, clean(repr(value), 100))  # read_conventions rejects it with its own message

    def __getattr__(self, name):
        if name.startswith("_") or name not in self._provides:
            raise AttributeError(name)

        def remote(*args):
            return self._worker.call(name, args)

        def many(batch: list) -> list:
            """``[name(*args) for args in batch]``, in one message (Worker.call_many)."""
            return self._worker.call_many(name, batch)

        remote.__name__ = name
        remote.many = many
        return remote
