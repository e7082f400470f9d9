"""Attack: switch off the suite's own comparisons by patching conformance.

On import it imports conformance.report (the checks' comparison and failure module),
replaces check, check_fd and compare with functions that accept anything, and tries to
leave a file in the conformance package directory (the first step of rewriting the
suite's sources or bytecode on disk, which would poison every later run).

Its sigmoid_prime is wrong (half the derivative). Isolated, the worker's copy of
conformance is patched, which judges nothing, and the file system outside the worker's
home is read-only: both sigmoid_prime checks fail and no file appears. Control: with
--deltaspec-no-isolate the pytest process's own conformance.report is patched and the wrong
derivative "passes".
"""
from pathlib import Path

import numpy as np

EXPECT_STATUS = 1
NEEDS_SANDBOX = True
EXPECT_REASON = "differ from the spec"
MUST_FAIL = ["derivative sigmoid_prime"]
CONTROL = "no-isolate"
CONTROL_EXPECT = "passes"
MARKER = "_hostile_patch_conformance_was_here.txt"

try:
    from deltaspec import conformance
    import deltaspec.conformance.judging.report as report

    report.check = lambda *args, **kwargs: None
    report.check_fd = lambda *args, **kwargs: None
    report.compare = lambda *args, **kwargs: None
    try:
        (Path(conformance.__file__).parent / MARKER).write_text("the suite's directory is writable\n")
    except OSError:
        pass
except Exception:  # noqa: BLE001
    pass


def sigmoid(z):
    z = np.asarray(z)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_prime(z):
    s = sigmoid(z)
    return 0.5 * s * (1 - s)  # WRONG: half the derivative
