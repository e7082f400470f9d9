"""The pytest plugin (entry point ``pytest11: deltaspec``): hooks only.

It is inert unless the run asks for deltaspec, with ``--impl`` or by collecting the suite
(``pytest conformance`` from a clone, ``pytest --pyargs deltaspec.conformance``): then no
header line, no hypothesis setting touched, no worker started, nothing heavy imported.
The work is in ``config`` (the RunConfig), ``session`` (loading, scope, records, summary),
``collection`` and ``fixtures``.
"""
from __future__ import annotations

import pytest

from deltaspec.conformance import config as run_config
from deltaspec.conformance.session import RUN


def pytest_addoption(parser):
    run_config.add_options(parser)


def _refuse_xdist(config) -> None:
    """One line before anything runs: results files and JSON need every check in this process."""
    if getattr(config, "workerinput", None) is not None:
        return
    if config.pluginmanager.hasplugin("xdist") and (config.getoption("numprocesses", None)
                                                    or config.getoption("dist", "no") != "no"):
        raise pytest.UsageError("deltaspec: the conformance suite runs in one pytest process (the implementation "
                                "already runs in its own worker); drop -n / --dist")


def pytest_configure(config):
    settings = run_config.from_pytest(config)
    if not settings.active:
        return
    from deltaspec.conformance import fixtures, session

    config.addinivalue_line("markers", "capability(name): the interface capability a check judges")
    _refuse_xdist(config)
    state = session.RunState(settings)
    config.stash[RUN] = state
    config.pluginmanager.register(fixtures, "deltaspec-fixtures")
    session.start(state, config)


def pytest_unconfigure(config):
    state = config.stash.get(RUN, None)
    if state is not None:
        from deltaspec.conformance import session

        session.stop(state, config)


def pytest_collect_directory(path, parent):
    if RUN not in parent.config.stash or not (path / "__init__.py").is_file():
        return None
    from deltaspec.conformance import collection

    if collection.dotted(path) is None:
        return None
    return collection.SuitePackage.from_parent(parent, path=path)


def pytest_pycollect_makemodule(module_path, parent):
    if RUN not in parent.config.stash:
        return None
    from deltaspec.conformance import collection

    if collection.dotted(module_path) is None:
        return None
    return collection.SuiteModule.from_parent(parent, path=module_path)


def pytest_generate_tests(metafunc):
    state = metafunc.config.stash.get(RUN, None)
    if state is not None:
        from deltaspec.conformance import session

        session.parametrize(metafunc, state)


def pytest_collection_modifyitems(session, config, items):
    state = config.stash.get(RUN, None)
    if state is not None:
        from deltaspec.conformance import session as run

        run.select(items, state, config)


def pytest_report_header(config):
    state = config.stash.get(RUN, None)
    if state is None or state.loaded is None:
        return None
    from deltaspec.conformance import session

    return session.header(state)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    state = item.config.stash.get(RUN, None)
    if state is not None:
        from deltaspec.conformance import session

        session.record(item, call, outcome.get_result(), state)


def pytest_terminal_summary(terminalreporter, config):
    state = config.stash.get(RUN, None)
    if state is None or state.loaded is None:
        return
    from deltaspec.conformance import session

    terminalreporter.section("deltaspec conformance")
    session.summary(state, terminalreporter.write_line)
