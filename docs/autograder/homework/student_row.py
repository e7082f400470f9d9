"""A correct homework, row layout: X is (N, n_in), W is (n_in, n_out), b is (n_out,)."""
import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-np.clip(z, -500, 500)))


def sigmoid_prime(z):
    s = sigmoid(z)
    return s * (1.0 - s)


def half_sse_prime(y, t):
    return y - t


def gradients(params, X, T, activations, loss):
    (W1, b1), (W2, b2) = params
    Z1 = X @ W1 + b1
    A1 = sigmoid(Z1)
    Z2 = A1 @ W2 + b2
    Y = sigmoid(Z2)
    delta2 = (Y - T) * Y * (1 - Y)                 # dE/dZ2 = (y - t) * sigma'(Z2)
    delta1 = (delta2 @ W2.T) * A1 * (1 - A1)       # dE/dZ1 = (delta2 W2^T) * sigma'(Z1)
    return [(X.T @ delta1, delta1.sum(axis=0)), (A1.T @ delta2, delta2.sum(axis=0))]
