"""Correct modules in the styles the suite used to misjudge: each must pass the WHOLE
suite, in the quick profile isolated and in-process (``--deltaspec-no-isolate``), and in
the thorough profile isolated.

The styles (tests/conformance/gallery/):

* correct_upcasting: computes and returns float64 whatever it is given;
* correct_float32: float32 throughout, judged at float32's tolerances;
* correct_softmax_ce_only: softmax only with cross-entropy, declared in SUPPORTS;
* correct_reduction_mean / _mean_all / _sum: a loss reduction other than the spec's,
  declared with REDUCTION (Nielsen's per-sample mean, np.mean of everything, and
  Rumelhart's sum over patterns with SIGN = -1);
* correct_two_layer: one fixed sigmoid-sigmoid half_sse network, declared in SUPPORTS;
* correct_class_based: Activation, Loss, Dense and Network classes behind thin
  module-level functions, with an in-place SGD step.

Each (module, mode) run is a subprocess (``pytest conformance --impl=... --deltaspec-json``),
two at a time, in one module-scoped fixture that runs only the selected combinations.
The quick runs are the default selection (16 runs, about 45 s of CPU, well under a
minute on an idle 2-core machine); the thorough runs are marked slow (``pytest -m slow``,
8 runs of 10 to 100 s each).
test_gallery.py also runs every correct_* module once (quick, isolated).

WRONG_VERDICTS lists the checks the suite currently gets wrong on these modules (each
reported; none is worked around in a module). A run whose only failures are listed is
an expected failure; a listed check that passes again fails the test, so the list only
shrinks as the suite is fixed.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GALLERY = Path(__file__).resolve().parent / "gallery"
WORKERS = 2
TIMEOUT = 900  # seconds for one run (a thorough one takes about 90 s on an idle machine)

STYLES = [
    "correct_upcasting",
    "correct_float32",
    "correct_softmax_ce_only",
    "correct_reduction_mean",
    "correct_reduction_mean_all",
    "correct_reduction_sum",
    "correct_two_layer",
    "correct_class_based",
]
DECLARES_SUPPORTS = {"correct_softmax_ce_only", "correct_two_layer"}

MODES = {  # mode: the options it adds
    "quick-isolated": ["--deltaspec-profile", "quick"],
    "quick-in-process": ["--deltaspec-profile", "quick", "--deltaspec-no-isolate"],
    "thorough-isolated": ["--deltaspec-profile", "thorough"],
}
SLOW_MODES = {"thorough-isolated"}

WRONG_VERDICTS: dict[str, tuple] = {}  # none left: the float32 finite-difference verdict was fixed


def wrong_verdicts(name: str, mode: str) -> dict[str, str]:
    """{check: reason} of the listed wrong verdicts that apply to this module and mode."""
    return {check: why for check, (names, modes, why) in WRONG_VERDICTS.items()
            if name in names and (modes is None or mode in modes)}


def _check_id(record) -> str:
    return record["test"].split("::")[-1]


@dataclass
class Run:
    name: str
    mode: str
    returncode: int
    records: list
    output: str
    seconds: float

    @property
    def failed(self) -> list:
        return [r for r in self.records if r["outcome"] == "failed"]

    def describe(self) -> str:
        shown = "\n".join(f"  {r['test']}: {r['message']}" for r in self.failed[:5])
        tail = "\n".join(self.output.splitlines()[-25:])
        return (f"{self.name} ({self.mode}): exit code {self.returncode}, {len(self.failed)} failed checks in "
                f"{self.seconds:.1f} s\n{shown}\nlast lines of pytest's output:\n{tail}")


def run_style(job: tuple[str, str]) -> Run:
    """pytest conformance --impl=<module> in one mode, in a subprocess."""
    name, mode = job
    env = {k: v for k, v in os.environ.items() if k not in ("DELTASPEC_IMPL", "PYTEST_ADDOPTS")}
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "r.json"
        command = [sys.executable, "-m", "pytest", "conformance", f"--impl={GALLERY / f'{name}.py'}", "-q",
                   "-p", "no:cacheprovider", "--deltaspec-json", str(report), *MODES[mode]]
        start = time.perf_counter()
        try:
            done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=TIMEOUT,
                                  check=False)
        except subprocess.TimeoutExpired as exc:
            partial = exc.stdout.decode(errors="replace") if isinstance(exc.stdout, bytes) else exc.stdout or ""
            return Run(name, mode, -1, [], f"timed out after {TIMEOUT} s: {' '.join(command)}\n{partial}",
                       time.perf_counter() - start)
        seconds = time.perf_counter() - start
        records = json.loads(report.read_text()).get("records", []) if report.exists() else []
    return Run(name, mode, done.returncode, records, done.stdout + done.stderr, seconds)


def _selected(session) -> list[tuple[str, str]]:
    """The (module, mode) runs this session's selected tests need."""
    jobs = []
    for item in session.items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        if "styles" in getattr(item, "fixturenames", ()) and "name" in params and "mode" in params:
            job = (params["name"], params["mode"])
            if job not in jobs:
                jobs.append(job)
    return jobs


@pytest.fixture(scope="module")
def styles(request):
    """{(module, mode): Run} for every selected combination, WORKERS at a time."""
    jobs = sorted(_selected(request.session), key=lambda job: job[1] not in SLOW_MODES)  # long runs first
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        runs = {(run.name, run.mode): run for run in pool.map(run_style, jobs)}
    wall = time.perf_counter() - start
    yield runs
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None and runs:
        slowest = sorted(runs.values(), key=lambda r: -r.seconds)[:3]
        with capture.global_and_fixture_disabled():
            reporter.write_line(f"\ngallery styles: {len(runs)} runs in {wall:.1f} s wall, {WORKERS} at a time "
                                "(slowest: " + ", ".join(f"{r.name} {r.mode} {r.seconds:.1f} s" for r in slowest)
                                + ")")


def _params():
    return [pytest.param(name, mode, id=f"{name}-{mode}", marks=pytest.mark.slow if mode in SLOW_MODES else ())
            for mode in MODES for name in STYLES]


def test_styles_are_in_the_gallery():
    missing = [name for name in STYLES if not (GALLERY / f"{name}.py").is_file()]
    assert not missing, f"not in {GALLERY}: {missing}"


@pytest.mark.parametrize("name, mode", _params())
def test_style_passes_the_whole_suite(styles, name, mode):
    run = styles[(name, mode)]
    known = wrong_verdicts(name, mode)
    unexpected = [r for r in run.failed if _check_id(r) not in known]
    assert run.returncode in ((0, 1) if known else (0,)) and run.records and not unexpected, run.describe()
    assert sum(r["outcome"] == "passed" for r in run.records) >= 40, f"too few checks ran\n{run.describe()}"
    if name in DECLARES_SUPPORTS:
        assert "the implementation's SUPPORTS" in run.output, \
            f"{name} declares SUPPORTS, but the run did not judge that scope\n{run.describe()}"
    outcomes = {_check_id(r): r["outcome"] for r in run.records}
    fixed = sorted(check for check in known if outcomes.get(check) == "passed")
    assert not fixed, f"the suite now judges {fixed} right on {name} ({mode}): remove them from WRONG_VERDICTS"
    if run.failed:
        by_reason = {}
        for check in sorted({_check_id(r) for r in run.failed}):
            by_reason.setdefault(known[check], []).append(check)
        pytest.xfail("wrong verdicts of the suite: " + "; ".join(
            f"{', '.join(checks)}: {why}" for why, checks in by_reason.items()))
