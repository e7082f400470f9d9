"""Nielsen's per-sample backprop ported to a whole batch of columns, keeping
nabla_b = delta: the bias gradient is not summed over the batch (it has one column per
sample, shape (n_out, N) instead of (n_out, 1)). Column-layout base."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gallery_base import extend  # noqa: E402

extend(globals(), "correct_column")

EXPECTED_DIAGNOSIS = "bias_not_summed"
CHECKS = ["conformance/checks/test_network.py"]


def backprop(params, x, y, activations, cost):
    zs, acts = feedforward_all(params, x, activations)
    nabla = [None] * len(params)
    delta = output_delta(acts[-1], y, zs[-1], activations[-1], cost)
    for l in range(1, len(params) + 1):
        w, b = params[-l]
        nabla[-l] = (np.dot(delta, acts[-l - 1].transpose()), None if b is None else delta)  # the slip: not summed
        if l < len(params):
            delta = hidden_delta(delta, w, zs[-l - 1], acts[-l - 1], activations[-l - 1])
    return nabla
