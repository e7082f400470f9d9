"""Attack: a named pipe (FIFO) where a submission's results file goes.

The batch writes ``<json-dir>/json_node.json``; a FIFO is planted there first (a
device node, e.g. a copy of /dev/null or a shared device, is the same case). A grader
that replaces it clobbers the node; one that opens it for writing waits for a reader.

Defeated: results are written only to regular files (a device, a FIFO, a folder or a
link is refused, never replaced or followed): the node is left as it was, this row says
why its results could not be written, and the gradebook holds every row.
"""
import numpy as np

KIND = "batch"
PLANT = "json-fifo"
EXPECT_STATUS = "error"
EXPECT_REASON = "json_node.json' is not a regular file (a device, pipe or socket); name a regular file"


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
