"""The forward pass forgets the bias: z = w @ a (column-layout base; the backward pass runs on
the same biasless forward).
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gallery_base import extend  # noqa: E402

extend(globals(), "correct_column")

EXPECTED_DIAGNOSIS = "no_bias"
CHECKS = ["conformance/checks/test_network.py"]


def feedforward_all(params, x, activations):
    zs, acts = [], [x]
    for (w, b), name in zip(params, activations):
        z = np.dot(w, acts[-1])  # the slip: + b is missing
        zs.append(z)
        acts.append(activation_fn(name)(z))
    return zs, acts
