"""The fixtures the checks take, registered as a plugin only in runs that judge an
implementation (the plugin module itself holds hooks only).

* ``impl``: the implementation under test, adapted to the spec's conventions;
* ``run``: the RunState (its ``config``, ``scope`` and ``plans``);
* ``profile``: how many examples each combination gets;
* ``draws``: seeded value draws for the requesting check (see judging/draws.py).
"""
from __future__ import annotations

import pytest

from deltaspec.conformance.session import RUN


@pytest.fixture(scope="session")
def run(request):
    state = request.config.stash.get(RUN, None)
    if state is None or state.loaded is None:
        pytest.skip("the conformance suite needs an implementation (--impl)")
    return state


@pytest.fixture(scope="session")
def impl(run):
    """The implementation under test, in the spec's conventions."""
    from deltaspec.conformance.capabilities import capabilities
    from deltaspec.conformance.interface.adapter import Implementation

    allowed = None
    if run.assignment is not None:
        counted = run.assignment.counted()
        allowed = {name for cap, names in capabilities().items() if cap in counted for name in names}
    return Implementation(run.loaded, run.refused, allowed)


@pytest.fixture(scope="session")
def profile(run):
    return run.config.profile


@pytest.fixture(scope="session")
def scope(run):
    return run.scope


@pytest.fixture
def draws(request, run):
    """Values for this check only, seeded by the run's seed and the check's name."""
    from deltaspec.conformance.judging.draws import Draws

    return Draws(run.config.seed, request.node.name)
