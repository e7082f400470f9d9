"""Attack: a submission file only root may read.

``root_only.py`` lies in the submissions folder with mode 0600, owned by root: no
student could have read it (a hard link to a private solution looks the same). A grader
running as root reads it anyway.

Defeated: submissions are read as the user nobody (a helper process reopens the file
through /proc/self/fd after dropping root): the kernel refuses, and the row says that
the file cannot be read by an unprivileged user, with its mode and owner.
"""
import numpy as np

KIND = "batch"
PLANT = "root-only"
NEEDS_ROOT = True
EXPECT_STATUS = "refused"
EXPECT_REASON = "root_only.py cannot be read by an unprivileged user (mode 0600, owner root)"


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
