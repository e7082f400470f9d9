"""The same digits under every BLAS kernel: the fixed-order products and the trainers.

``numpy.dot``'s last bits depend on the OpenBLAS kernel the CPU selects
(``OPENBLAS_CORETYPE`` forces one). The faithful trainers use
``reference.trainers.fixed_order`` instead, so each kernel must print the same text,
and that text must carry the published digits. The kernels run in subprocesses, all
at once; a kernel counts as different when its ``numpy.dot`` gives different bits on
the same random products, which the tests check first (without two such kernels,
as on a NumPy not built on OpenBLAS, the cross-kernel tests skip).
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import numpy as np
import pytest

from deltaspec.reference.trainers import fixed_order

from test_trainers import MACHINE_DEPENDENT, PUBLISHED_PART1, PUBLISHED_SWEEP, _matches

# AVX-512, AVX2 with FMA, and SSE kernels: on a CPU without AVX-512 OpenBLAS falls back
# from SkylakeX to Haswell, and Prescott still differs
KERNEL_NEEDS = {"SkylakeX": {"avx512f", "avx512bw"}, "Haswell": {"avx2", "fma"}, "Prescott": {"pni"}}  # pni: SSE3 in /proc/cpuinfo


def _cpu_flags() -> set[str]:
    try:
        with open("/proc/cpuinfo") as fh:
            return {f for line in fh if line.startswith("flags") for f in line.split(":", 1)[1].split()}
    except OSError:
        return set()


# a kernel forced on a CPU without its instructions would die of SIGILL: only those this CPU runs
CANDIDATE_KERNELS = tuple(k for k, needs in KERNEL_NEEDS.items() if needs <= _cpu_flags())

# Runs in each subprocess: fingerprints of numpy.dot and of the fixed-order products on
# the same random operands (the trainers' shapes), then each requested trainer's text.
CHILD = r"""
import hashlib, json, sys
import numpy as np
from deltaspec.reference.trainers import fixed_order, registry

SHAPES = [(4, 3, 4), (4, 4, 1), (4, 32, 1), (3, 4, 4), (1, 3, 1), (1, 2, 3), (3, 4, 32), (32, 4, 1), (4, 3, 1)]
rng = np.random.default_rng(0)
blas, fixed = hashlib.sha256(), hashlib.sha256()
for _ in range(100):
    for m, n, p in SHAPES:
        A, B = rng.normal(size=(m, n)), rng.normal(size=(n, p))
        blas.update(np.dot(A, B).tobytes())
        fixed.update(fixed_order.matmul(A, B).tobytes())
        if p == 1:
            fixed.update(fixed_order.matvec(A, B).tobytes())
try:
    from threadpoolctl import threadpool_info
    arch = sorted({i.get("architecture") for i in threadpool_info() if i.get("internal_api") == "openblas"})
except ImportError:  # not a dependency; the dot fingerprint is what counts
    arch = None
texts = [registry.get(name).run(**options).text for name, options in json.loads(sys.argv[1])]
print(json.dumps({"architecture": arch, "blas": blas.hexdigest(), "fixed": fixed.hexdigest(), "texts": texts}))
"""

FAST_RUNS = [
    ("relu-xor", {}),
    ("two-layer", {}),
    ("three-layer", {"epochs": 10001}),
    ("three-layer", {"alpha": 100, "epochs": 10001}),
    ("rbf", {}),
    ("class-xor", {"epochs": 1500}),
    ("per-sample-bias", {"epochs": 3}),
    ("per-sample-bias", {"epochs": 3, "faithful": True}),
]

# relu-xor calls no exp and sums at most three terms: its full text is the golden value
RELU_XOR_TEXT = (
    "Error: 1.1863874052952548\nError: 0.5876564712830461\nError: 0.18390945086563634\n"
    "Error: 0.017900663771987402\nError: 0.00041523244579628674\nError: 7.80560237027903e-06\n"
)
FLOAT = re.compile(r"-?\d+\.\d+(?:e-?\d+)?")


def _children(runs, env_by_label: dict[str, dict]) -> dict[str, dict]:
    """Run CHILD once per environment, concurrently; label -> its JSON report."""
    procs = {
        label: subprocess.Popen([sys.executable, "-c", CHILD, json.dumps(runs)], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for label, env in env_by_label.items()
    }
    reports = {}
    for label, proc in procs.items():
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, f"{label}: {err}"
        reports[label] = json.loads(out)
    return reports


def _kernel_env(kernel: str) -> dict:
    return dict(os.environ, OPENBLAS_CORETYPE=kernel)


def _distinct_kernels(reports: dict[str, dict]) -> dict[str, dict]:
    """One report per distinct numpy.dot fingerprint; skip unless there are two."""
    by_blas = {}
    for label, report in reports.items():
        by_blas.setdefault(report["blas"], (label, report))
    if len(by_blas) < 2:
        pytest.skip("OPENBLAS_CORETYPE selects no second kernel here (numpy.dot gives the same bits)")
    return dict(by_blas.values())


def _baseline_simd_env() -> dict:
    """NumPy's own SIMD dispatch switched off (libm's exp and log), the BLAS as it is."""
    core = getattr(np, "_core", None) or np.core
    targets = " ".join(getattr(core._multiarray_umath, "__cpu_dispatch__", []))
    return dict(os.environ, NPY_DISABLE_CPU_FEATURES=targets)


BASELINE = "numpy-baseline-simd"


@pytest.fixture(scope="module")
def all_reports():
    """FAST_RUNS under each candidate kernel and under NumPy's baseline SIMD, at once."""
    envs = {k: _kernel_env(k) for k in CANDIDATE_KERNELS}
    envs[BASELINE] = _baseline_simd_env()
    return _children(FAST_RUNS, envs)


@pytest.fixture(scope="module")
def fast_reports(all_reports):
    return {label: r for label, r in all_reports.items() if label != BASELINE}


# ------------------------------------------------------------------ the products, in process


def _left_to_right(A, B):
    """The definition, in Python floats (IEEE double, one rounding per operation)."""
    return np.array([[_sum([a * b for a, b in zip(row, col)]) for col in B.T] for row in A])


def _sum(terms):
    total = terms[0]
    for t in terms[1:]:
        total = total + t
    return total


def _four_sums(A, b):
    """(S_0 + S_2) + (S_1 + S_3) with S_r = the terms k = r mod 4 left to right; a
    missing S_r is left out (not added as 0.0)."""
    out = []
    for row in A:
        terms = [a * x for a, x in zip(row, b[:, 0])]
        S = [_sum(terms[r::4]) if terms[r::4] else None for r in range(4)]
        lanes = [S[r] if S[r + 2] is None else S[r] + S[r + 2] for r in (0, 1) if S[r] is not None]
        out.append([lanes[0] if len(lanes) == 1 else lanes[0] + lanes[1]])
    return np.array(out)


SHAPES = [(1, 1, 1), (4, 3, 4), (4, 4, 1), (3, 4, 4), (4, 32, 1), (32, 4, 1), (2, 5, 3), (4, 3, 1), (3, 7, 1), (1, 2, 3)]


@pytest.mark.parametrize("m,n,p", SHAPES)
def test_matmul_is_the_left_to_right_sum_bit_for_bit(m, n, p):
    rng = np.random.default_rng(n * 100 + p)
    for _ in range(20):
        A, B = rng.normal(size=(m, n)), rng.normal(size=(n, p))
        assert np.array_equal(fixed_order.matmul(A, B), _left_to_right(A, B))
        assert np.array_equal(fixed_order.matmul(A.T.copy().T, B), _left_to_right(A, B))  # F-ordered A


@pytest.mark.parametrize("m,n", [(m, n) for m, n, p in SHAPES if p == 1] + [(2, 2), (5, 9), (4, 8)])
def test_matvec_is_four_interleaved_sums_bit_for_bit(m, n):
    rng = np.random.default_rng(n)
    for _ in range(20):
        A, b = rng.normal(size=(m, n)), rng.normal(size=(n, 1))
        assert np.array_equal(fixed_order.matvec(A, b), _four_sums(A, b))


def test_matvec_is_not_the_left_to_right_sum():
    """For n >= 3 the two orders are different sums (else Trask's digits could not tell them apart)."""
    rng = np.random.default_rng(7)
    A, b = rng.normal(size=(200, 32)), rng.normal(size=(32, 1))
    assert not np.array_equal(fixed_order.matvec(A, b), fixed_order.matmul(A, b))


@pytest.mark.parametrize("m,n,p", SHAPES)
def test_fixed_order_products_agree_with_numpy_dot_within_rounding(m, n, p):
    """|fixed - dot| <= 2 n spacing(sum |A_ik B_kj|): any two summation orders of n
    terms, fused or not, are each within n u sum|terms| of the exact value (u = 2^-53,
    and spacing(s) > u s), so this bound is a theorem, a few ulps for n <= 4."""
    rng = np.random.default_rng(m + 10 * n + 100 * p)
    for _ in range(50):
        A, B = rng.normal(size=(m, n)), rng.normal(size=(n, p))
        bound = 2 * n * np.spacing(np.abs(A) @ np.abs(B))
        assert np.all(np.abs(fixed_order.matmul(A, B) - np.dot(A, B)) <= bound)
        if p == 1:
            assert np.all(np.abs(fixed_order.matvec(A, B) - np.dot(A, B)) <= bound)


def test_shapes_are_checked():
    with pytest.raises(ValueError):
        fixed_order.matmul(np.ones((2, 3)), np.ones((2, 3)))
    with pytest.raises(ValueError):
        fixed_order.matvec(np.ones((2, 3)), np.ones((3, 2)))


# ------------------------------------------------------------------ across BLAS kernels


def test_the_kernels_differ_but_the_fixed_order_products_do_not(fast_reports):
    kernels = _distinct_kernels(fast_reports)
    assert len({r["fixed"] for r in fast_reports.values()}) == 1, {k: r["architecture"] for k, r in kernels.items()}


def test_every_kernel_prints_the_same_text(fast_reports):
    _distinct_kernels(fast_reports)
    texts = {label: r["texts"] for label, r in fast_reports.items()}
    first = next(iter(texts.values()))
    for label, t in texts.items():
        for (name, options), mine, theirs in zip(FAST_RUNS, t, first):
            assert mine == theirs, (label, name, options)


def _published_lines_hold(texts):
    """The published digits in one kernel's FAST_RUNS texts."""
    relu, two, part1, alpha100, rbf = texts[:5]
    assert relu == RELU_XOR_TEXT
    assert ["%.8f" % float(v) for v in FLOAT.findall(two)] == ["0.00966449", "0.00786506", "0.99358898", "0.99211957"]
    assert _matches([float(v) for v in FLOAT.findall(part1)], PUBLISHED_PART1[:2])
    # alpha 100 is chaotic: at j = 10000 a left-to-right forward sum gives 0.125476983831
    assert _matches([float(v) for v in FLOAT.findall(alpha100)], PUBLISHED_SWEEP[4][100][:2])
    loss, wh, bo = (float(v) for v in FLOAT.findall(rbf))
    assert f"final loss is {loss:.2f} for weights wh={wh:.2f} and bo={bo:.2f}" == (
        "final loss is 0.52 for weights wh=1.12 and bo=-0.44"
    )


def test_every_kernel_prints_the_published_digits(fast_reports):
    kernels = _distinct_kernels(fast_reports)
    for report in kernels.values():
        _published_lines_hold(report["texts"])


def test_published_digits_do_not_depend_on_numpys_simd_exp(all_reports):
    """NumPy's float64 exp and log have SIMD versions (AVX-512 on x86-64) whose last
    bits differ from libm's; the trainers call the spec's ``numpy.exp`` sigmoid, so
    their *full* text can differ between such CPUs. The published digits must not."""
    report = all_reports[BASELINE]
    assert report["fixed"] == all_reports[CANDIDATE_KERNELS[0]]["fixed"]  # elementwise ops only
    _published_lines_hold(report["texts"])


@pytest.mark.slow
def test_every_kernel_prints_the_published_trask_numbers_in_full():
    """Part 1 and both Part 2 sweeps, 60000 iterations each, under two kernels."""
    runs = [("three-layer", {}), ("three-layer", {"hidden": 4}), ("three-layer", {"hidden": 32})]
    reports = _children(runs, {k: _kernel_env(k) for k in CANDIDATE_KERNELS[:2]})
    kernels = _distinct_kernels(reports)
    texts = [r["texts"] for r in kernels.values()]
    assert all(t == texts[0] for t in texts)
    part1, sweep4, sweep32 = texts[0]
    assert _matches([float(v) for v in FLOAT.findall(part1)], PUBLISHED_PART1)
    for hidden, text in ((4, sweep4), (32, sweep32)):
        blocks = text.split("Training With Alpha:")[1:]
        assert len(blocks) == len(PUBLISHED_SWEEP[hidden])
        for block, (alpha, published) in zip(blocks, PUBLISHED_SWEEP[hidden].items()):
            printed = [float(v) for v in re.findall(r"iterations:(\S+)", block)]
            digits = MACHINE_DEPENDENT.get((hidden, alpha))
            assert _matches(printed, published, digits), (hidden, alpha)
            if digits is not None:
                assert not _matches(printed, published), (hidden, alpha)
