"""Every "one wrong branch" mutant (tests/conformance/mutants.py) fails the quick profile.

A mutant is gallery/correct_dispatch.py with one dispatch branch edited: wrong for one
activation, loss or (loss, output activation) pair, in one function. The suite claims
coverage by construction, so each one must fail the default quick profile, and a check of
a capability the mutation touches must be the one that fails. The unmutated base must
pass the whole quick profile.

Each module runs ``pytest conformance --impl=<file> -x --deltaspec-no-isolate`` in a
subprocess (``-x``: the first failure is all that is needed), two at a time, in one
module-scoped fixture; only the runs the selected tests need are made. By default the
base and one or two mutants of each kind run (11 runs, about 27 s of CPU: some 15 s wall
on an idle 2-core machine); the whole set (96 runs, about 170 s of CPU) is marked slow
(``pytest -m slow tests/conformance/test_mutants.py``). The fixture prints its wall time.

Before any run, every mutant is shown to really differ from the base on a generic input
(in-process, no suite): a mutant the suite passes is then a hole in the suite, not an
equivalent mutant.
"""
from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

import mutants

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 2
TIMEOUT = 600  # seconds for one module's run
BASE_NAME = "correct_dispatch"
MUTANTS = {m.name: m for m in mutants.generate()}

# Run by default: the trial's four escapes, then one of every other kind.
REPRESENTATIVE = {
    "forward_leaky_relu_as_relu",                  # forward's table only
    "gradients_output_leaky_relu_prime_as_relu",   # output-layer derivative in gradients only
    "gradients_loss_sse_as_half_sse",              # the loss inside gradients only
    "forward_softmax_whole_array",                 # forward's softmax output layer only
    "softmax_over_samples",                        # softmax itself
    "gradients_softmax_jacobian_over_samples",     # softmax's Jacobian in gradients only
    "gradients_hidden_tanh_prime_as_sigmoid",      # hidden-layer derivative in gradients only
    "gradients_pair_bce_sigmoid",                  # one (loss, output) pair in gradients
    "output_delta_pair_mse_softmax",               # one pair in output_delta
    "hidden_delta_rbf_prime_as_identity",          # one branch of hidden_delta
}


@dataclass
class Run:
    """One subprocess run of the quick profile and the JSON records of its checks."""

    name: str
    returncode: int
    records: list
    output: str
    seconds: float

    @property
    def failed(self) -> list:
        return [r for r in self.records if r["outcome"] == "failed"]

    def describe(self) -> str:
        blamed = sorted({r["capability"] for r in self.failed})
        tail = "\n".join(self.output.splitlines()[-30:])
        return (f"{self.name}: exit code {self.returncode}, {len(self.failed)} failed checks of {blamed}; "
                f"last lines of pytest's output:\n{tail}")


def run_quick_profile(path: Path) -> Run:
    """``pytest conformance --impl=path -x`` (quick profile, not isolated) in a subprocess."""
    env = {k: v for k, v in os.environ.items() if k not in ("DELTASPEC_IMPL", "PYTEST_ADDOPTS")}
    report = path.with_suffix(".json")
    command = [sys.executable, "-m", "pytest", "conformance", f"--impl={path}", "-q", "-p", "no:cacheprovider",
               "-x", "--deltaspec-no-isolate", "--deltaspec-json", str(report)]
    start = time.perf_counter()
    try:
        done = subprocess.run(command, check=False, cwd=ROOT, env=env, capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return Run(path.stem, -1, [], f"timed out after {TIMEOUT} s: {' '.join(command)}", time.perf_counter() - start)
    records = json.loads(report.read_text()).get("records", []) if report.exists() else []
    return Run(path.stem, done.returncode, records, done.stdout + done.stderr, time.perf_counter() - start)


def _selected(session) -> list[str]:
    """The module names whose runs this session's selected tests need."""
    names = []
    for item in session.items:
        if item.path != Path(__file__) or not hasattr(item, "callspec"):  # another file's "runs" is not ours
            continue
        if "runs" in getattr(item, "fixturenames", ()):
            name = item.callspec.params.get("name")
            if name and name not in names:
                names.append(name)
    return names


def _write(name: str, directory: Path) -> Path:
    """The base or a mutant written as ``directory/<name>.py``."""
    path = directory / f"{name}.py"
    path.write_text(mutants.BASE.read_text() if name == BASE_NAME else MUTANTS[name].source())
    return path


@pytest.fixture(scope="module")
def runs(request, tmp_path_factory):
    """{module name: Run} for every selected module, WORKERS at a time."""
    directory = tmp_path_factory.mktemp("mutants")
    paths = [_write(name, directory) for name in _selected(request.session)]
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        done = {run.name: run for run in pool.map(run_quick_profile, paths)}
    wall = time.perf_counter() - start
    yield done
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None and done:
        slowest = sorted(done.values(), key=lambda r: -r.seconds)[:3]
        with capture.global_and_fixture_disabled():
            reporter.write_line(f"\nmutants: {len(done)} modules in {wall:.1f} s wall, {WORKERS} at a time (slowest: "
                                + ", ".join(f"{r.name} {r.seconds:.1f} s" for r in slowest) + ")")


# ---------------------------------------------------------------- the generator, in-process


def test_enumeration_covers_the_default_scope():
    """Every activation, loss and (loss, output activation) pair of the default scope has
    its mutants of every kind, and the default run shows every kind."""
    from deltaspec.conformance.judging.scope import Scope

    scope = Scope()
    names = set(MUTANTS)
    stand_in, loss_stand_in = mutants.STAND_IN, mutants.LOSS_STAND_IN
    expected = {f"forward_{a}_as_{stand_in[a]}" for a in scope.output}
    expected |= {f"gradients_output_{a}_prime_as_{stand_in[a]}" for a in scope.output}
    expected |= {f"gradients_hidden_{a}_prime_as_{stand_in[a]}" for a in scope.hidden}
    expected |= {f"hidden_delta_{a}_prime_as_{stand_in[a]}" for a in scope.hidden}
    expected |= {f"gradients_loss_{l}_as_{loss_stand_in[l]}" for l in scope.losses}
    expected |= {f"{where}_pair_{l}_{a}" for l, a in scope.pairs for where in ("gradients", "output_delta")}
    expected |= {f"{where}{axis}" for where in ("softmax_", "forward_softmax_", "gradients_softmax_jacobian_",
                                                 "output_delta_softmax_jacobian_")
                 for axis in ("over_samples", "whole_array")}
    assert names == expected, (sorted(expected - names), sorted(names - expected))
    kinds = {m.kind for m in MUTANTS.values()}
    assert REPRESENTATIVE <= names and {MUTANTS[n].kind for n in REPRESENTATIVE} == kinds


def _load(source: str, name: str) -> dict:
    namespace = {"__name__": name}
    exec(compile(source, name, "exec"), namespace)
    return namespace


def _probe_outputs(ns: dict):
    """Every function a mutation can touch, on generic inputs: 5 samples, 3 outputs,
    each (loss, output) pair behind each hidden activation, and without a hidden layer."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(5, 4))
    T = rng.dirichlet(np.ones(3), size=5)  # valid targets for every loss
    z = rng.normal(size=(5, 3))
    yield ns["softmax"](z)
    for act in mutants.ACTIVATIONS:
        yield ns["hidden_delta"](rng.normal(size=(5, 3)), rng.normal(size=(4, 3)), rng.normal(size=(5, 4)), None, act)
    for loss, out in mutants.PAIRS:
        y = ns[out](z)
        yield ns["output_delta"](y, T, z, out, loss)
        for hidden in (None,) + mutants.ACTIVATIONS:
            acts = (out,) if hidden is None else (hidden, out)
            sizes = [4, 3] if hidden is None else [4, 4, 3]
            params = [(rng.normal(size=(a, b)), rng.normal(size=b)) for a, b in zip(sizes, sizes[1:])]
            yield ns["forward"](params, X, acts)
            yield from (g for pair in ns["gradients"](params, X, T, acts, loss) for g in pair)


@functools.lru_cache(maxsize=1)
def _base_outputs() -> tuple:
    with np.errstate(all="ignore"):
        return tuple(_probe_outputs(_load(mutants.BASE.read_text(), BASE_NAME)))


@pytest.mark.parametrize("name", sorted(MUTANTS))
def test_mutant_really_differs_from_the_base(name):
    """No equivalent mutants: each changes some output of the base on a generic input."""
    mutant = _load(MUTANTS[name].source(), name)
    with np.errstate(all="ignore"):
        for want, got in zip(_base_outputs(), _probe_outputs(mutant)):
            if np.shape(want) != np.shape(got) or not np.allclose(want, got, rtol=1e-6, atol=1e-12):
                return
    pytest.fail(f"{name} computes what the base computes: {MUTANTS[name].description}")


# ---------------------------------------------------------------- the runs


@pytest.mark.parametrize("name", [BASE_NAME])
def test_base_passes_the_quick_profile(runs, name):
    run = runs[name]
    assert run.returncode == 0 and not run.failed, run.describe()
    assert len(run.records) > 50, f"only {len(run.records)} checks ran\n{run.describe()}"


def _mutant_params():
    return [pytest.param(n, marks=() if n in REPRESENTATIVE else pytest.mark.slow) for n in MUTANTS]


@pytest.mark.parametrize("name", _mutant_params())
def test_mutant_fails_the_quick_profile(runs, name):
    """Exit code 1 with a failed check, and only checks of capabilities it touches fail."""
    mutant, run = MUTANTS[name], runs[name]
    assert run.returncode == 1 and run.failed, f"HOLE: the suite passes {name} ({mutant.description})\n{run.describe()}"
    blamed = {r["capability"] for r in run.failed}
    assert blamed <= mutant.touches, (f"{name} ({mutant.description}) failed checks of "
                                      f"{sorted(blamed - mutant.touches)}, which it does not touch "
                                      f"({sorted(mutant.touches)})\n{run.describe()}")
