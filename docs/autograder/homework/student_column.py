"""A correct homework, column layout: X is (n_in, N), W is (n_out, n_in), b is (n_out, 1)."""
import numpy as np

LAYOUT = "column"


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1 / (1 + np.exp(-z[pos]))
    out[~pos] = np.exp(z[~pos]) / (1 + np.exp(z[~pos]))
    return out


def sigmoid_prime(z):
    return sigmoid(z) * (1 - sigmoid(z))


def half_sse_prime(y, t):
    return y - t


def gradients(params, X, T, activations, loss):
    (W1, b1), (W2, b2) = params
    Z1 = W1 @ X + b1
    A1 = sigmoid(Z1)
    Z2 = W2 @ A1 + b2
    Y = sigmoid(Z2)
    delta2 = (Y - T) * Y * (1 - Y)
    delta1 = (W2.T @ delta2) * A1 * (1 - A1)
    return [(delta1 @ X.T, delta1.sum(axis=1, keepdims=True)), (delta2 @ A1.T, delta2.sum(axis=1, keepdims=True))]
