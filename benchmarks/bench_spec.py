"""Time `import spec` plus building every numeric function, cold (no cache) and warm.

Each measurement is a fresh interpreter, so imports are really paid. Cold runs point
DELTASPEC_CACHE_DIR at an empty folder; warm runs reuse a filled one. Prints the median
of several runs and the machine it ran on.

    python benchmarks/bench_spec.py [--runs 5]
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

CODE = "import deltaspec.spec.numeric as n; m = n.compiled(); [getattr(m, k) for k in dir(m)]"


def one_run(cache_dir: str) -> float:
    env = dict(os.environ, DELTASPEC_CACHE_DIR=cache_dir)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", CODE], env=env, check=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    import numpy
    import sympy

    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"numpy {numpy.__version__}, sympy {sympy.__version__}")
    baseline = statistics.median(
        _python_only() for _ in range(args.runs))
    cold, warm = [], []
    with tempfile.TemporaryDirectory() as warm_dir:
        one_run(warm_dir)  # fill the cache
        for _ in range(args.runs):  # interleaved, so machine noise hits both alike
            with tempfile.TemporaryDirectory() as empty:
                cold.append(one_run(empty))
            warm.append(one_run(warm_dir))
    print(f"bare interpreter + numpy import: {baseline:.3f} s (median of {args.runs})")
    print(f"cold (no cache, SymPy derives everything): {statistics.median(cold):.3f} s")
    print(f"warm (cache hit, SymPy not imported):      {statistics.median(warm):.3f} s")
    print(f"cold / warm ratio: {statistics.median(cold) / statistics.median(warm):.1f}x")


def _python_only() -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import numpy"], check=True)
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
