"""Attack: read the expected answer out of the caller's stack frames.

sigmoid_prime walks up the call stack (sys._getframe) looking for the checker: a frame
whose globals hold the spec's ``numeric`` module and whose locals hold the input ``z``
(or any local called ``expected``), and returns the spec's exact derivative computed
there. Only when no such frame exists does it fall back to its own (wrong: half) formula.

Isolated, the frames above it belong to the worker's request loop, which holds the
request and nothing else: both sigmoid_prime checks fail. Control: with --deltaspec-no-isolate the
adapter's frame is right above it, and the wrong derivative "passes".
"""
import sys

import numpy as np

EXPECT_STATUS = 1
EXPECT_REASON = "differ from the spec"
MUST_FAIL = ["derivative sigmoid_prime"]
CONTROL = "no-isolate"
CONTROL_EXPECT = "passes"


def sigmoid(z):
    z = np.asarray(z)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def _peek(arg):
    frame = sys._getframe(2)
    while frame is not None:
        local, glob = frame.f_locals, frame.f_globals
        if "expected" in local and np.shape(local["expected"]) == np.shape(arg):
            return local["expected"]
        numeric = glob.get("numeric")
        if numeric is not None and hasattr(numeric, "activation_prime") and "z" in local:
            return numeric.activation_prime("sigmoid")(np.asarray(arg))
        frame = frame.f_back
    return None


def sigmoid_prime(z):
    stolen = _peek(z)
    if stolen is not None:
        return stolen
    s = sigmoid(z)
    return 0.5 * s * (1 - s)  # WRONG: half the derivative
