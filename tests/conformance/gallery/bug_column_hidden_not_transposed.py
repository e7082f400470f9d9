"""Column layout: hidden_delta uses w_next @ delta_next instead of w_next.T @ delta_next
(square layers only run, and are wrong).
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gallery_base import extend  # noqa: E402

extend(globals(), "correct_column")

EXPECTED_DIAGNOSIS = "transposed"
CHECKS = [
    "conformance/checks/test_deltas.py::test_hidden_delta",
]


def hidden_delta(delta_next, w_next, z, a, activation):
    return np.dot(w_next, delta_next) * activation_prime_fn(activation)(z)  # the slip: no .T
