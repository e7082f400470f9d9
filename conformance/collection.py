"""Collecting the suite under its installed name.

From a clone, ``pytest conformance`` would import ``conformance/checks/test_*.py`` as a
top-level package ``conformance`` with the clone's folder put on ``sys.path`` (pytest's
default rootdir-based import), making a second copy of every module and shadowing any
other ``conformance``, ``spec`` or ``reference`` on the path. These collectors import the
suite's packages and modules by their one true name, ``deltaspec.conformance...``,
wherever the files live (a clone installed in editable mode, or site-packages).
"""
from __future__ import annotations

import importlib
from pathlib import Path

import pytest

SUITE = Path(__file__).resolve().parent


def dotted(path: Path) -> str | None:
    """``deltaspec.conformance.checks.test_x`` for a file or package folder of the suite."""
    path = Path(path).resolve()
    if path != SUITE and SUITE not in path.parents:
        return None
    parts = list(path.relative_to(SUITE).parts)
    if parts and parts[-1].endswith(".py"):
        parts[-1] = parts[-1][:-3]
    if parts and parts[-1] == "__init__":
        parts.pop()
    return ".".join(("deltaspec", "conformance", *parts))


class SuiteModule(pytest.Module):
    """A check module, imported as ``deltaspec.conformance.checks.<name>``."""

    def _getobj(self):
        return importlib.import_module(dotted(self.path))


class SuitePackage(pytest.Package):
    """A package of the suite, imported by its installed name (its ``__init__`` runs once)."""

    def setup(self) -> None:
        importlib.import_module(dotted(self.path))
