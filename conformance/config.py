"""The settings of one conformance run, read once from pytest's options into a RunConfig
that is passed down (never kept in module globals).

Every option but the card's ``--impl`` carries the prefix ``--deltaspec-``, so it cannot
clash with another plugin's.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Profile:
    """How many examples each enumerated combination gets: ``examples`` for comparisons
    with the spec, ``fd_examples`` for finite-difference checks (each costs ~10-60 calls)."""

    name: str
    examples: int
    fd_examples: int


PROFILES = {
    "quick": Profile("quick", examples=3, fd_examples=1),
    "thorough": Profile("thorough", examples=30, fd_examples=10),
}
DEFAULT_PROFILE = "quick"
CALL_TIMEOUT = 5.0      # seconds for one call into the implementation
MEMORY_LIMIT_MB = 2048  # address space of the worker process
TIME_BUDGET = 600.0     # seconds the implementation may spend in calls, in all
SPIN = 0.0005           # seconds a process polls for the other's message before it sleeps
MAX_SPIN = 0.01
OUTPUT_FORMATS = ("gradescope", "prairielearn")


@dataclass(frozen=True)
class Isolation:
    """Whether the implementation runs in a worker process, and the worker's limits."""

    isolate: bool = True
    call_timeout: float = CALL_TIMEOUT
    memory_mb: int = MEMORY_LIMIT_MB
    time_budget: float = TIME_BUDGET
    spin: float = 0.0   # seconds each side polls for the other's message before sleeping


def default_spin() -> float:
    """SPIN where this process may use two CPUs or more, else 0: polling while the other
    side works only pays where the two run at once (a sleeping process takes tens of
    microseconds to wake, and a quick run makes ~1,500 calls)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return SPIN if cpus >= 2 else 0.0


def _limit(config, option: str, high: float = float("inf"), zero: bool = False):
    """An option that must be positive (or zero, with ``zero``) and at most ``high``: a
    zero or negative limit would fail every check instead of saying what is wrong."""
    value = config.getoption(option)
    if not ((0 <= value if zero else 0 < value) and value <= high):  # NaN fails too
        import pytest

        bound = "0 or more" if zero else "more than 0"
        raise pytest.UsageError(f"deltaspec: {option} must be {bound}"
                                + (f" and at most {high:g}" if high < float("inf") else "") + f", got {value:g}")
    return value


def _isolation(config) -> Isolation:
    spin = config.getoption("--deltaspec-spin")
    return Isolation(not config.getoption("--deltaspec-no-isolate"),
                     _limit(config, "--deltaspec-call-timeout"),
                     _limit(config, "--deltaspec-memory-limit"),
                     _limit(config, "--deltaspec-time-budget"),
                     default_spin() if spin is None else _limit(config, "--deltaspec-spin", MAX_SPIN, zero=True))


@dataclass(frozen=True)
class RunConfig:
    """Everything a conformance run was asked to do.

    ``active`` is False when the run did not ask for deltaspec (neither ``--impl`` nor a
    path into the suite): then the plugin does nothing at all."""

    active: bool
    impl: str
    route: str
    profile: Profile
    seed: int
    isolation: Isolation
    json_path: str | None = None
    results: tuple[tuple[str, str], ...] = ()   # (format, absolute path) for results files
    assignment_path: str | None = None

    @property
    def grading(self) -> bool:
        return bool(self.results or self.assignment_path)

    def results_targets(self) -> dict[str, str]:
        return dict(self.results)


def add_options(parser) -> None:
    """Register the suite's command-line options and ini key on pytest's parser."""
    group = parser.getgroup("deltaspec", "deltaspec conformance suite")
    group.addoption("--impl", default=None, metavar="IMPL",
                    help="implementation under test: module, path/to/file.py, module:attribute, or an "
                         "entry point in group deltaspec.impl (default: the bundled reference)")
    group.addoption("--deltaspec-profile", default=DEFAULT_PROFILE, choices=sorted(PROFILES),
                    help="quick (default) or thorough: examples drawn per enumerated combination")
    group.addoption("--deltaspec-seed", type=int, default=None, metavar="N",
                    help="seed of the example draws (default 0, or --hypothesis-seed when given)")
    group.addoption("--deltaspec-json", default=None, metavar="PATH",
                    help="also write every check's outcome and diagnosis code to PATH as JSON")
    group.addoption("--deltaspec-no-isolate", action="store_true",
                    help="import the implementation into this process (for debugging it with pdb); "
                         "by default it runs in a separate, limited worker process")
    group.addoption("--deltaspec-call-timeout", type=float, default=CALL_TIMEOUT, metavar="SECONDS",
                    help=f"limit for one call into the implementation (default {CALL_TIMEOUT:g})")
    group.addoption("--deltaspec-memory-limit", type=int, default=MEMORY_LIMIT_MB, metavar="MB",
                    help=f"address-space limit of the worker process (default {MEMORY_LIMIT_MB} MB)")
    group.addoption("--deltaspec-time-budget", type=float, default=TIME_BUDGET, metavar="SECONDS",
                    help=f"total time the implementation may spend in calls (default {TIME_BUDGET:g})")
    group.addoption("--deltaspec-spin", type=float, default=None, metavar="SECONDS",
                    help=f"how long the suite and the worker poll for each other's message before "
                         f"sleeping (default {SPIN:g} with two CPUs or more, else 0; 0 where runs share the CPUs)")
    for fmt in OUTPUT_FORMATS:
        group.addoption(f"--deltaspec-{fmt}", default=None, metavar="PATH",
                        help=f"write {fmt}'s results.json to PATH: points per capability")
    group.addoption("--deltaspec-assignment", "--deltaspec-weights", dest="deltaspec_assignment", default=None,
                    metavar="FILE", help="the instructor's TOML assignment: points per capability, and the "
                                         "scope, conventions and feedback judged (docs/AUTOGRADER.md)")
    parser.addini("deltaspec_impl", "implementation under test (like --impl)", default="")


def _suite_dir() -> Path:
    return Path(__file__).resolve().parent


def asks_for_suite(args, pyargs: bool) -> bool:
    """Whether the command line collects the conformance suite: a path inside this package
    (``pytest conformance`` from a clone) or ``--pyargs deltaspec.conformance[...]``."""
    suite = _suite_dir()
    for arg in args:
        head = str(arg).split("::")[0]
        if pyargs and (head == "deltaspec.conformance" or head.startswith("deltaspec.conformance.")):
            return True
        try:
            path = Path(head).resolve()
        except (OSError, RuntimeError):
            continue
        if path == suite or suite in path.parents:
            return True
    return False


def _seed(config) -> int:
    seed = config.getoption("--deltaspec-seed")
    if seed is None:
        seed = config.getoption("--hypothesis-seed", None)
    try:
        return int(seed or 0)
    except (TypeError, ValueError):
        return abs(hash(str(seed))) % (2**32)


DEFAULT_IMPL = "deltaspec.reference.implementation"


def choose_impl(option: str | None, env: str | None, ini: str | None) -> tuple[str, str]:
    """(what, route): the command-line option wins, then the environment, then the ini key."""
    for value, route in ((option, "--impl option"), (env, "DELTASPEC_IMPL environment variable"),
                         (ini, "deltaspec_impl ini key")):
        if value is not None and value.strip():
            return value.strip(), route
    return DEFAULT_IMPL, "default (the bundled reference)"


def from_pytest(config) -> RunConfig:
    """Build the RunConfig from pytest's parsed options (called once, in pytest_configure)."""
    option = config.getoption("--impl")
    active = option is not None or asks_for_suite(config.args, bool(config.getoption("pyargs", False)))
    impl, route = choose_impl(option, os.environ.get("DELTASPEC_IMPL"), config.getini("deltaspec_impl"))
    results = tuple((fmt, os.path.abspath(path)) for fmt in OUTPUT_FORMATS
                    if (path := config.getoption(f"--deltaspec-{fmt}")))
    return RunConfig(
        active=active,
        impl=impl,
        route=route,
        profile=PROFILES[config.getoption("--deltaspec-profile")],
        seed=_seed(config),
        isolation=_isolation(config),
        json_path=config.getoption("--deltaspec-json"),
        results=results,
        assignment_path=config.getoption("deltaspec_assignment"),
    )
