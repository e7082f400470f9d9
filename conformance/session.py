"""One conformance run, from loading the implementation to the summary: what the plugin's
hooks delegate to.

A RunState is made once per pytest run from the RunConfig. It holds the loaded
implementation (in a worker process unless ``--deltaspec-no-isolate``), the scope being
judged and its network plans, the conventions the assignment refused, and a record of
every check's outcome.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest

from deltaspec.conformance.capabilities import capability_of
from deltaspec.conformance.config import RunConfig

if TYPE_CHECKING:  # annotations only: the plugin imports this module at every pytest start
    from deltaspec.conformance.grading.assignment import Assignment
    from deltaspec.conformance.interface.loader import Loaded
    from deltaspec.conformance.judging.coverage import NetPlan
    from deltaspec.conformance.judging.scope import Scope

CHECK_ARGS = ("activation", "derivative", "loss", "loss_derivative", "pair", "hidden", "net")


@dataclass
class RunState:
    """The live state of one run (``config`` is immutable; the rest fills in as it goes)."""

    config: RunConfig
    loaded: Loaded | None = None
    worker: Any = None                    # isolation.process.Worker, when isolated
    isolation: str = ""
    assignment: Assignment | None = None  # when graded
    scope: Scope | None = None
    plans: list[NetPlan] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)   # convention -> why the assignment refuses it
    records: list[dict] = field(default_factory=list)
    ran: set[str] = field(default_factory=set)              # network plan ids whose checks ran
    tracker: Any = None                   # grading.scoring tracker, when graded


RUN = pytest.StashKey["RunState"]()


def _usage(message: str):
    return pytest.UsageError(f"deltaspec: {message}")


def start(state: RunState, pytest_config) -> None:
    """Read the assignment, write the zero placeholder, load the implementation, fix the
    scope. Every failure is a one-line UsageError (and a 0 in the results file)."""
    from deltaspec.conformance.grading import scoring

    scoring.configure(pytest_config, state)
    try:
        state.loaded = _load(state)
    except Exception as exc:  # LoadError, or a failure starting the worker
        from deltaspec.conformance.interface.loader import LoadError

        if not isinstance(exc, LoadError):
            raise
        scoring.load_failed(pytest_config, state, str(exc))
        raise _usage(str(exc)) from None
    _fix_scope(state)


def _load(state: RunState):
    from deltaspec.conformance.interface import loader

    cfg = state.config
    if not cfg.isolation.isolate:
        state.isolation = "none (--deltaspec-no-isolate): the implementation runs inside pytest"
        return loader.load(cfg.impl, cfg.route)
    loaded, state.worker = _load_isolated(cfg.impl, cfg.route, cfg.isolation)
    iso = cfg.isolation
    state.isolation = (f"worker process, {iso.call_timeout:g} s per call, {iso.memory_mb} MB"
                       + (f", {state.worker.containment}" if state.worker.containment else ""))
    return loaded


def _load_isolated(what: str, route: str, isolation):
    """(Loaded, worker): the implementation loaded in a worker process with the limits of
    ``isolation`` (a config.Isolation); LoadError, one line, on failure."""
    from deltaspec.conformance.interface.loader import LoadError, Loaded, read_conventions
    from deltaspec.conformance.isolation.worker import RemoteNamespace, Worker, WorkerFailure

    worker = Worker(what, timeout=isolation.call_timeout, memory=isolation.memory_mb << 20,
                    budget=isolation.time_budget, spin=isolation.spin)
    try:
        info = worker.start(meanwhile=_import_checks_needs)
    except WorkerFailure as exc:
        worker.close()
        raise LoadError(str(exc)) from None
    except BaseException:  # Ctrl-C while loading: never leave the worker behind
        worker.close()
        raise
    if not info.get("loaded"):
        worker.close()
        raise LoadError(str(info.get("error", "the implementation could not be loaded")))
    namespace = RemoteNamespace(worker, [n for n in info.get("provides", []) if isinstance(n, str)],
                                info.get("conventions") if isinstance(info.get("conventions"), dict) else {})
    try:
        conventions = read_conventions(namespace)
    except LoadError:
        worker.close()
        raise
    return Loaded(namespace, what, str(info.get("origin", what)), route, conventions), worker


def _import_checks_needs() -> None:
    """Import what the checks need while the worker starts: on two CPUs the two overlap,
    and the worker's start-up (an interpreter, numpy, its sandbox) leaves the run's
    critical path."""
    import hypothesis  # noqa: F401

    from deltaspec.conformance import gradcheck  # noqa: F401
    from deltaspec.conformance.judging import diagnose, draws, probing, report  # noqa: F401
    from deltaspec.reference import network  # noqa: F401


def _fix_scope(state: RunState) -> None:
    """The assignment's scope when graded, else the implementation's SUPPORTS, else the
    catalog; then the network plans, and the conventions the assignment refuses."""
    from deltaspec.conformance.judging import coverage, scope

    if state.assignment is not None:
        state.scope = state.assignment.scope
        state.refused = state.assignment.refused(state.loaded.conventions)
    else:
        try:
            state.scope = scope.declared(state.loaded.namespace)
        except scope.ScopeError as exc:
            raise _usage(str(exc)) from None
    state.plans = coverage.network_plans(state.scope)


def stop(state: RunState, pytest_config) -> None:
    """Stop the worker, then write the grade: last, so no student code runs after it."""
    from deltaspec.conformance.grading import scoring

    if state.worker is not None:
        state.worker.close()
    scoring.unconfigure(pytest_config, state)


# ---------------------------------------------------------------- collection


def parametrize(metafunc, state: RunState) -> None:
    """Enumerate the combinations in scope as parameters, with ids that name them."""
    scope = state.scope
    if scope is None:
        return
    names = set(metafunc.fixturenames)
    elementwise = [a for a in scope.activations if a != "softmax"]
    table = {
        "activation": (elementwise, list(elementwise)),
        "derivative": (elementwise, [f"{a}_prime" for a in elementwise]),
        "loss": (list(scope.losses), list(scope.losses)),
        "loss_derivative": (list(scope.losses), [f"{l}_prime" for l in scope.losses]),
        "pair": (list(scope.pairs), [f"{l}-{a}" for l, a in scope.pairs]),
        "hidden": (list(scope.hidden), list(scope.hidden)),
        "net": (state.plans, [p.id for p in state.plans]),
    }
    for arg in CHECK_ARGS:
        if arg in names:
            values, ids = table[arg]
            marker = metafunc.definition.get_closest_marker("only_activations")
            if marker is not None and arg == "activation":
                keep = [i for i, v in enumerate(values) if v in marker.args[0]]
                values, ids = [values[i] for i in keep], [ids[i] for i in keep]
            metafunc.parametrize(arg, values, ids=ids)


def select(items, state: RunState, pytest_config) -> None:
    """Deselect checks of capabilities the assignment does not count; refuse a run in
    which the implementation provides none of the selected capabilities."""
    judged = [i for i in items if i.get_closest_marker("capability") is not None]
    if state.assignment is not None:
        counted = state.assignment.counted()
        dropped = [i for i in judged if capability_of(i) not in counted]
        if dropped:
            pytest_config.hook.pytest_deselected(items=dropped)
            items[:] = [i for i in items if i not in dropped]
            judged = [i for i in judged if i not in dropped]
    provided = set(state.loaded.provided_capabilities())
    if judged and not any(capability_of(i) in provided for i in judged):
        wanted = sorted({capability_of(i) for i in judged})
        raise _usage(f"{state.config.impl} provides none of the {len(wanted)} capabilities this run judges "
                     f"({', '.join(wanted[:4])}{', ...' if len(wanted) > 4 else ''}); check --impl and the names "
                     "it defines (python -m deltaspec.conformance capabilities lists them)")


# ---------------------------------------------------------------- outcomes


def _paragraph(exc: BaseException) -> str:
    """The failure as one paragraph: the check's own message, without pytest's source
    listing or assertion introspection."""
    text = str(exc).split("\nassert ")[0].strip()
    return " ".join(text.split()) or type(exc).__name__


def feedback(message: str, level: str) -> str:
    """What a student sees of a failure: the whole paragraph ("full"), the verdict with
    the worst element but no diagnosis ("worst"), or only that it failed ("verdict")."""
    if level == "verdict":
        return "a check failed"
    if level == "worst":
        return message.split(" Likely cause:")[0].split(" No known mistake")[0]
    return message


def record(item, call, report, state: RunState) -> None:
    """Keep the outcome of one check; rewrite its failure as one paragraph."""
    if item.get_closest_marker("capability") is None:
        return
    worker = state.worker
    capability = capability_of(item)
    if report.when == "call" and worker is not None:
        strays = worker.strays()
        if strays:
            report.outcome = "failed"
            report.longrepr = (f"[{capability}] the implementation left {strays} child process(es) "
                               "running; they were killed")
            state.records.append({"test": item.nodeid, "capability": capability, "outcome": "failed",
                                  "diagnosis": "child_processes", "message": report.longrepr})
            return
    if not (report.when == "call" or (report.when == "setup" and report.skipped)):
        return
    message, code = "", None
    if call.excinfo is not None:
        exc = call.excinfo.value
        code = getattr(exc, "code", None)
        if report.failed:
            message = feedback(_paragraph(exc), state.scope.feedback if state.scope else "full")
            if isinstance(exc, AssertionError):
                report.longrepr = f"[{capability}] {message}"
    if report.when == "call":
        net = getattr(getattr(item, "callspec", None), "params", {}).get("net")
        if net is not None:
            state.ran.add(net.id)
    state.records.append({"test": item.nodeid, "capability": capability, "outcome": report.outcome,
                          "diagnosis": code, "message": message})


def header(state: RunState) -> list[str]:
    loaded, cfg = state.loaded, state.config
    conv = loaded.conventions
    sign = "+1" if conv["SIGN"] == 1 else "-1"
    return [
        f"deltaspec implementation: {loaded.requested} (via {loaded.route})",
        f"deltaspec loaded from: {loaded.origin}",
        f"deltaspec conventions: LAYOUT={conv['LAYOUT']!r} SIGN={sign} PRIME_OF={conv['PRIME_OF']!r} "
        f"REDUCTION={conv['REDUCTION']!r}",
        f"deltaspec scope: {state.scope.source}; {len(state.plans)} network plans",
        f"deltaspec profile: {cfg.profile.name} ({cfg.profile.examples} examples per combination, "
        f"{cfg.profile.fd_examples} per finite-difference check, seed {cfg.seed})",
        f"deltaspec isolation: {state.isolation}",
    ]


def summary(state: RunState, write) -> None:
    """The terminal summary: capabilities provided, coverage, failures; the JSON file."""
    from deltaspec.conformance.capabilities import capabilities
    from deltaspec.conformance.judging import coverage

    loaded = state.loaded
    total = list(capabilities())
    if state.assignment is not None:  # only what the assignment counts
        counted = state.assignment.counted()
        total = [c for c in total if c in counted]
    provided = [c for c in loaded.provided_capabilities() if c in total]
    write(f"{len(provided)} of {len(total)} capabilities provided by {loaded.requested}")
    missing = [c for c in total if c not in provided]
    if missing:
        write("not provided: " + ", ".join(missing))
    if state.plans:
        checked, wanted = coverage.coverage(state.plans, state.ran, state.scope)
        write(f"{checked} of {wanted} network combinations checked ({state.scope.source})")
    for name, why in state.refused.items():
        write(f"refused convention {name}: {why}")
    failed = sorted({r["capability"] for r in state.records if r["outcome"] == "failed"})
    if failed:
        write("failing capabilities: " + ", ".join(failed))
    if state.worker is not None:
        write(f"{state.worker.calls} calls into the implementation's process, in {state.worker.messages} messages")
    path = state.config.json_path
    if path:
        from deltaspec.files import write_text_atomic

        write_text_atomic(path, json.dumps({"implementation": loaded.requested, "provided": provided,
                                            "records": state.records}, indent=1))
