"""output_delta for softmax with cross_entropy returns the textbook y - t, forgetting the
loss's 1/N.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gallery_base import extend  # noqa: E402

extend(globals(), "correct_row")

EXPECTED_DIAGNOSIS = "factor_n"
CHECKS = [
    "conformance/checks/test_deltas.py::test_output_delta",
]


def output_delta(y, t, z, activation, loss):
    if activation == "softmax":
        if loss == "cross_entropy":
            return y * np.sum(t, axis=-1, keepdims=True) - t  # the slip: / N is missing
        g = loss_derivative(loss, y, t)
        return y * (g - np.sum(y * g, axis=-1, keepdims=True))
    if activation == "sigmoid" and loss == "bce":
        return (y - t) / np.size(y)
    return loss_derivative(loss, y, t) * derivative(activation, z)
