"""The pytest plugin (entry point ``pytest11: deltaspec``): options, the ``impl`` fixture,
the header and the summary of a conformance run.

It stays silent in runs that do not touch the conformance suite: it only loads an
implementation when the run collects ``conformance`` or names one with ``--impl`` /
``DELTASPEC_IMPL``.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

PROFILES = {"quick": 8, "thorough": 100}
_HERE = Path(__file__).resolve().parent
_STATE = pytest.StashKey[dict]()


def pytest_addoption(parser):
    group = parser.getgroup("deltaspec", "deltaspec conformance suite")
    group.addoption("--impl", default=None, metavar="IMPL",
                    help="implementation under test: module, path/to/file.py, module:attribute, or an "
                         "entry point in group deltaspec.impl (default: the bundled reference)")
    group.addoption("--conformance-profile", default="quick", choices=sorted(PROFILES),
                    help="hypothesis profile: quick (default) or thorough; both derandomized")
    group.addoption("--conformance-json", default=None, metavar="PATH",
                    help="also write every check's outcome and diagnosis code to PATH as JSON")
    group.addoption("--no-isolate", action="store_true",
                    help="import the implementation into this process (for debugging it with pdb); "
                         "by default it runs in a separate, limited worker process")
    group.addoption("--call-timeout", type=float, default=5.0, metavar="SECONDS",
                    help="limit for one call into the implementation (default 5)")
    group.addoption("--memory-limit", type=int, default=2048, metavar="MB",
                    help="address-space limit of the worker process (default 2048 MB)")
    group.addoption("--time-budget", type=float, default=600.0, metavar="SECONDS",
                    help="total time the implementation may spend in calls during the run (default 600)")
    group.addoption("--gradescope", default=None, metavar="PATH",
                    help="write Gradescope's results.json to PATH: points per capability (conformance.grading)")
    group.addoption("--prairielearn", default=None, metavar="PATH",
                    help="write PrairieLearn's results.json to PATH: points per capability (conformance.grading)")
    group.addoption("--weights", default=None, metavar="FILE",
                    help="TOML file of points per capability kind or capability, merged over "
                         "conformance/grading/weights.toml")
    parser.addini("deltaspec_impl", "implementation under test (like --impl)", default="")


def _active(config) -> bool:
    if config.getoption("--impl") or os.environ.get("DELTASPEC_IMPL"):
        return True
    for arg in config.args:
        head = arg.split("::")[0]
        if head == "conformance" or Path(head).resolve().is_relative_to(_HERE) or head.startswith("conformance."):
            return True
    return False


def _pin_blas() -> str:
    """One BLAS thread, so the suite never shares its tiny products between threads.
    Measured here (benchmarks/bench_conformance.py), OpenBLAS already keeps products this
    small on one thread: pinning changed the suite's time by under 5%, within noise."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        pass
    else:
        threadpool_limits(1)
        return "threadpoolctl"
    import ctypes
    import numpy as np

    libs = Path(np.__file__).resolve().parent.parent.glob("numpy.libs/*openblas*.so*")
    for lib in libs:
        handle = ctypes.CDLL(str(lib))
        for symbol in ("scipy_openblas_set_num_threads64_", "openblas_set_num_threads64_",
                       "openblas_set_num_threads"):
            if hasattr(handle, symbol):
                getattr(handle, symbol)(1)
                return f"OpenBLAS ({lib.name})"
    return "not pinned (unknown BLAS)"


def pytest_configure(config):
    config.addinivalue_line("markers", "capability(name): the interface capability a check judges")
    state = {"active": _active(config), "loaded": None, "error": None, "outcomes": {}, "records": []}
    config.stash[_STATE] = state
    from deltaspec.conformance.grading import scoring as grading

    grading.configure(config, state)  # weights, and a zero-score placeholder results file
    if not state["active"]:
        return
    from hypothesis import HealthCheck, settings

    from deltaspec.conformance.interface import loader

    examples = PROFILES[config.getoption("--conformance-profile")]
    seeded = config.getoption("--hypothesis-seed", None) is not None
    from hypothesis import Phase

    profile = config.getoption("--conformance-profile")
    from deltaspec.conformance.judging import strategies

    strategies.PROFILE["name"] = profile
    # quick skips shrinking: failures are diagnosed on a fixed probe input anyway, and a
    # grader should not spend minutes minimising a wrong submission's example
    phases = [Phase.explicit, Phase.reuse, Phase.generate] + ([Phase.shrink] if profile == "thorough" else [])
    settings.register_profile("deltaspec-conformance", max_examples=examples, derandomize=not seeded,
                              deadline=None, database=None, phases=phases,
                              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                                     HealthCheck.data_too_large])
    settings.load_profile("deltaspec-conformance")
    # DELTASPEC_PIN_BLAS=0 leaves BLAS alone (for measuring what pinning buys)
    state["blas"] = _pin_blas() if os.environ.get("DELTASPEC_PIN_BLAS", "1") != "0" else "not pinned (DELTASPEC_PIN_BLAS=0)"
    what, route = loader.choose(config.getoption("--impl"), os.environ.get("DELTASPEC_IMPL"),
                                config.getini("deltaspec_impl"))
    try:
        if config.getoption("--no-isolate"):
            state["loaded"] = loader.load(what, route)
            state["isolation"] = "none (--no-isolate): the implementation runs inside pytest"
        else:
            state["loaded"], state["worker"] = _load_isolated(config, what, route)
            state["isolation"] = (f"worker process, {config.getoption('--call-timeout'):g} s per call, "
                                  f"{config.getoption('--memory-limit')} MB"
                                  + (f", {state['worker'].containment}" if state["worker"].containment else ""))
    except loader.LoadError as exc:
        grading.load_failed(config, state, str(exc))
        raise pytest.UsageError(f"deltaspec: {exc}") from None
    from deltaspec.conformance.judging import strategies

    ns = state["loaded"]
    strategies.set_scope([a for a in strategies.numeric.OUTPUTS if ns.provides(a)],
                         [l for l in strategies.numeric.LOSSES if ns.provides(l)])


def _load_isolated(config, what: str, route: str):
    """Start the worker and load the implementation there; LoadError on failure."""
    from deltaspec.conformance.interface import loader
    from deltaspec.conformance.isolation.worker import RemoteNamespace, Worker, WorkerFailure

    worker = Worker(what, timeout=config.getoption("--call-timeout"),
                    memory=config.getoption("--memory-limit") << 20, budget=config.getoption("--time-budget"))
    try:
        info = worker.start()
    except WorkerFailure as exc:
        worker.close()
        raise loader.LoadError(str(exc)) from None
    except BaseException:  # Ctrl-C while loading: never leave the worker behind
        worker.close()
        raise
    if not info.get("loaded"):
        worker.close()
        raise loader.LoadError(str(info.get("error", "the implementation could not be loaded")))
    namespace = RemoteNamespace(worker, [n for n in info.get("provides", []) if isinstance(n, str)],
                                info.get("conventions") if isinstance(info.get("conventions"), dict) else {})
    try:
        conventions = loader.read_conventions(namespace)
    except loader.LoadError:
        worker.close()
        raise
    return loader.Loaded(namespace, what, str(info.get("origin", what)), route, conventions), worker


def pytest_unconfigure(config):
    worker = config.stash.get(_STATE, {}).get("worker")
    if worker is not None:
        worker.close()
    from deltaspec.conformance.grading import scoring as grading

    grading.unconfigure(config, config.stash.get(_STATE, {}))  # last: after the worker is stopped


def pytest_report_header(config):
    state = config.stash.get(_STATE, {})
    loaded = state.get("loaded")
    if not loaded:
        return None
    conv = loaded.conventions
    sign = "+1" if conv["SIGN"] == 1 else "-1"
    return [
        f"deltaspec implementation: {loaded.requested} (via {loaded.route})",
        f"deltaspec loaded from: {loaded.origin}",
        f"deltaspec conventions: LAYOUT={conv['LAYOUT']!r} SIGN={sign} PRIME_OF={conv['PRIME_OF']!r}",
        f"deltaspec profile: {config.getoption('--conformance-profile')} "
        f"({PROFILES[config.getoption('--conformance-profile')]} examples per property, "
        f"{'seeded' if config.getoption('--hypothesis-seed', None) is not None else 'derandomized'}); "
        f"BLAS threads: {state.get('blas')}",
        f"deltaspec isolation: {state.get('isolation')}",
    ]


@pytest.fixture(scope="session")
def impl(request):
    """The implementation under test, adapted to the spec's conventions."""
    from deltaspec.conformance.interface.adapter import Implementation

    loaded = request.config.stash[_STATE].get("loaded")
    if loaded is None:
        pytest.skip("the conformance suite needs an implementation (--impl)")
    return Implementation(loaded)


def capability_of(item) -> str:
    """The interface capability a check judges, from its capability marker and parameters."""
    marker = item.get_closest_marker("capability")
    if marker is None:
        return item.originalname
    params = getattr(getattr(item, "callspec", None), "params", {})
    try:
        return marker.args[0].format(**params)
    except (KeyError, IndexError):
        return marker.args[0]


def _paragraph(exc: BaseException) -> str:
    """The failure as one paragraph: the check's own message, without pytest's source
    listing, assertion introspection or hypothesis' notes."""
    text = str(exc).split("\nassert ")[0].strip()
    return " ".join(text.split()) or type(exc).__name__


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    state = item.config.stash.get(_STATE, {})
    if not state.get("active") or item.get_closest_marker("capability") is None:
        return
    worker = state.get("worker")
    if report.when == "call" and worker is not None:
        strays = worker.strays()
        if strays:
            report.outcome = "failed"
            report.longrepr = (f"[{capability_of(item)}] the implementation left {strays} child process(es) "
                               "running; they were killed")
            state["records"].append({"test": item.nodeid, "capability": capability_of(item), "outcome": "failed",
                                     "diagnosis": "child_processes", "message": report.longrepr})
            return
    if report.when == "call" or (report.when == "setup" and report.skipped):
        capability = capability_of(item)
        message = ""
        code = None
        if call.excinfo is not None:
            exc = call.excinfo.value
            code = getattr(exc, "code", None)
            if report.failed and isinstance(exc, AssertionError):
                message = _paragraph(exc)
                report.longrepr = f"[{capability}] {message}"
            elif report.failed:
                message = _paragraph(exc)
        state["records"].append({"test": item.nodeid, "capability": capability, "outcome": report.outcome,
                                 "diagnosis": code, "message": message})


def pytest_terminal_summary(terminalreporter, config):
    state = config.stash.get(_STATE, {})
    loaded = state.get("loaded")
    if not loaded:
        return
    from deltaspec.conformance.interface.loader import capabilities

    provided = loaded.provided_capabilities()
    total = capabilities()
    write = terminalreporter.write_line
    terminalreporter.section("deltaspec conformance")
    write(f"{len(provided)} of {len(total)} capabilities provided by {loaded.requested}")
    missing = [c for c in total if c not in provided]
    if missing:
        write("not provided: " + ", ".join(missing))
    failed = sorted({r["capability"] for r in state["records"] if r["outcome"] == "failed"})
    if failed:
        write("failing capabilities: " + ", ".join(failed))
    path = config.getoption("--conformance-json")
    if path:
        Path(path).write_text(json.dumps({"implementation": loaded.requested, "provided": provided,
                                          "records": state["records"]}, indent=1))
