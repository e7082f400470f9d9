"""output_delta returns dE/dy: the factor g'(z) of the output activation is missing
(right only for identity outputs).
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gallery_base import extend  # noqa: E402

extend(globals(), "correct_row")

EXPECTED_DIAGNOSIS = "missing_gprime"
CHECKS = [
    "conformance/checks/test_deltas.py::test_output_delta",
]


def output_delta(y, t, z, activation, loss):
    if activation == "softmax":
        if loss == "cross_entropy":
            return (y * np.sum(t, axis=-1, keepdims=True) - t) / _n_samples(y)
        g = loss_derivative(loss, y, t)
        return y * (g - np.sum(y * g, axis=-1, keepdims=True))
    return loss_derivative(loss, y, t)  # the slip: * derivative(activation, z) is missing
