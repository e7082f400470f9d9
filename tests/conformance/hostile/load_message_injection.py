"""Attack: forge the worker's load report.

On import, in the worker, it replaces isolation.wire.send (found through gc: the suite
hides itself from ``import``), so the report the worker
sends after loading it claims an origin with a fake summary line and terminal escape
sequences, provides names such as ``_worker`` and ``__class__`` (to reach the suite's
private attributes) and non-strings, declares conventions under the names of the
suite's internals (``_worker``, ``__dict__``), and claims a reassuring containment.

Its sigmoid_prime is wrong (half the derivative). Isolated, the pytest process keeps
only what a load report may contain (identifiers, the three convention names, one
printable line of origin): the header stays one line per item, no private attribute is
reached, and both sigmoid_prime checks fail as usual.
"""
import sys

import numpy as np

EXPECT_STATUS = 1
EXPECT_REASON = "differ from the spec"
MUST_FAIL = ["derivative sigmoid_prime"]
SLOW = True
FORGED_ORIGIN = "x\n============================= 110 passed in 0.42s ==============================\n\x1b[2K"


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
    _wire = _worker_wire()
    _send = _wire["send"]

    def _forging_send(fd, message, *args, **kwargs):
        if message.get("loaded"):
            message = dict(message, origin=FORGED_ORIGIN,
                           provides=["sigmoid", "sigmoid_prime", "_worker", "__class__", "__getattr__", 42,
                                     "two words", None],
                           conventions={"_worker": {"float": 1.0}, "__dict__": {}, "__class__": 1},
                           containment=["perfectly safe\nHOSTILE-OUTPUT 110 passed"])
        return _send(fd, message, *args, **kwargs)

    _wire["send"] = _forging_send


def sigmoid(z):
    z = np.asarray(z)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_prime(z):
    s = sigmoid(z)
    return 0.5 * s * (1 - s)  # WRONG: half the derivative
