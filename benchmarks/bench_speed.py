"""The speed targets of the conformance suite, each printed beside its target, with the
detection figures beside them (speed must never be bought with a weaker judgement).

    python benchmarks/bench_speed.py [--runs 3] [--parts qtgsd]

q. The quick profile on the bundled reference (the full interface), pytest start-up
   included: isolated (the default) and in-process (``--deltaspec-no-isolate``, the floor
   this benchmark measures itself: the same checks and calls without the process
   boundary); a numpy-only student module (docs/examples/student_trask.py), isolated.
t. The thorough profile on the reference, isolated, and its examples per combination
   against the quick profile's.
g. ``python -m deltaspec.conformance grade --jobs 2`` on full-interface submissions.
s. ``spec check``: one check through the API once SymPy is loaded, a ``--batch`` file of
   checks, and a single command-line call.
d. Detection: the reference with one element of dE/dW_1 scaled by (1 + r): caught or not.

Runs of one kind are interleaved with the others' repetitions, after one warm-up run each
(Python's bytecode cache on, as it is by default); the figures are medians.
The machine is printed first: on a shared machine compare the ratios, not the seconds.
"""
from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUITE = [sys.executable, "-m", "pytest", "conformance", "-q", "-p", "no:cacheprovider"]
STUDENT = ROOT / "docs" / "examples" / "student_trask.py"
FULL = ROOT / "tests" / "conformance" / "gallery" / "correct_row.py"
TARGETS = {"quick": 3.0, "floor_ratio": 1.5, "student": 2.0, "isolation": 1.2, "thorough": 60.0,
           "per_minute": 30.0, "check_api": 0.3, "check_cli": 1.2}
WRAPPER = '''"""The bundled reference with dE/dW_1[0, 0] of ``gradients`` scaled by (1 + R)."""
from deltaspec.reference.implementation import *  # noqa: F401,F403
from deltaspec.reference import implementation as _ref

R = {r!r}


def gradients(params, X, T, activations, loss):
    out = [tuple(pair) for pair in _ref.gradients(params, X, T, activations, loss)]
    dW = out[0][0].copy()
    dW.flat[0] *= 1 + R
    out[0] = (dW, out[0][1])
    return out
'''


def env() -> dict[str, str]:
    """This environment, without what would change the run: a chosen implementation,
    pytest options, and PYTHONDONTWRITEBYTECODE (some sandboxes set it; without Python's
    bytecode cache every run recompiles numpy's and the suite's modules, which no user's
    second run does). The worker still writes no bytecode: it sets that itself."""
    drop = ("DELTASPEC_IMPL", "PYTEST_ADDOPTS", "PYTHONDONTWRITEBYTECODE")
    return {k: v for k, v in os.environ.items() if k not in drop}


def timed(cmd: list[str], cwd: Path = ROOT) -> tuple[float, float, subprocess.CompletedProcess]:
    """(wall seconds, CPU seconds of the process tree, the result)."""
    before = os.times()
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env(), capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = os.times()
    return wall, (after.children_user - before.children_user) + (after.children_system - before.children_system), proc


def machine() -> str:
    import numpy

    load = os.getloadavg()[0]
    return (f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
            f"numpy {numpy.__version__}, load average {load:.2f} at the start")


def verdict(value: float, target: float, below: bool = True) -> str:
    ok = value <= target if below else value >= target
    return f"(target {'<=' if below else '>='} {target:g}: {'met' if ok else 'NOT met'})"


def quick(runs: int) -> None:
    kinds = {"isolated": SUITE, "in-process": SUITE + ["--deltaspec-no-isolate"],
             "student, isolated": SUITE + [f"--impl={STUDENT}"]}
    wall = {k: [] for k in kinds}
    cpu = {k: [] for k in kinds}
    warm = {kind: timed(cmd)[2] for kind, cmd in kinds.items()}  # the bytecode cache filled, as on any second run
    messages = [line for line in warm["isolated"].stdout.splitlines() if " messages" in line]
    for _ in range(runs):
        for kind, cmd in kinds.items():
            w, c, proc = timed(cmd)
            assert proc.returncode == 0, proc.stdout[-2000:]
            wall[kind].append(w)
            cpu[kind].append(c)
    med = {k: statistics.median(v) for k, v in wall.items()}
    paired = statistics.median(i / p for i, p in zip(wall["isolated"], wall["in-process"]))
    print(f"quick profile, medians of {runs} (wall; CPU of the process tree):")
    for kind in kinds:
        print(f"  {kind:20} {med[kind]:6.2f} s wall  {statistics.median(cpu[kind]):6.2f} s CPU")
    print(f"  isolated, full interface: {med['isolated']:.2f} s {verdict(med['isolated'], TARGETS['quick'])}")
    ratio = med["isolated"] / med["in-process"]
    print(f"  isolated / in-process floor: {ratio:.2f} {verdict(ratio, TARGETS['floor_ratio'])}; "
          f"as isolation overhead {verdict(ratio, TARGETS['isolation'])}")
    print(f"  the same, median of the {runs} ratios of runs made one after the other (steadier where the "
          f"machine's speed drifts): {paired:.2f}")
    print(f"  the full interface's isolated run: {''.join(messages[:1]).strip() or 'no message count'}")
    print(f"  numpy-only student module: {med['student, isolated']:.2f} s "
          f"{verdict(med['student, isolated'], TARGETS['student'])}")


def thorough() -> None:
    from deltaspec.conformance.config import PROFILES

    w, c, proc = timed(SUITE + ["--deltaspec-profile=thorough"])
    assert proc.returncode == 0, proc.stdout[-2000:]
    q, t = PROFILES["quick"], PROFILES["thorough"]
    print(f"thorough profile on the reference, isolated: {w:.1f} s wall, {c:.1f} s CPU {verdict(w, TARGETS['thorough'])}")
    print(f"  examples per combination: {t.examples} vs quick {q.examples} ({t.examples / q.examples:.0f}x); "
          f"finite-difference examples {t.fd_examples} vs {q.fd_examples} ({t.fd_examples / q.fd_examples:.0f}x)")


def grade(count: int = 12) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        subs = Path(tmp) / "subs"
        subs.mkdir()
        base = (FULL.parent / "gallery_base.py").read_text()
        for i in range(count):
            folder = subs / f"student{i:02d}"
            folder.mkdir()
            shutil.copy(FULL, folder / "submission.py")
            (folder / "gallery_base.py").write_text(base)
        cmd = [sys.executable, "-m", "deltaspec.conformance", "grade", str(subs), "--out", str(Path(tmp) / "g.csv"),
               "--jobs", "2"]
        w, _, proc = timed(cmd)
        assert proc.returncode == 0, proc.stderr[-2000:]
    per_minute = 60 * count / w
    print(f"grade --jobs 2, {count} full-interface submissions: {w:.1f} s, {per_minute:.1f} per minute "
          f"{verdict(per_minute, TARGETS['per_minute'], below=False)}")


CHECKS = [  # (rule, answer, parameters): right and wrong, scalar and matrix, as a problem set mixes them
    ("derivative", "1 - tanh(z)**2", {"activation": "tanh"}),
    ("derivative", "Heaviside(z)", {"activation": "relu"}),
    ("derivative", "z*(1-z)", {"activation": "sigmoid"}),
    ("derivative", "1 - tanh(z)", {"activation": "tanh"}),
    ("delta", "(y - t)*y*(1 - y)/(N*K)", {"loss": "bce", "activation": "sigmoid"}),
    ("loss_derivative", "2(y - t)/(N K)", {"loss": "mse"}),
    ("hidden_delta", "(delta @ W.T) * A*(1 - A)", {"activation": "sigmoid"}),
    ("hidden_delta", "(delta @ W) * g'(Z)", {}),
    ("layer_backward", "dZ = dA * g'(Z); dW = A_prev.T @ dZ; db = dZ.sum(axis=0); dA_prev = dZ @ W.T", {}),
]
_FLAGS = {"derivative": "--derivative", "delta": "--delta", "loss_derivative": "--loss-derivative",
          "hidden_delta": "--hidden-delta", "layer_backward": "--layer-backward"}


def _batch_line(rule, answer, params) -> str:
    flags = [f"--{k} {v}" for k, v in params.items()]
    return " ".join([f"{_FLAGS[rule]} \"{answer}\"", *flags])


def check() -> None:
    code = ("import time; from deltaspec.spec import check; "
            "check('derivative', 'sigmoid(z)*(1 - sigmoid(z))', activation='sigmoid'); "
            f"cases = {CHECKS!r}; t = time.perf_counter(); "
            "[check(r, a, **p) for r, a, p in cases]; print((time.perf_counter() - t) / len(cases))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env(), cwd=ROOT)
    per = float(proc.stdout.split()[-1]) if proc.returncode == 0 else float("nan")
    print(f"spec check through the API, SymPy loaded, {len(CHECKS)} mixed checks (5 right, 4 wrong with the slip "
          f"named): {per:.3f} s per check {verdict(per, TARGETS['check_api'])}")
    with tempfile.TemporaryDirectory() as tmp:
        sheet = Path(tmp) / "sheet.txt"
        lines = [_batch_line(*case) for case in CHECKS] * 4
        sheet.write_text("\n".join(lines) + "\n", encoding="utf-8")
        w, _, proc = timed([sys.executable, "-m", "deltaspec.spec", "check", "--batch", str(sheet)])
    per_line = w / len(lines)
    print(f"spec check --batch, {len(lines)} checks in one process, start-up included: {w:.2f} s, "
          f"{per_line:.3f} s per check {verdict(per_line, TARGETS['check_api'])}")
    w, _, proc = timed([sys.executable, "-m", "deltaspec.spec", "check", "--activation", "tanh",
                        "--derivative", "1 - tanh(z)**2"])
    print(f"spec check, one command-line call: {w:.2f} s {verdict(w, TARGETS['check_cli'])}")


def detection() -> None:
    cmd = [sys.executable, "-m", "pytest", "conformance/checks/test_network.py", "-q", "-p", "no:cacheprovider",
           "--deltaspec-no-isolate"]
    with tempfile.TemporaryDirectory() as tmp:
        rows = []
        for r in (1e-8, 1e-9, 1e-10):
            path = Path(tmp) / f"scaled_{r:g}.py"
            path.write_text(WRAPPER.format(r=r))
            proc = subprocess.run(cmd + [f"--impl={path}"], cwd=ROOT, env=env(), capture_output=True, text=True)
            rows.append(f"r = {r:g}: {'caught' if proc.returncode == 1 else 'passes'}")
    print("detection, one element of dE/dW_1 scaled by (1 + r): " + "; ".join(rows) + " (target: 1e-9 caught)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--parts", default="qtgsd")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    for part, run in (("q", lambda: quick(args.runs)), ("t", thorough), ("g", grade), ("s", check), ("d", detection)):
        if part in args.parts:
            run()
    print(f"machine at the end: load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
