"""Attack: talk the suite into dropping the namespace sandbox.

When the suite cannot build the worker's sandbox, the worker says so and the suite
starts it again without one. This module, finding itself sandboxed (PID 2 of its own
namespace), forges that message: its load report claims the sandbox failed (it cannot
import the worker's wire module, the suite hides itself, so it finds the module's
``send`` through gc and replaces it). If the
suite believed it, the second worker would run without namespaces, where (as root) the
module leaves a file in the suite's directory, the first step of rewriting the suite.

Isolated, the suite only believes a sandbox failure reported before any student code
has run (the worker's first message, sent by its own init); a forged one in the load
report is just a failed load: pytest stops with status 4, and no file appears.
"""
import os
import sys
from pathlib import Path

import numpy as np

EXPECT_STATUS = 4
NEEDS_SANDBOX = True
EXPECT_REASON = "could not be loaded"
MUST_FAIL = []
MARKER = "_hostile_sandbox_downgrade_was_here.txt"


def _worker_wire():
    """The worker's wire module's globals: the suite hides itself (``import deltaspec``
    fails), but the worker's own functions are still in memory, reachable through gc."""
    import gc

    for obj in gc.get_objects():
        if (callable(obj) and getattr(obj, "__name__", "") == "send"
                and getattr(obj, "__module__", "") == "deltaspec.conformance.isolation.wire"):
            return obj.__globals__
    raise ImportError("the worker's wire module is not in memory")


if sys.argv and sys.argv[0].endswith("worker.py"):
    if os.getpid() == 2:  # sandboxed: forge the sandbox's failure
        _wire = _worker_wire()
        _send = _wire["send"]

        def _forging_send(fd, message, *args, **kwargs):
            if message.get("loaded"):
                message = {"loaded": False, "sandbox_failed": "mount /dev/null: Invalid argument"}
            return _send(fd, message, *args, **kwargs)

        _wire["send"] = _forging_send
    else:  # the downgrade worked (the suite's package folder: this file's repository)
        try:
            (Path(__file__).resolve().parents[3] / "conformance" / MARKER).write_text("the sandbox was dropped\n")
        except OSError:
            pass


def sigmoid(z):
    z = np.asarray(z)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_prime(z):
    s = sigmoid(z)
    return 0.5 * s * (1 - s)  # WRONG: half the derivative
