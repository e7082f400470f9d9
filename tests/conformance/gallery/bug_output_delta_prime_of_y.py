"""output_delta evaluates g' at the output y instead of the pre-activation z (its primes
take z): dE/dy * g'(y).
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gallery_base import extend  # noqa: E402

extend(globals(), "correct_row")

EXPECTED_DIAGNOSIS = "gprime_of_output"
CHECKS = [
    "conformance/checks/test_deltas.py::test_output_delta",
]


def output_delta(y, t, z, activation, loss):
    if activation == "softmax":
        if loss == "cross_entropy":
            return (y * np.sum(t, axis=-1, keepdims=True) - t) / _n_samples(y)
        g = loss_derivative(loss, y, t)
        return y * (g - np.sum(y * g, axis=-1, keepdims=True))
    return loss_derivative(loss, y, t) * derivative(activation, y)  # the slip: y for z
