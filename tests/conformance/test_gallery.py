"""The gallery of known bugs: the conformance suite's proof of its own power.

tests/gallery/ holds third-party-style implementations (numpy only, no spec/reference):

* correct_*.py: independently written correct modules in different conventions; each
  must pass the WHOLE suite (``pytest conformance --impl=...``) with no failed check;
* bug_*.py: one correct base plus ONE realistic slip; each declares EXPECTED_DIAGNOSIS
  (the diagnosis code the suite must report for at least one failing check), CHECKS
  (the test files, or test functions, that must catch it) and optionally EXPECTED_TEXT
  (words the diagnosis must say, e.g. the convention constant to declare). Each must
  fail CHECKS with that diagnosis, in readable one-paragraph failures;
* ok_*.py: a harmless deviation (a convention the spec leaves open); it must pass CHECKS.

Every module runs in a subprocess, two at a time, in one module-scoped fixture; only the
modules whose tests are selected run (most bugs are marked slow: ``pytest -m slow``).
The default selection (4 whole-suite runs, 11 representative bugs, 1 harmless module)
costs about 95 s of CPU, about a minute on an idle 2-core machine; the whole gallery
about 190 s of CPU. The fixture prints the wall time and the slowest modules.
"""
from __future__ import annotations

import ast
import json
import os
import re
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
TIMEOUT = 600  # seconds for one module's run
MAX_LINES_PER_FAILURE = 30
MAX_NUMBERS_IN_BRACKETS = 8  # "z = [0.5, 1.]" is a description; more is an array dump

# Run by default (with the correct modules): one bug per kind of diagnosis the suite
# must name. The rest of the gallery is marked slow.
REPRESENTATIVE = {
    "bug_undeclared_sign",             # a convention: SIGN = -1 must be named
    "bug_half_sse_prime_factor_2",     # off by 2
    "bug_cross_entropy_sum",           # off by N
    "bug_undeclared_prime_of_a",       # the derivative given z where it takes the output
    "bug_hidden_delta_missing_gprime", # a missing g' factor
    "bug_hidden_delta_not_transposed", # a weight matrix not transposed (raises unless square)
    "bug_updated_weights",             # hidden delta with already-updated weights
    "bug_bias_mean",                   # the bias gradient not summed over the batch
    "bug_train_step_returns_update",   # the update returned
    "bug_undeclared_column",           # a convention: LAYOUT = 'column' must be named
    "bug_softmax_wrong_axis",          # softmax over the samples
}

# The diagnoses the issue asks the suite to name; the gallery must show each one.
REQUIRED_DIAGNOSES = {"sign", "factor_2", "factor_half", "factor_n", "factor_1_over_n", "prime_of_output",
                      "prime_of_input", "gprime_of_output", "missing_gprime", "no_hidden_gprime", "transposed",
                      "updated_weights", "bias_mean", "bias_not_summed", "returned_update", "layout"}


def constants(path: Path) -> dict:
    """The module's UPPER_CASE constants that are literals, read without importing it."""
    found = {}
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            if name.isupper():
                try:
                    found[name] = ast.literal_eval(node.value)
                except ValueError:
                    pass
    return found


def modules(prefix: str) -> list[str]:
    return sorted(p.stem for p in GALLERY.glob(f"{prefix}_*.py"))


CORRECT, BUGS, HARMLESS = modules("correct"), modules("bug"), modules("ok")


def checks_of(name: str) -> list[str]:
    """What a module runs: the whole suite for a correct one, its CHECKS otherwise."""
    return ["conformance"] if name.startswith("correct_") else constants(GALLERY / f"{name}.py")["CHECKS"]


@dataclass
class Run:
    name: str
    returncode: int
    records: list
    output: str
    seconds: float
    provided: tuple = ()

    @property
    def failed(self) -> list:
        return [r for r in self.records if r["outcome"] == "failed"]

    def describe(self) -> str:
        codes = sorted({str(r["diagnosis"]) for r in self.failed})
        tail = "\n".join(self.output.splitlines()[-40:])
        return (f"{self.name}: exit code {self.returncode}, {len(self.failed)} failed checks with diagnoses "
                f"{codes}; last lines of pytest's output:\n{tail}")


def run_module(name: str) -> Run:
    """pytest CHECKS --impl=<module> in a subprocess, with the JSON record of every check."""
    env = {k: v for k, v in os.environ.items() if k not in ("DELTASPEC_IMPL", "PYTEST_ADDOPTS")}
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "r.json"
        command = [sys.executable, "-m", "pytest", *checks_of(name), f"--impl={GALLERY / f'{name}.py'}", "-q",
                   "-p", "no:cacheprovider", "--deltaspec-json", str(report)]
        start = time.perf_counter()
        try:
            done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=TIMEOUT)
        except subprocess.TimeoutExpired as exc:
            partial = exc.stdout.decode(errors="replace") if isinstance(exc.stdout, bytes) else exc.stdout or ""
            return Run(name, -1, [], f"timed out after {TIMEOUT} s: {' '.join(command)}\n{partial}",
                       time.perf_counter() - start)
        seconds = time.perf_counter() - start
        result = json.loads(report.read_text()) if report.exists() else {}
    return Run(name, done.returncode, result.get("records", []), done.stdout + done.stderr, seconds,
               tuple(result.get("provided", ())))


def _selected(session) -> list[str]:
    """The gallery modules whose runs this session's selected tests need."""
    names = []
    for item in session.items:
        if "gallery" in getattr(item, "fixturenames", ()) and hasattr(item, "callspec"):
            name = item.callspec.params.get("name")
            if name and name not in names:
                names.append(name)
    return names


@pytest.fixture(scope="module")
def gallery(request):
    """{module name: Run}: every selected module's run, WORKERS at a time."""
    names = _selected(request.session)
    by_cost = sorted(names, key=lambda n: not n.startswith("correct_"))  # the long whole-suite runs first
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        runs = {run.name: run for run in pool.map(run_module, by_cost)}
    wall = time.perf_counter() - start
    yield runs
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None and runs:
        slowest = sorted(runs.values(), key=lambda r: -r.seconds)[:3]
        with capture.global_and_fixture_disabled():
            reporter.write_line(f"\ngallery: {len(runs)} modules in {wall:.1f} s wall, {WORKERS} at a time "
                                f"({sum(r.seconds for r in runs.values()):.1f} s of runs; slowest: "
                                + ", ".join(f"{r.name} {r.seconds:.1f} s" for r in slowest) + ")")


# ---------------------------------------------------------------- reading pytest's output

SECTION = re.compile(r"^_+ (\S+) _+$")  # long names leave pytest room for a single "_"


def failure_sections(output: str) -> dict[str, list[str]]:
    """{test name (with parameters): its lines} from the FAILURES part of pytest's output."""
    sections, current = {}, None
    for line in output.splitlines():
        header = SECTION.match(line)
        if header:
            current = header.group(1)
            sections[current] = []
        elif line.startswith("=") and current is not None:
            current = None
        elif current is not None:
            sections[current].append(line)
    return sections


def array_dump(lines: list[str]) -> str | None:
    """The first line that prints an array rather than describing it, if any."""
    for line in lines:
        if "array(" in line or "[[" in line:
            return line
        for inside in re.findall(r"\[([^\[\]]*)\]", line):
            if len(re.findall(r"-?\d+\.?\d*(?:e[-+]?\d+)?", inside)) > MAX_NUMBERS_IN_BRACKETS:
                return line
    return None


def _test_name(record) -> str:
    return record["test"].split("::", 1)[1]


# ---------------------------------------------------------------- the gallery's own shape


def test_gallery_size_and_coverage():
    """At least 4 correct modules, 25 bugs, and every required diagnosis shown by a bug."""
    assert len(CORRECT) >= 4 and len(BUGS) >= 25, (CORRECT, len(BUGS))
    expected = {constants(GALLERY / f"{b}.py").get("EXPECTED_DIAGNOSIS") for b in BUGS}
    assert REQUIRED_DIAGNOSES <= expected, f"no bug shows {sorted(REQUIRED_DIAGNOSES - expected)}"
    assert REPRESENTATIVE <= set(BUGS), sorted(REPRESENTATIVE - set(BUGS))


def test_correct_modules_cover_the_conventions():
    """Row and column layout, SIGN +1 and -1, PRIME_OF z and a, and a bias input column."""
    declared = [constants(GALLERY / f"{c}.py") for c in CORRECT]
    for constant, values in (("LAYOUT", {"row", "column"}), ("SIGN", {1, -1}), ("PRIME_OF", {"z", "a"})):
        assert {d.get(constant) for d in declared} >= values, constant
    assert "correct_bias_column" in CORRECT


@pytest.mark.parametrize("name", CORRECT + BUGS + HARMLESS)
def test_module_is_well_formed(name):
    """A docstring saying what it is; bugs declare what must catch them; correct modules
    are third-party code: they import numpy only (not spec, not reference)."""
    path = GALLERY / f"{name}.py"
    tree = ast.parse(path.read_text())
    assert ast.get_docstring(tree), f"{name} has no module docstring"
    if name.startswith("correct_"):
        imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                    for alias in node.names}
        imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                     if isinstance(node, ast.ImportFrom) and node.module}
        assert imported <= {"numpy"}, f"{name} imports {sorted(imported - {'numpy'})}"
        return
    found = constants(path)
    assert "EXPECTED_DIAGNOSIS" in found and found.get("CHECKS"), f"{name} lacks EXPECTED_DIAGNOSIS or CHECKS"
    for check in found["CHECKS"]:
        assert (ROOT / check.split("::")[0]).is_file(), f"{name}: no such check file {check}"
    assert (found["EXPECTED_DIAGNOSIS"] is None) == name.startswith("ok_")


# ---------------------------------------------------------------- the runs


def _bug_params():
    return [pytest.param(b, marks=() if b in REPRESENTATIVE else pytest.mark.slow) for b in BUGS]


@pytest.mark.parametrize("name", CORRECT)
def test_correct_module_passes_the_whole_suite(gallery, name):
    from deltaspec.conformance.capabilities import capabilities

    run = gallery[name]
    assert run.returncode == 0 and not run.failed, run.describe()
    if "SUPPORTS" in constants(GALLERY / f"{name}.py"):  # a declared subset: judged on what it declares
        assert len(run.records) > 20, f"{name}: only {len(run.records)} checks ran\n{run.describe()}"
        return
    assert len(run.records) > 50, f"{name}: only {len(run.records)} checks ran\n{run.describe()}"
    missing = sorted(set(capabilities()) - set(run.provided))
    assert not missing, f"{name} does not provide {missing}"


@pytest.mark.parametrize("name", HARMLESS)
def test_harmless_deviation_passes(gallery, name):
    run = gallery[name]
    assert run.returncode == 0 and not run.failed, run.describe()


@pytest.mark.parametrize("name", _bug_params())
def test_bug_is_caught_with_the_right_diagnosis(gallery, name):
    declared = constants(GALLERY / f"{name}.py")
    expected, text = declared["EXPECTED_DIAGNOSIS"], declared.get("EXPECTED_TEXT")
    run = gallery[name]
    assert run.returncode == 1 and run.failed, run.describe()
    right = [r for r in run.failed if r["diagnosis"] == expected]
    assert right, f"no failing check diagnosed {expected!r}\n{run.describe()}"
    if text:
        assert any(text in r["message"] for r in right), f"no {expected!r} diagnosis says {text!r}\n{run.describe()}"
    sections = failure_sections(run.output)
    assert sections, f"{name}: no failure section in pytest's output\n{run.describe()}"
    for record in right:
        lines = sections.get(_test_name(record), [])
        assert any("Likely cause" in line for line in lines), \
            f"{_test_name(record)}: no 'Likely cause' in its failure:\n" + "\n".join(lines)
    for test, lines in sections.items():
        assert len(lines) <= MAX_LINES_PER_FAILURE, f"{test}: {len(lines)} lines of failure:\n" + "\n".join(lines)
        dump = array_dump(lines)
        assert dump is None, f"{test} prints an array: {dump[:300]}"
