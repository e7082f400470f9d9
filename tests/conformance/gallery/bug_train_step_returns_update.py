"""train_step returns the update lr * dE/dtheta instead of the new parameters
theta - lr * dE/dtheta.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gallery_base import extend  # noqa: E402

extend(globals(), "correct_row")

EXPECTED_DIAGNOSIS = "returned_update"
CHECKS = [
    "conformance/checks/test_network.py::test_train_step",
]


def train_step(params, X, T, lr, activations, loss):
    grads = gradients(params, X, T, activations, loss)
    return [(lr * dW, None if b is None else lr * db) for (W, b), (dW, db) in zip(params, grads)]  # the slip
