"""hidden_delta uses delta_next @ W_next instead of delta_next @ W_next.T: it only runs
when W_next is square, and is wrong there.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gallery_base import extend  # noqa: E402

extend(globals(), "correct_row")

EXPECTED_DIAGNOSIS = "transposed"
CHECKS = [
    "conformance/checks/test_deltas.py::test_hidden_delta",
]


def hidden_delta(delta_next, W_next, z, a, activation):
    return derivative(activation, z) * (delta_next @ W_next)  # the slip: W_next, not W_next.T
