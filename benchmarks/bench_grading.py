"""What grading costs: a call across the process boundary, isolation on a whole run, and
batch throughput. Printed with the machine it ran on and its load average.

a. One call across the process boundary: ``deltaspec.conformance.isolation.worker.Worker`` on
   ``deltaspec.reference.implementation``, ``sigmoid`` of a (16, 8) float64 array, timed call by call
   (median and 90th percentile, in microseconds), against the same call in this process.
b. The quick profile on the bundled reference (``python -m pytest conformance -q -p
   no:cacheprovider`` from the repo root, a fresh process each time, pytest start-up
   included), with the worker process (the default) and with ``--deltaspec-no-isolate``; the runs
   are interleaved (A B B A A B ...) so machine noise hits both alike. Target: isolated /
   in-process <= 1.30, as a ratio of the medians.
c. Batch throughput: ``python -m deltaspec.conformance grade DIR --out CSV --jobs 2`` on sample
   submissions, in submissions per minute: (i) the sample assignment of
   docs/autograder (sigmoid and MSE, 7 capabilities, --weights docs/autograder/weights.toml)
   on 8 submissions: 3 correct, 2 partial, 1 folder, 1 syntax error, 1 import error;
   (ii) the whole interface (31 capabilities, default weights) on ``--full`` submissions
   that re-export the reference.

    python benchmarks/bench_grading.py [--calls 2000] [--runs 3] [--jobs 2] [--full 4] [--parts abc]
"""
from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
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
sys.path.insert(0, str(ROOT))
SUITE = [sys.executable, "-m", "pytest", "conformance", "-q", "-p", "no:cacheprovider"]


def env() -> dict:
    e = dict(os.environ)
    e.setdefault("DELTASPEC_CACHE_DIR", str(Path(tempfile.gettempdir()) / "dscache"))
    e.pop("PYTEST_ADDOPTS", None)
    return e


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f}"


def machine() -> None:
    versions = []
    for dist in ("numpy", "sympy", "pytest", "hypothesis"):
        try:
            versions.append(f"{dist} {importlib.metadata.version(dist)}")
        except importlib.metadata.PackageNotFoundError:
            pass
    print(f"machine: {platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}, {', '.join(versions)}")
    print(f"at start: {load()}")


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


# ---------------------------------------------------------------- a. one call


def part_a(calls: int) -> None:
    import numpy as np

    import deltaspec.reference.implementation as local
    from deltaspec.conformance.isolation.worker import Worker

    print(f"\na. one call: sigmoid on a (16, 8) float64 array, {calls} calls each ({load()})")
    x = np.random.default_rng(0).standard_normal((16, 8))
    worker = Worker("deltaspec.reference.implementation")
    try:
        worker.start()
        for _ in range(50):
            worker.call("sigmoid", (x,))
            local.sigmoid(x)
        remote, here = [], []
        for _ in range(calls):
            t = time.perf_counter()
            worker.call("sigmoid", (x,))
            remote.append(time.perf_counter() - t)
            t = time.perf_counter()
            local.sigmoid(x)
            here.append(time.perf_counter() - t)
    finally:
        worker.close()
    r, h = statistics.median(remote) * 1e6, statistics.median(here) * 1e6
    print(f"   {'':24} {'median':>10} {'p90':>10}")
    print(f"   {'worker process':24} {r:>8.1f} us {pct(remote, 0.9) * 1e6:>8.1f} us")
    print(f"   {'in-process':24} {h:>8.1f} us {pct(here, 0.9) * 1e6:>8.1f} us")
    print(f"   cost of the process boundary: {r - h:.1f} us per call (median)")


# ---------------------------------------------------------------- b. isolation on a whole run


def part_b(runs: int) -> None:
    print(f"\nb. quick profile on the reference, {runs} interleaved runs each ({load()})")
    times = {"isolated": [], "in-process": []}
    commands = {"isolated": SUITE, "in-process": SUITE + ["--deltaspec-no-isolate"]}
    order = []
    for i in range(runs):
        order += ["isolated", "in-process"] if i % 2 == 0 else ["in-process", "isolated"]
    for which in order:
        t = time.perf_counter()
        proc = subprocess.run(commands[which], cwd=ROOT, env=env(), capture_output=True, text=True)
        elapsed = time.perf_counter() - t
        if proc.returncode != 0:
            print(f"   {which} run failed (exit {proc.returncode}): {proc.stdout[-300:]}")
        times[which].append(elapsed)
    for which, values in times.items():
        print(f"   {which:12} median {statistics.median(values):6.2f} s   runs "
              + " ".join(f"{v:.2f}" for v in values))
    ratio = statistics.median(times["isolated"]) / statistics.median(times["in-process"])
    print(f"   isolated / in-process: {ratio:.2f} (target <= 1.30: {'met' if ratio <= 1.30 else 'NOT met'})")
    print(f"   after: {load()}")


# ---------------------------------------------------------------- c. batch throughput


def _samples():
    spec = importlib.util.spec_from_file_location("deltaspec_autograder_samples",
                                                  ROOT / "docs" / "autograder" / "samples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _batch(directory: Path, jobs: int, *extra: str) -> tuple[float, int]:
    out = directory.parent / f"{directory.name}-out" / "gradebook.csv"
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "deltaspec.conformance", "grade", str(directory), "--out", str(out),
                           "--jobs", str(jobs), *extra], cwd=directory.parent, env=env(), capture_output=True,
                          text=True)
    elapsed = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"batch failed: {proc.stderr[-500:]}")
    return elapsed, len(out.read_text().splitlines()) - 1


def part_c(jobs: int, full: int) -> None:
    samples = _samples()
    print(f"\nc. batch grading, --jobs {jobs} ({load()})")
    with tempfile.TemporaryDirectory() as tmp:
        built = samples.build(Path(tmp) / "built")
        sample = Path(tmp) / "sample"
        sample.mkdir()
        for i in range(3):
            shutil.copy(built / "correct.py", sample / f"correct{i}.py")
        for i in range(2):
            shutil.copy(built / "partial.py", sample / f"partial{i}.py")
        shutil.copytree(built / "folder", sample / "folder")
        shutil.copy(built / "syntax_error.py", sample / "syntax_error.py")
        shutil.copy(built / "import_error.py", sample / "import_error.py")
        elapsed, n = _batch(sample, jobs, "--weights", str(ROOT / "docs" / "autograder" / "weights.toml"))
        print(f"   sample assignment (7 capabilities): {n} submissions in {elapsed:.1f} s = "
              f"{60 * n / elapsed:.1f} submissions per minute")
        if full:
            whole = Path(tmp) / "full"
            whole.mkdir()
            for i in range(full):
                (whole / f"student{i}.py").write_text("from deltaspec.reference.implementation import *  # noqa: F401,F403\n")
            elapsed, n = _batch(whole, jobs)
            print(f"   whole interface (31 capabilities): {n} submissions in {elapsed:.1f} s = "
                  f"{60 * n / elapsed:.1f} submissions per minute")
    print(f"   after: {load()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--full", type=int, default=4, help="whole-interface submissions in part c (0: skip)")
    parser.add_argument("--parts", default="abc")
    args = parser.parse_args()
    os.environ.setdefault("DELTASPEC_CACHE_DIR", env()["DELTASPEC_CACHE_DIR"])
    machine()
    if "a" in args.parts:
        part_a(args.calls)
    if "b" in args.parts:
        part_b(args.runs)
    if "c" in args.parts:
        part_c(args.jobs, args.full)


if __name__ == "__main__":
    main()
