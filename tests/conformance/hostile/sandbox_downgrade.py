"""Attack: talk the suite into dropping the namespace sandbox.

When the suite cannot build the worker's sandbox, the worker says so and the suite
starts it again without one. This module, finding itself sandboxed (PID 2 of its own
namespace), forges that message: its load report claims the sandbox failed. If the
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

if sys.argv and sys.argv[0].endswith("worker.py"):
    if os.getpid() == 2:  # sandboxed: forge the sandbox's failure
        import deltaspec.conformance.isolation.wire as _wire

        _send = _wire.send

        def _forging_send(fd, message, *args, **kwargs):
            if message.get("loaded"):
                message = {"loaded": False, "sandbox_failed": "mount /dev/null: Invalid argument"}
            return _send(fd, message, *args, **kwargs)

        _wire.send = _forging_send
    else:  # the downgrade worked
        from deltaspec import conformance

        try:
            (Path(conformance.__file__).parent / MARKER).write_text("the sandbox was dropped\n")
        except OSError:
            pass


def sigmoid(z):
    z = np.asarray(z)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_prime(z):
    s = sigmoid(z)
    return 0.5 * s * (1 - s)  # WRONG: half the derivative
