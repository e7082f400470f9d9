"""Trask-style train_step that updates syn1 first and then backpropagates the error through
the already-updated syn1 (l1_error = l2_delta.dot(syn1.T) after syn1 += ...).
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gallery_base import extend  # noqa: E402

extend(globals(), "correct_tutorial")

EXPECTED_DIAGNOSIS = "updated_weights"
CHECKS = [
    "conformance/checks/test_network.py::test_train_step",
]


def train_step(params, X, T, lr, activations, loss):
    zs, layers = forward_all(params, X, activations)
    params = [(syn.copy(), None if bias is None else bias.copy()) for syn, bias in params]
    l_delta = output_delta(layers[-1], T, zs[-1], activations[-1], loss)
    for i in reversed(range(len(params))):
        syn, bias = params[i]
        syn += lr * layers[i].T.dot(l_delta)
        if bias is not None:
            bias += lr * l_delta.sum(axis=0)
        if i:  # the slip: syn is already updated here
            l_delta = hidden_delta(l_delta, syn, zs[i - 1], layers[i], activations[i - 1])
    return params
