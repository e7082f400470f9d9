"""train_step adds the gradient: w + lr * nabla_w (gradient ascent), in a SIGN = +1 module.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gallery_base import extend  # noqa: E402

extend(globals(), "correct_column")

EXPECTED_DIAGNOSIS = "ascent"
CHECKS = ["conformance/checks/test_network.py"]


def train_step(params, X, T, lr, activations, loss):
    nabla = backprop(params, X, T, activations, loss)
    return [(w + lr * nw, None if b is None else b + lr * nb)  # the slip: + instead of -
            for (w, b), (nw, nb) in zip(params, nabla)]
