"""What the conformance suite costs, what pinning BLAS buys, and the smallest error it catches.

Three parts, each printed as an aligned table, with the machine it ran on:

a. Wall time of the quick profile on the bundled reference, pytest start-up included
   (``python -m pytest conformance -q -p no:cacheprovider`` in a fresh subprocess, cwd the
   repo root; median of ``--runs``), the same with ``--deltaspec-no-isolate`` (the implementation in the
   pytest process instead of the sandboxed worker), the start-up + collection cost alone
   (``--collect-only``, with and without isolation) and the per-module split
   (``--durations=0 --durations-min=0``, summed per file).
b. Pinning BLAS to one thread: (i) a micro-benchmark of tiny matrix products like the
   suite's, in fresh interpreters with ``OPENBLAS_NUM_THREADS=1`` and with it unset; (ii) the
   quick-profile wall time with the plugin's pinning (default) and with
   ``DELTASPEC_PIN_BLAS=0``. Repetitions of (a) and (b.ii) are interleaved, so machine noise
   hits both alike; ratios are of medians measured in this one run.
c. The detection threshold: wrappers around ``deltaspec.reference.implementation`` whose ``gradients`` scale
   the single element dE/dW_1[0, 0] by (1 + r); which r ``conformance/checks/test_network.py``
   catches (exit code 1) and which pass, for the whole module and for the finite-difference
   check alone (``-k test_gradients_match_finite_differences``), plus the unmodified
   reference (must pass).

Timed subprocesses run one at a time and report wall time and CPU time (user + sys of the
whole process tree, the suite's sandboxed worker included, sampled from /proc): on a shared,
loaded machine the wall time includes waiting for a core, the CPU time does not. The
runs of (c) are not timings and go two at a time.

Every subprocess runs without OPENBLAS_NUM_THREADS / OMP_NUM_THREADS / MKL_NUM_THREADS from
this shell unless a measurement sets it, so "default threads" really is OpenBLAS' default.

    python benchmarks/bench_conformance.py [--runs 3] [--calls 100000] [--parts abc]
"""
from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUITE = [sys.executable, "-m", "pytest", "conformance", "-q", "-p", "no:cacheprovider"]
THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "GOTO_NUM_THREADS",
               "DELTASPEC_PIN_BLAS")
RS = (1e-4, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10, 1e-11)


# ----------------------------------------------------------------- helpers
def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in THREAD_VARS}
    env.setdefault("DELTASPEC_CACHE_DIR", str(Path(tempfile.gettempdir()) / "dscache"))
    env.update(extra)
    return env


CPU: list[float] = []  # CPU time of the last timed() process tree, for a load-robust figure
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _proc_stat(pid: int) -> tuple[int, int, int] | None:
    """(parent pid, user + system clock ticks, start time) of a process, from /proc."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            raw = fh.read()
    except OSError:
        return None
    fields = raw[raw.rindex(b")") + 2:].split()
    return int(fields[1]), int(fields[11]) + int(fields[12]), int(fields[19])


class TreeCPU:
    """CPU time of a process and all its descendants, sampled from /proc.

    getrusage(RUSAGE_CHILDREN) misses the suite's sandboxed worker: it is killed at the end
    of the session and never reaped up the tree. So every process of the tree is followed
    here: known ones every 50 ms, a scan of /proc for new ones every 250 ms (about 1 % of a
    core). A process that lived less than 250 ms can be missed; the root is read once more
    as a zombie, after it exited and before it is reaped, so its own figure is exact."""

    def __init__(self, root: int):
        self.root, self.ticks = root, {}
        self._stop = threading.Event()
        self._discover()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _discover(self) -> None:
        stats = {int(d): st for d in os.listdir("/proc") if d.isdigit() and (st := _proc_stat(int(d)))}
        children = defaultdict(list)
        for pid, (parent, _, _) in stats.items():
            children[parent].append(pid)
        stack, seen = [self.root], {self.root}
        while stack:
            for child in children.get(stack.pop(), ()):
                if child not in seen:
                    seen.add(child)
                    stack.append(child)
        for pid in seen & stats.keys():
            self.ticks[(pid, stats[pid][2])] = stats[pid][1]

    def _refresh(self) -> None:
        for pid, start in list(self.ticks):
            st = _proc_stat(pid)
            if st is not None and st[2] == start:
                self.ticks[(pid, start)] = st[1]

    def _run(self) -> None:
        beat = 0
        while not self._stop.wait(0.05):
            beat += 1
            self._discover() if beat % 5 == 0 else self._refresh()

    def finish(self) -> float:
        """Seconds of CPU; call after the root exited, before it is reaped."""
        self._stop.set()
        self._thread.join()
        self._refresh()
        return sum(self.ticks.values()) / CLOCK_TICKS


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess]:
    """Wall time of one fresh subprocess; the CPU time of its whole process tree goes to CPU[-1].

    On a loaded machine the wall time includes waiting for a core; the CPU time does not."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=err, text=True)
        tree = TreeCPU(proc.pid)
        os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOWAIT)  # exited, not yet reaped
        wall = time.perf_counter() - start
        CPU.append(tree.finish())
        proc.wait()
        out.seek(0)
        err.seek(0)
        return wall, subprocess.CompletedProcess(cmd, proc.returncode, out.read(), err.read())


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def table(headers: list[str], rows: list[list[str]], right: set[int] | None = None) -> None:
    right = set(range(1, len(headers))) if right is None else right
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows)]
    fmt = lambda row: "  ".join(str(c).rjust(w) if i in right else str(c).ljust(w)  # noqa: E731
                                for i, (c, w) in enumerate(zip(row, widths)))
    print(fmt(headers))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(fmt(row))


def machine() -> None:
    import numpy

    cfg = numpy.show_config(mode="dicts") if "mode" in numpy.show_config.__code__.co_varnames else {}
    blas = cfg.get("Build Dependencies", {}).get("blas", {})
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs ({platform.processor() or platform.machine()})")
    print(f"Python {platform.python_version()}, numpy {numpy.__version__} "
          f"(BLAS {blas.get('name', '?')} {blas.get('version', '')}), torch {version('torch')}, "
          f"pytest {version('pytest')}, hypothesis {version('hypothesis')}, "
          f"threadpoolctl {version('threadpoolctl')}")
    pin = subprocess.run([sys.executable, "-c", "from deltaspec.conformance.plugin import _pin_blas; print(_pin_blas())"],
                         cwd=ROOT, env=clean_env(), capture_output=True, text=True)
    print(f"the plugin pins BLAS via: {pin.stdout.strip() or pin.stderr.strip().splitlines()[-1]}")
    git = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "conformance", "reference", "spec"], cwd=ROOT,
                           capture_output=True, text=True).stdout.split("\n")
    dirty = [line[3:] for line in dirty if line.strip()]
    print(f"code: commit {git.stdout.strip() or '?'}; uncommitted changes (other engineers' work in progress) "
          f"in: {', '.join(dirty) or 'none'}")
    tol = subprocess.run([sys.executable, "-c", TOLERANCES], cwd=ROOT, env=clean_env(), capture_output=True,
                         text=True)
    print(f"tolerances in force: {tol.stdout.strip() or tol.stderr.strip()[-300:]}")
    print(f"load average (1/5/15 min) at start: {load()}")


TOLERANCES = ("import numpy as np; from deltaspec.conformance.gradcheck import default_tolerances as d; "
              "from deltaspec.conformance.judging import report as r; "
              "print(f'gradcheck float64 rtol {d(np.float64)[0]:g}, '"
              "f'report.check float64 (rtol, atol/scale) {r.TOLERANCES[np.dtype(np.float64)]}, '"
              "f'report.FD_RTOL {r.FD_RTOL:g}')")


# --------------------------------------------------------- a + b(ii): suite
DURATION = re.compile(r"^\s*([0-9.]+)s\s+(setup|call|teardown)\s+([^:\s]+)::")
SUMMARY = re.compile(r"in ([0-9.]+)s")


def suite_times(runs: int) -> None:
    print("\n== a. quick profile on the reference, and b(ii). with / without BLAS pinning ==")
    print(f"command: {' '.join(['python'] + SUITE[1:])}  (cwd {ROOT}, fresh subprocess, wall clock)")
    variants = {  # label: (extra arguments, extra environment)
        "quick profile, BLAS pinned (default)": ([], {}),
        "quick profile, DELTASPEC_PIN_BLAS=0": ([], {"DELTASPEC_PIN_BLAS": "0"}),
        "quick profile, --deltaspec-no-isolate": (["--deltaspec-no-isolate"], {}),
        "start-up + collection only (--collect-only)": (["--collect-only"], {}),
        "the same, --collect-only --deltaspec-no-isolate": (["--collect-only", "--deltaspec-no-isolate"], {}),
    }
    wall: dict[str, list[float]] = defaultdict(list)
    cpu: dict[str, list[float]] = defaultdict(list)
    inner, loads = [], []
    for i in range(runs):  # interleaved, the order reversed every other repetition
        for label in (list(variants) if i % 2 == 0 else list(variants)[::-1]):
            extra, env = variants[label]
            t, proc = timed(SUITE + extra, clean_env(**env))
            if proc.returncode != 0:
                print(f"!! {label}: exit {proc.returncode} on the reference:")
                print("\n".join(proc.stdout.splitlines()[-15:]))
            wall[label].append(t)
            cpu[label].append(CPU[-1])
            if label.endswith("(default)"):
                m = SUMMARY.findall(proc.stdout)
                inner.append(float(m[-1]) if m else float("nan"))
        loads.append(load())
    med = statistics.median
    print(f"load average after each repetition: {'; '.join(loads)}")

    def row(label, ts, cpus):
        return [label, f"{med(ts):.2f} s", f"{min(ts):.2f} s", f"{max(ts):.2f} s", " ".join(f"{t:.2f}" for t in ts),
                f"{med(cpus):.2f} s" if cpus else "-"]

    rows = [row(label, wall[label], cpu[label]) for label in variants]
    rows.append(row("pytest's own 'passed in' figure (default)", inner, []))
    table(["what (fresh subprocess)", "wall median", "min", "max", f"all {runs} runs (wall)",
           "CPU median (tree)"], rows, {1, 2, 3, 5})
    pinned, unpinned = "quick profile, BLAS pinned (default)", "quick profile, DELTASPEC_PIN_BLAS=0"
    verdict = "met" if med(wall[pinned]) <= 10.0 else "NOT met"
    print(f"target <= 10 s wall on 2 cores: {verdict} (median {med(wall[pinned]):.2f} s, best "
          f"{min(wall[pinned]):.2f} s; CPU time of the process tree {med(cpu[pinned]):.2f} s)")
    for a, b in ((unpinned, pinned), ("quick profile, --deltaspec-no-isolate", pinned)):
        print(f"ratio '{a}' / '{b}' (medians): wall {med(wall[a]) / med(wall[b]):.3f}, "
              f"CPU {med(cpu[a]) / med(cpu[b]):.3f}")
    worker = ROOT / "conformance" / "isolation" / "process.py"
    if worker.exists() and 'OPENBLAS_NUM_THREADS="1"' in worker.read_text():
        print("(DELTASPEC_PIN_BLAS acts on the pytest process only: the isolated worker that runs the "
              "implementation always gets OPENBLAS_NUM_THREADS=1 from conformance/isolation/process.py)")

    # per-module split, one extra pinned run with durations
    t, proc = timed(SUITE + ["--durations=0", "--durations-min=0"], clean_env())
    per_file: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    tests: dict[str, set[str]] = defaultdict(set)
    for line in proc.stdout.splitlines():
        m = DURATION.match(line)
        if m:
            secs, phase, path = float(m.group(1)), m.group(2), m.group(3)
            per_file[path][("setup", "call", "teardown").index(phase)] += secs
            tests[path].add(line.split()[-1])
    total = sum(sum(v) for v in per_file.values())
    print(f"\nper-module split (one more pinned run with --durations=0 --durations-min=0: "
          f"wall {t:.2f} s, load {load()})")
    rows = [[path, str(len(tests[path])), f"{v[1]:.2f} s", f"{v[0] + v[2]:.2f} s", f"{sum(v):.2f} s",
             f"{100 * sum(v) / t:.0f} %"]
            for path, v in sorted(per_file.items(), key=lambda kv: -sum(kv[1]))]
    rows.append(["sum of test durations", str(sum(len(s) for s in tests.values())), "", "", f"{total:.2f} s",
                 f"{100 * total / t:.0f} %"])
    rows.append(["rest: interpreter, imports, plugin, collection, reporting", "", "", "", f"{t - total:.2f} s",
                 f"{100 * (t - total) / t:.0f} %"])
    table(["module", "tests", "call", "setup+teardown", "total", "of wall"], rows)


# ------------------------------------------------------------ b(i): micro
MICRO = r"""
import ctypes, json, sys, time
from pathlib import Path
import numpy as np

def blas_threads():
    for lib in Path(np.__file__).resolve().parent.parent.glob("numpy.libs/*openblas*.so*"):
        h = ctypes.CDLL(str(lib))
        for s in ("scipy_openblas_get_num_threads64_", "openblas_get_num_threads64_", "openblas_get_num_threads"):
            if hasattr(h, s):
                return getattr(h, s)()
    return -1

n = int(sys.argv[1])
rng = np.random.default_rng(0)
shapes = [((16, 8), (8, 8)), ((4, 2), (2, 4)), ((8, 16), (16, 8))]
out = {"threads": blas_threads()}
for sa, sb in shapes:
    A, B = rng.standard_normal(sa), rng.standard_normal(sb)
    for _ in range(2000):
        A @ B
    t, c = time.perf_counter(), time.process_time()
    for _ in range(n):
        A @ B
    out[f"{sa}@{sb}"] = ((time.perf_counter() - t) / n, (time.process_time() - c) / n)
print(json.dumps(out))
"""


def micro(runs: int, calls: int) -> None:
    print("\n== b(i). tiny matrix products, OPENBLAS_NUM_THREADS=1 vs unset (fresh interpreters) ==")
    res: dict[str, list[dict]] = {"1": [], "unset": []}
    for i in range(runs):
        for key in (("1", "unset") if i % 2 == 0 else ("unset", "1")):
            env = clean_env(OPENBLAS_NUM_THREADS="1") if key == "1" else clean_env()
            proc = subprocess.run([sys.executable, "-c", MICRO, str(calls)], cwd=ROOT, env=env,
                                  capture_output=True, text=True, check=True)
            res[key].append(json.loads(proc.stdout))
    print(f"{calls} calls per shape, median of {runs} interleaved runs; load average now {load()}")
    print(f"OpenBLAS threads reported: unset -> {res['unset'][0]['threads']}, "
          f"OPENBLAS_NUM_THREADS=1 -> {res['1'][0]['threads']}")
    rows = []
    for shape in [k for k in res["1"][0] if k != "threads"]:
        one, dflt = ([statistics.median(r[shape][i] for r in res[key]) for i in (0, 1)] for key in ("1", "unset"))
        rows.append([shape.replace(", ", ","), f"{one[0] * 1e6:.3f} us", f"{dflt[0] * 1e6:.3f} us",
                     f"{dflt[0] / one[0]:.2f}", f"{one[1] * 1e6:.3f} us", f"{dflt[1] * 1e6:.3f} us",
                     f"{dflt[1] / one[1]:.2f}"])
    table(["product", "wall, 1 thread", "default threads", "default / 1", "CPU, 1 thread", "default threads",
           "default / 1"], rows)


# ------------------------------------------------------- c: detection threshold
WRAPPER = '''"""deltaspec.reference.implementation, with dE/dW_1[0, 0] of ``gradients`` scaled by (1 + R)."""
import numpy as _np
import deltaspec.reference.implementation as _ref

for _n in dir(_ref):
    if not _n.startswith("_"):
        globals()[_n] = getattr(_ref, _n)

R = {r!r}


def gradients(params, X, T, activations, loss):
    out = [tuple(pair) for pair in _ref.gradients(params, X, T, activations, loss)]
    dW, db = out[0]
    dW = _np.array(dW, dtype=_np.float64, copy=True)
    dW[0, 0] *= 1.0 + R
    out[0] = (dW, db)
    return out
'''
FAILED = re.compile(r"^FAILED \S+::(\w+)")


def threshold() -> None:
    print("\n== c. detection threshold: dE/dW_1[0, 0] of gradients scaled by (1 + r) ==")
    module = [sys.executable, "-m", "pytest", "conformance/checks/test_network.py", "-q", "-p", "no:cacheprovider"]
    fd_only = ["-k", "test_gradients_match_finite_differences"]
    rows = []
    caught_all: dict[float, bool] = {}
    caught_fd: dict[float, bool] = {}
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        cases = [("deltaspec.reference.implementation (unmodified)", None)] + [("wrapper r = 0", 0.0)] + \
                [(f"wrapper r = {r:.0e}", r) for r in RS]
        jobs = []
        for k, (label, r) in enumerate(cases):
            if r is None:
                impl = "deltaspec.reference.implementation"
            else:
                path = Path(tmp) / f"wrapped_{k}.py"
                path.write_text(WRAPPER.format(r=r))
                impl = str(path)
            jobs += [module + [f"--impl={impl}"], module + fd_only + [f"--impl={impl}"]]

        def run(cmd):
            return subprocess.run(cmd, cwd=ROOT, env=clean_env(), capture_output=True, text=True)

        # not a timing: two pytest runs at a time to keep the script short
        with ThreadPoolExecutor(max_workers=2) as pool:
            procs = list(pool.map(run, jobs))

    def verdict(proc):
        return {0: "passes", 1: "CAUGHT"}.get(proc.returncode, f"error (exit {proc.returncode})")

    for (label, r), p_all, p_fd in zip(cases, procs[0::2], procs[1::2]):
        which = sorted({m.group(1) for line in p_all.stdout.splitlines() if (m := FAILED.match(line))})
        short = ", ".join(w.replace("test_gradients_match_", "").replace("test_", "") for w in which)
        rows.append([label, verdict(p_all), short or "-", verdict(p_fd)])
        if r:
            caught_all[r], caught_fd[r] = p_all.returncode == 1, p_fd.returncode == 1
        elif p_all.returncode or p_fd.returncode:
            print(f"!! {label} did not pass:\n{p_all.stdout[-2000:]}\n{p_fd.stdout[-2000:]}")
    table(["implementation", "test_network.py", "failing checks", "FD check only (-k)"], rows, set())
    print(f"({len(jobs)} pytest runs, two at a time, {time.perf_counter() - start:.0f} s wall)")
    print(f"load average now {load()}")

    def smallest(caught: dict[float, bool]) -> str:
        """Smallest r such that it and every larger r tried are caught."""
        best = None
        for r in sorted(caught, reverse=True):
            if not caught[r]:
                break
            best = r
        return "none of the r tried" if best is None else f"{best:.0e}"

    print(f"smallest r caught (and every larger r caught), whole module:  {smallest(caught_all)}"
          f"  (target <= 1e-8: {'met' if caught_all.get(1e-8) else 'NOT met'})")
    print(f"smallest r caught (and every larger r caught), FD check only: {smallest(caught_fd)}"
          f"  (target <= 1e-8: {'met' if caught_fd.get(1e-8) else 'NOT met'})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="interleaved repetitions of each timing")
    parser.add_argument("--calls", type=int, default=100_000, help="calls per shape in the micro-benchmark")
    parser.add_argument("--parts", default="abc", help="which parts to run: any of a (with b(ii)), b, c")
    args = parser.parse_args()
    start = time.perf_counter()
    machine()
    if "a" in args.parts:
        suite_times(args.runs)
    if "b" in args.parts:
        micro(args.runs, args.calls)
    if "c" in args.parts:
        threshold()
    print(f"\nload average (1/5/15 min) at the end: {load()}; this script took "
          f"{time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
