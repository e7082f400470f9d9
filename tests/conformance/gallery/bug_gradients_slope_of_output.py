"""gradients passes the layer's output A where hidden_delta expects the pre-activation Z,
so g' (which takes z) is evaluated at the output.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gallery_base import extend  # noqa: E402

extend(globals(), "correct_row")

EXPECTED_DIAGNOSIS = "gprime_of_output"
CHECKS = ["conformance/checks/test_network.py"]


def gradients(params, X, T, activations, loss):
    Z, A = _pass(params, X, activations)
    delta = output_delta(A[-1], T, Z[-1], activations[-1], loss)
    grads = [None] * len(params)
    for l in range(len(params) - 1, -1, -1):
        W, b = params[l]
        grads[l] = (A[l].T @ delta, None if b is None else np.sum(delta, axis=0))
        if l > 0:
            delta = hidden_delta(delta, W, A[l], A[l], activations[l - 1])  # the slip: A[l] for Z[l-1]
    return grads
