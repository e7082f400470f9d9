"""Column layout: nabla_b = delta.mean(axis=1): the bias gradient is not summed over the
batch's columns.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gallery_base import extend  # noqa: E402

extend(globals(), "correct_column")

EXPECTED_DIAGNOSIS = "bias_mean"
CHECKS = ["conformance/checks/test_network.py"]


def backprop(params, x, y, activations, cost):
    zs, acts = feedforward_all(params, x, activations)
    nabla = [None] * len(params)
    delta = output_delta(acts[-1], y, zs[-1], activations[-1], cost)
    for l in range(1, len(params) + 1):
        w, b = params[-l]
        nabla[-l] = (np.dot(delta, acts[-l - 1].transpose()),
                     None if b is None else delta.mean(axis=1, keepdims=True))  # the slip: mean
        if l < len(params):
            delta = hidden_delta(delta, w, zs[-l - 1], acts[-l - 1], activations[-l - 1])
    return nabla
