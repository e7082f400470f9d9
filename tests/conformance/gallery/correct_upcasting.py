"""A correct implementation that computes in float64 whatever it is given.

The habit of much numpy code: every function starts with ``x = np.asarray(x, dtype=float)``,
so float32 (or integer) input comes back as float64. That is correct (the suite judges
a float64 result at float64 tolerances; only an assignment with dtype = "preserve"
would refuse it). The activations and their derivatives live in a table of
(function, derivative) pairs, looked up by name, the way many blog posts wire them.
Row layout, +dE/d. (SIGN = +1), derivatives of z (PRIME_OF = "z"). numpy only.
"""
import numpy as np

LAYOUT = "row"
SIGN = 1
PRIME_OF = "z"


def _f(x):
    """float64, always (a float32, int or list input is upcast)."""
    return np.asarray(x, dtype=float)


# ------------------------------------------------------------------ activations


def identity(z):
    return _f(z).copy()


def identity_prime(z):
    return np.ones_like(_f(z))


def sigmoid(z):
    z = _f(z)
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1.0 + ez)
    return out


def sigmoid_prime(z):
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z):
    return np.tanh(_f(z))


def tanh_prime(z):
    return 1.0 / np.cosh(_f(z)) ** 2


def relu(z):
    z = _f(z)
    return np.maximum(z, 0.0)


def relu_prime(z):
    return (_f(z) > 0).astype(float)


def leaky_relu(z, alpha=0.01):
    z = _f(z)
    return np.where(z > 0, z, alpha * z)


def leaky_relu_prime(z, alpha=0.01):
    return np.where(_f(z) > 0, 1.0, alpha)


def softplus(z):
    z = _f(z)
    return np.logaddexp(0.0, z)


def softplus_prime(z):
    return sigmoid(z)


def rbf(z):
    z = _f(z)
    return np.exp(-z ** 2)


def rbf_prime(z):
    z = _f(z)
    return -2.0 * z * np.exp(-z ** 2)


def softmax(z):
    z = _f(z)
    z = z - z.max(axis=-1, keepdims=True)
    ez = np.exp(z)
    return ez / ez.sum(axis=-1, keepdims=True)


ACTIVATIONS = {
    "identity": (identity, identity_prime),
    "sigmoid": (sigmoid, sigmoid_prime),
    "tanh": (tanh, tanh_prime),
    "relu": (relu, relu_prime),
    "leaky_relu": (leaky_relu, leaky_relu_prime),
    "softplus": (softplus, softplus_prime),
    "rbf": (rbf, rbf_prime),
    "softmax": (softmax, None),
}


# ------------------------------------------------------------------ losses
# y and t are (N, K); each loss follows its textbook reduction.


def half_sse(y, t):
    y, t = _f(y), _f(t)
    return 0.5 * np.sum((y - t) ** 2)


def half_sse_prime(y, t):
    return _f(y) - _f(t)


def sse(y, t):
    y, t = _f(y), _f(t)
    return np.sum((y - t) ** 2)


def sse_prime(y, t):
    return 2.0 * (_f(y) - _f(t))


def mse(y, t):
    y, t = _f(y), _f(t)
    return np.mean((y - t) ** 2)


def mse_prime(y, t):
    y, t = _f(y), _f(t)
    return 2.0 * (y - t) / y.size


def bce(y, t):
    y, t = _f(y), _f(t)
    return -np.mean(t * np.log(y) + (1.0 - t) * np.log(1.0 - y))


def bce_prime(y, t):
    y, t = _f(y), _f(t)
    return (y - t) / (y * (1.0 - y)) / y.size


def _batch(y):
    return y.shape[0] if y.ndim == 2 else 1


def cross_entropy(y, t):
    y, t = _f(y), _f(t)
    return -np.sum(t * np.log(y)) / _batch(y)


def cross_entropy_prime(y, t):
    y, t = _f(y), _f(t)
    return -t / y / _batch(y)


LOSSES = {
    "half_sse": (half_sse, half_sse_prime),
    "sse": (sse, sse_prime),
    "mse": (mse, mse_prime),
    "bce": (bce, bce_prime),
    "cross_entropy": (cross_entropy, cross_entropy_prime),
}


# ------------------------------------------------------------------ deltas


def output_delta(y, t, z, activation, loss):
    y, t, z = _f(y), _f(t), _f(z)
    if activation == "softmax" and loss == "cross_entropy":
        return (y * t.sum(axis=-1, keepdims=True) - t) / _batch(y)
    if activation == "sigmoid" and loss == "bce":
        return (y - t) / y.size
    dE_dy = LOSSES[loss][1](y, t)
    if activation == "softmax":
        return y * (dE_dy - np.sum(dE_dy * y, axis=-1, keepdims=True))
    return dE_dy * ACTIVATIONS[activation][1](z)


def hidden_delta(delta_next, W_next, z, a, activation):
    delta_next, W_next = _f(delta_next), _f(W_next)
    return np.dot(delta_next, W_next.T) * ACTIVATIONS[activation][1](z)


# ------------------------------------------------------------------ network


def _feedforward(params, X, activations):
    a = _f(X)
    zs, acts = [], [a]
    for (W, b), name in zip(params, activations):
        z = np.dot(a, _f(W))
        if b is not None:
            z = z + _f(b)
        a = ACTIVATIONS[name][0](z)
        zs.append(z)
        acts.append(a)
    return zs, acts


def forward(params, X, activations):
    return _feedforward(params, X, activations)[1][-1]


def gradients(params, X, T, activations, loss):
    zs, acts = _feedforward(params, X, activations)
    delta = output_delta(acts[-1], T, zs[-1], activations[-1], loss)
    grads = []
    for layer in range(len(params) - 1, -1, -1):
        W, b = params[layer]
        dW = np.dot(acts[layer].T, delta)
        db = None if b is None else delta.sum(axis=0)
        grads.append((dW, db))
        if layer > 0:
            delta = hidden_delta(delta, W, zs[layer - 1], acts[layer], activations[layer - 1])
    return grads[::-1]


def train_step(params, X, T, lr, activations, loss):
    new = []
    for (W, b), (dW, db) in zip(params, gradients(params, X, T, activations, loss)):
        new.append((_f(W) - lr * dW, None if b is None else _f(b) - lr * db))
    return new


def train(X, T, hidden, activations, loss, lr, epochs, seed):
    X, T = _f(X), _f(T)
    rng = np.random.RandomState(seed)
    sizes = [X.shape[1]] + list(hidden) + [T.shape[1]]
    params = [(rng.randn(m, n) / np.sqrt(m), np.zeros(n)) for m, n in zip(sizes[:-1], sizes[1:])]
    for epoch in range(epochs):
        params = train_step(params, X, T, lr, activations, loss)
    return params
