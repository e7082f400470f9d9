"""What the deltaspec pytest plugin adds to the start-up of an unrelated project.

    python benchmarks/bench_plugin_startup.py [--runs 21]

A throwaway project with one hypothesis test is collected (``pytest --co -q``) with the
plugin loaded (the default once deltaspec is installed) and with ``-p no:deltaspec``,
alternating the two so that a busy machine slows both alike. Prints the medians, their
difference (the plugin's cost; target at most 20 ms), the import time of the plugin
module alone, and the machine.
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
from pathlib import Path

TARGET_MS = 20.0
TEST = '''from hypothesis import given, strategies as st


@given(st.integers())
def test_property(x):
    assert isinstance(x, int)
'''


def _machine() -> str:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
            f"load average {load:.2f}")


def _time(cmd: list[str], cwd: Path) -> float:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_ADDOPTS", "DELTASPEC_IMPL")}
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def _import_ms(runs: int) -> float:
    code = ("import time, importlib.metadata, pytest; t = time.perf_counter(); import deltaspec.conformance.plugin; "
            "print(time.perf_counter() - t)")
    out = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
           for _ in range(runs)]
    return 1000 * statistics.median(out)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp)
        (project / "test_unrelated.py").write_text(TEST)
        base = [sys.executable, "-m", "pytest", "--co", "-q", "-p", "no:cacheprovider"]
        with_plugin, without = [], []
        _time(base, project)  # warm the file cache
        for _ in range(args.runs):
            with_plugin.append(_time(base, project))
            without.append(_time(base + ["-p", "no:deltaspec"], project))
    on, off = statistics.median(with_plugin), statistics.median(without)
    added = 1000 * (on - off)
    print(f"machine: {_machine()}")
    print(f"pytest --co on an unrelated project, medians of {args.runs} alternating runs:")
    print(f"  with the deltaspec plugin    {1000 * on:8.1f} ms")
    print(f"  with -p no:deltaspec         {1000 * off:8.1f} ms")
    print(f"  added by the plugin          {added:8.1f} ms   (target <= {TARGET_MS:g} ms: "
          f"{'met' if added <= TARGET_MS else 'NOT met'})")
    print(f"  import of the plugin module  {_import_ms(args.runs):8.1f} ms   (median; pytest and importlib.metadata already imported, as when pytest loads plugins)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
