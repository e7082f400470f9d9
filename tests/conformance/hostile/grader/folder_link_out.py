"""Attack: a folder whose ``submission.py`` is a link to a private solution.

The submission is a folder holding only ``submission.py``, a symbolic link to this file
in a root-only folder of mode 0700. The folder itself lies inside the submissions
folder, so a check of the entries alone lets it through; the file chosen inside it
leads out.

Defeated: a folder's file is read from within that folder, never through a link that
leads out of it: refused with the reason.
"""
import numpy as np

KIND = "batch"
PLANT = "folder-link-out"
EXPECT_STATUS = "refused"
EXPECT_REASON = "submission.py is a link that leads out of its folder folder_link_out"


def sigmoid(z):
    e = np.exp(-np.abs(z))               # exp of a non-positive number: no overflow
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_prime(z):
    s = sigmoid(z)
    return s * (1 - s)


def mse(y, t):
    return np.mean((y - t) ** 2)


def mse_prime(y, t):
    return 2 * (y - t) / np.size(y)


def output_delta(y, t, z, activation, loss):
    assert activation == "sigmoid" and loss == "mse"
    return mse_prime(y, t) * sigmoid_prime(z)


def hidden_delta(delta_next, W_next, z, a, activation):
    assert activation == "sigmoid"
    return (delta_next @ W_next.T) * sigmoid_prime(z)


def forward(params, X, activations):
    a = X
    for (W, b), act in zip(params, activations):
        assert act == "sigmoid"
        a = sigmoid(a @ W + (0 if b is None else b))
    return a
