"""Attack: a named pipe (FIFO) in the place of a submission file.

``fifo_named_py.py`` in the submissions folder is a FIFO: this text is never in it. A
grader that opens it waits for a writer forever, and the batch never ends (a device
node in its place would be read without end).

Defeated: the entry is opened without waiting (O_PATH as root, O_NONBLOCK otherwise)
and refused as not a regular file; the batch goes on.
"""
import numpy as np

KIND = "batch"
PLANT = "fifo"
EXPECT_STATUS = "refused"
EXPECT_REASON = "fifo_named_py.py is not a regular file"


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
