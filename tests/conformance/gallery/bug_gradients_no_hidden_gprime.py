"""The backward pass inside gradients forgets the slope of the hidden layers:
l1_error = l2_delta.dot(syn1.T) is used as l1_delta (its hidden_delta function is right,
but gradients does not call it). Tutorial base, SIGN = -1.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gallery_base import extend  # noqa: E402

extend(globals(), "correct_tutorial")

EXPECTED_DIAGNOSIS = "no_hidden_gprime"
CHECKS = ["conformance/checks/test_network.py"]


def gradients(params, X, T, activations, loss):
    zs, layers = forward_all(params, X, activations)
    l_delta = output_delta(layers[-1], T, zs[-1], activations[-1], loss)
    out = []
    for i in reversed(range(len(params))):
        syn, bias = params[i]
        out.insert(0, (layers[i].T.dot(l_delta), None if bias is None else l_delta.sum(axis=0)))
        if i:
            l_delta = l_delta.dot(syn.T)  # the slip: * slope(...) of layer i is missing
    return out
