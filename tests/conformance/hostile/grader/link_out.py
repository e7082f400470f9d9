"""Attack: hand in a link to a solution the grading machine keeps private.

The submissions folder holds ``link_out.py``, a symbolic link to this file kept in a
folder of mode 0700 that only root may enter (an instructor's solutions, say). Root can
follow it: a grader that does grades the solution, for full marks.

Defeated: the batch resolves the entry and refuses it, before reading anything behind
it, because it leads out of the submissions folder (``isolation/reader.py``); its row
scores 0 with the reason, and every other submission is graded.
"""
import numpy as np

KIND = "batch"
PLANT = "link-out"
EXPECT_STATUS = "refused"
EXPECT_REASON = "link_out.py is a link that leads out of the submissions folder"


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
