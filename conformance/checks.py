"""Shared pieces of the conformance test modules: skipping what is not provided, and
finite differences of the implementation's own functions."""
from __future__ import annotations

import pytest


def require(impl, *names: str) -> None:
    """Skip the check, with the reason 'not provided', when a name is missing."""
    missing = [n for n in names if not impl.provides(n)]
    if missing:
        pytest.skip(f"not provided: {', '.join(missing)}")
