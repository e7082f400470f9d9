"""The bias gradient is averaged over the batch (delta.mean(axis=0)) instead of summed.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gallery_base import extend  # noqa: E402

extend(globals(), "correct_row")

EXPECTED_DIAGNOSIS = "bias_mean"
CHECKS = [
    "conformance/checks/test_network.py::test_gradients_match_reference",
    "conformance/checks/test_network.py::test_train_step",
]


def gradients(params, X, T, activations, loss):
    Z, A = _pass(params, X, activations)
    delta = output_delta(A[-1], T, Z[-1], activations[-1], loss)
    grads = [None] * len(params)
    for l in range(len(params) - 1, -1, -1):
        W, b = params[l]
        grads[l] = (A[l].T @ delta, None if b is None else np.mean(delta, axis=0))  # the slip: mean
        if l > 0:
            delta = hidden_delta(delta, W, Z[l - 1], A[l], activations[l - 1])
    return grads
