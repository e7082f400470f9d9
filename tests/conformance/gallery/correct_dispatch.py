"""A correct implementation written the dispatch-table way: every activation, derivative,
loss and loss derivative is a named function, and dicts keyed by catalog name
(ACTIVATIONS, PRIMES, LOSSES, LOSS_PRIMES) choose among them.

forward, gradients, output_delta and hidden_delta each do their own dispatch (gradients
runs its own forward pass and computes its deltas inline, as many hand-written
backpropagations do), so one wrong table entry or branch in one of them stays there:
tests/conformance/mutants.py generates such "one wrong branch" copies of this file.

Default conventions: row layout (X is (N, n_in), Z = A_prev @ W + b, W (n_in, n_out),
b (n_out,)), SIGN = +1, PRIME_OF = "z". numpy only: it plays a third-party module.
"""
import numpy as np

LAYOUT = "row"
SIGN = 1
PRIME_OF = "z"

LEAKY_SLOPE = 0.01


# ------------------------------------------------------------------ activations


def identity(z):
    return np.array(z, dtype=float, copy=True)


def sigmoid(z):
    return np.exp(-np.logaddexp(0.0, -np.asarray(z, dtype=float)))


def tanh(z):
    return np.tanh(z)


def relu(z):
    return np.maximum(z, 0.0)


def leaky_relu(z):
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, z, LEAKY_SLOPE * z)


def softplus(z):
    return np.logaddexp(0.0, z)


def rbf(z):
    return np.exp(-np.square(z))


def softmax(z):
    """Row-wise: each sample's logits, shifted by their maximum."""
    z = np.asarray(z, dtype=float)
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def identity_prime(z):
    return np.ones(np.shape(z))


def sigmoid_prime(z):
    e = np.exp(-np.abs(z))  # e / (1 + e)^2 stays exact where s * (1 - s) rounds to 0
    return e / (1.0 + e) ** 2


def tanh_prime(z):
    e = np.exp(-2.0 * np.abs(z))  # sech^2 = 4e / (1 + e)^2, exact where 1 - tanh^2 rounds to 0
    return 4.0 * e / (1.0 + e) ** 2


def relu_prime(z):
    return (np.asarray(z) > 0).astype(float)


def leaky_relu_prime(z):
    return np.where(np.asarray(z) > 0, 1.0, LEAKY_SLOPE)


def softplus_prime(z):
    return sigmoid(z)


def rbf_prime(z):
    z = np.asarray(z, dtype=float)
    return -2.0 * z * np.exp(-np.square(z))


ACTIVATIONS = {"identity": identity, "sigmoid": sigmoid, "tanh": tanh, "relu": relu,
               "leaky_relu": leaky_relu, "softplus": softplus, "rbf": rbf, "softmax": softmax}
PRIMES = {"identity": identity_prime, "sigmoid": sigmoid_prime, "tanh": tanh_prime, "relu": relu_prime,
          "leaky_relu": leaky_relu_prime, "softplus": softplus_prime, "rbf": rbf_prime}


# ------------------------------------------------------------------ losses


def _rows(y):
    """The number of samples: rows of a batch, 1 for a single vector."""
    return np.shape(y)[0] if np.ndim(y) == 2 else 1


def half_sse(y, t):
    return 0.5 * float(np.sum(np.square(y - t)))


def sse(y, t):
    return float(np.sum(np.square(y - t)))


def mse(y, t):
    return float(np.mean(np.square(y - t)))


def bce(y, t):
    return -float(np.mean(t * np.log(y) + (1 - t) * np.log1p(-y)))


def cross_entropy(y, t):
    return -float(np.sum(np.where(t != 0, t * np.log(y), 0.0))) / _rows(y)


def half_sse_prime(y, t):
    return y - t


def sse_prime(y, t):
    return 2.0 * (y - t)


def mse_prime(y, t):
    return 2.0 * (y - t) / np.size(y)


def bce_prime(y, t):
    return ((1 - t) / (1 - y) - t / y) / np.size(y)


def cross_entropy_prime(y, t):
    return -t / y / _rows(y)


LOSSES = {"half_sse": half_sse, "sse": sse, "mse": mse, "bce": bce, "cross_entropy": cross_entropy}
LOSS_PRIMES = {"half_sse": half_sse_prime, "sse": sse_prime, "mse": mse_prime, "bce": bce_prime,
               "cross_entropy": cross_entropy_prime}


# ------------------------------------------------------------------ deltas


def output_delta(y, t, z, activation, loss):
    """dE/dz_L, with the two fused cases that cancel the division by y."""
    if activation == "softmax" and loss == "cross_entropy":
        return (y * np.sum(t, axis=-1, keepdims=True) - t) / _rows(y)
    if activation == "sigmoid" and loss == "bce":
        return (y - t) / np.size(y)
    dy = LOSS_PRIMES[loss](y, t)
    if activation == "softmax":
        return y * (dy - np.sum(y * dy, axis=-1, keepdims=True))
    return dy * PRIMES[activation](z)


def hidden_delta(delta_next, W_next, z, a, activation):
    """dE/dz_l from layer l+1's delta."""
    return (delta_next @ W_next.T) * PRIMES[activation](z)


# ------------------------------------------------------------------ the network


def forward(params, X, activations):
    """The network's output."""
    a = X
    for (W, b), name in zip(params, activations):
        z = a @ W if b is None else a @ W + b
        a = ACTIVATIONS[name](z)
    return a


def gradients(params, X, T, activations, loss):
    """Backpropagation: its own forward pass keeping every layer, then the deltas."""
    Z, A = [], [X]
    for (W, b), name in zip(params, activations):
        z = A[-1] @ W if b is None else A[-1] @ W + b
        Z.append(z)
        A.append(ACTIVATIONS[name](z))
    y, act = A[-1], activations[-1]
    dy = LOSS_PRIMES[loss](y, T)
    if act == "softmax":
        delta = y * (dy - np.sum(y * dy, axis=-1, keepdims=True))
    else:
        delta = dy * PRIMES[act](Z[-1])
    grads = []
    for l in range(len(params) - 1, -1, -1):
        W, b = params[l]
        grads.append((A[l].T @ delta, None if b is None else delta.sum(axis=0)))
        if l > 0:
            delta = (delta @ W.T) * PRIMES[activations[l - 1]](Z[l - 1])
    return grads[::-1]


def train_step(params, X, T, lr, activations, loss):
    """One full-batch gradient-descent step; returns new parameters."""
    grads = gradients(params, X, T, activations, loss)
    return [(W - lr * dW, None if b is None else b - lr * db) for (W, b), (dW, db) in zip(params, grads)]


def train(X, T, hidden, activations, loss, lr, epochs, seed):
    """Glorot-uniform weights, zero biases, full-batch descent."""
    X, T = np.asarray(X, dtype=float), np.asarray(T, dtype=float)
    sizes = [X.shape[1], *hidden, T.shape[1]]
    rng = np.random.default_rng(seed)
    params = []
    for n_in, n_out in zip(sizes, sizes[1:]):
        limit = np.sqrt(6.0 / (n_in + n_out))
        params.append((rng.uniform(-limit, limit, (n_in, n_out)), np.zeros(n_out)))
    for _ in range(epochs):
        params = train_step(params, X, T, lr, activations, loss)
    return params
