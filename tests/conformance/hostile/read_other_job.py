"""Attack: hand in another student's work, read from disk.

Correct implementations of the same assignment lie on the grading machine: a
classmate's copy in another grading job's folder, and (here, standing in for them) the
correct submissions of the suite's own gallery and examples, in the repository the
grader runs from. On import it reads every candidate it can find (the repository found
from its own path; other jobs' copies under the temporary folder), executes each one's
source in a namespace of its own, and keeps the first ``sigmoid_prime`` that agrees with
a finite difference of that candidate's ``sigmoid``: with it, its checks pass.

Its own sigmoid_prime is wrong (half the derivative). Isolated, the worker sees only
its own folder, the Python installation and the system's libraries: the namespace
sandbox leaves the rest out of its root (file not found), Landlock refuses it without
the sandbox (permission denied). No candidate, so both sigmoid_prime checks fail.
Control: with --deltaspec-no-isolate every candidate is readable, and the stolen
derivative passes.
"""
import glob
import tempfile
from pathlib import Path

import numpy as np

EXPECT_STATUS = 1
EXPECT_REASON = "differ from the spec"
MUST_FAIL = ["derivative sigmoid_prime"]
CONTROL = "no-isolate"
CONTROL_EXPECT = "passes"
FALLBACK = True
NEEDS_SEPARATION = True

REPOSITORY = Path(__file__).resolve().parents[3]


def _candidates():
    """Other people's source files this process can read."""
    patterns = [REPOSITORY / "tests" / "conformance" / "gallery" / "correct_*.py",
                REPOSITORY / "docs" / "examples" / "*.py",
                Path(tempfile.gettempdir()) / "deltaspec-grade-*" / "submission" / "*.py",
                Path("/tmp") / "deltaspec-grade-*" / "submission" / "*.py"]
    for pattern in patterns:
        for path in sorted(glob.glob(str(pattern))):
            try:
                yield path, Path(path).read_text()
            except OSError:
                continue


def _derivative(source):
    """The candidate's sigmoid_prime if it is right (checked by finite differences)."""
    if "def sigmoid_prime" not in source or "os._exit" in source or "fork" in source:
        return None  # (never run another job's hostile code)
    namespace = {"__name__": "stolen"}
    try:
        exec(compile(source, "stolen", "exec"), namespace)
        if namespace.get("PRIME_OF", "z") != "z":
            return None
        sig, prime = namespace["sigmoid"], namespace["sigmoid_prime"]
        z = np.array([0.3, -1.2, 2.0])
        slope = (np.asarray(sig(z + 1e-6)) - np.asarray(sig(z - 1e-6))) / 2e-6
        return prime if np.allclose(np.asarray(prime(z)), slope, atol=1e-6) else None
    except Exception:  # noqa: BLE001 - a candidate that does not run is skipped
        return None


def _steal():
    for path, source in _candidates():
        found = _derivative(source)
        if found is not None:
            return found
    return None


_STOLEN = _steal()


def sigmoid(z):
    z = np.asarray(z)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_prime(z):
    if _STOLEN is not None:
        return _STOLEN(z)
    s = sigmoid(z)
    return 0.5 * s * (1 - s)  # WRONG: half the derivative
