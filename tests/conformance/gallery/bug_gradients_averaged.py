"""gradients divides dW and db by the batch size N ("average the batch gradient"), although
dE/dz already carries the loss's own reduction: every gradient is N times too small.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gallery_base import extend  # noqa: E402

extend(globals(), "correct_row")

EXPECTED_DIAGNOSIS = "factor_1_over_n"
CHECKS = ["conformance/checks/test_network.py"]


def gradients(params, X, T, activations, loss):
    Z, A = _pass(params, X, activations)
    n = X.shape[0]
    delta = output_delta(A[-1], T, Z[-1], activations[-1], loss)
    grads = [None] * len(params)
    for l in range(len(params) - 1, -1, -1):
        W, b = params[l]
        # the slip: / n on top of the loss's reduction
        grads[l] = (A[l].T @ delta / n, None if b is None else np.sum(delta, axis=0) / n)
        if l > 0:
            delta = hidden_delta(delta, W, Z[l - 1], A[l], activations[l - 1])
    return grads
