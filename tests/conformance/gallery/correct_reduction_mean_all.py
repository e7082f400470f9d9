"""A correct implementation where every loss is the mean over all elements, as in code
that writes each loss as ``np.mean`` of its element-wise form (PyTorch's default
reduction='mean' does the same for MSELoss and BCELoss).

So REDUCTION = "mean_all": E' = c(1, 1) / (N K) * sum l. half_sse is 0.5 * mean((y - t)^2),
sse is mean((y - t)^2) (the same as mse), cross_entropy is mean(-t * log(y)) over every
element (K times smaller than the spec's mean over samples); mse and bce are the spec's
own. Every derivative divides by y.size accordingly, and so do the deltas, the gradients
and train_step's step.

The activation derivatives take the activation's output, as in Andrew Ng's course
(g'(z) = a * (1 - a) for the sigmoid): PRIME_OF = "a". rbf's derivative cannot be
written in terms of its output, so rbf_prime refuses and the network uses z for rbf.
Row layout, SIGN = +1. numpy only.
"""
import numpy as np

LAYOUT = "row"
SIGN = 1
PRIME_OF = "a"
REDUCTION = "mean_all"


# ------------------------------------------------------------------ activations; *_prime(a)


def identity(z):
    return np.array(z, dtype=float)


def identity_prime(a):
    return np.ones_like(a, dtype=float)


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    return np.where(z >= 0, 1 / (1 + np.exp(-np.abs(z))), np.exp(-np.abs(z)) / (1 + np.exp(-np.abs(z))))


def sigmoid_prime(a):
    return a * (1 - a)


def tanh(z):
    return np.tanh(z)


def tanh_prime(a):
    return 1 - a ** 2


def relu(z):
    return np.maximum(0, np.asarray(z, dtype=float))


def relu_prime(a):
    return (np.asarray(a) > 0) * 1.0


def leaky_relu(z):
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, z, 0.01 * z)


def leaky_relu_prime(a):
    return np.where(np.asarray(a) > 0, 1.0, 0.01)


def softplus(z):
    z = np.asarray(z, dtype=float)
    return np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))


def softplus_prime(a):
    return -np.expm1(-np.asarray(a, dtype=float))  # sigmoid(z) = 1 - exp(-softplus(z))


def rbf(z):
    return np.exp(-np.square(z))


def rbf_prime(a):
    raise ValueError("rbf's derivative is not a function of its output a = exp(-z^2)")


def softmax(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def g(name, z):
    return globals()[name](z)


def g_prime(name, z, a):
    """g'(z), from the output a wherever that is possible."""
    if name == "rbf":
        return -2 * z * a
    return globals()[name + "_prime"](a)


# ------------------------------------------------------------------ losses: np.mean of each


def half_sse(y, t):
    return 0.5 * np.mean((y - t) ** 2)


def half_sse_prime(y, t):
    return (y - t) / y.size


def sse(y, t):
    return np.mean((y - t) ** 2)


def sse_prime(y, t):
    return 2 * (y - t) / y.size


def mse(y, t):
    return np.mean((y - t) ** 2)


def mse_prime(y, t):
    return 2 * (y - t) / y.size


def bce(y, t):
    return np.mean(-t * np.log(y) - (1 - t) * np.log(1 - y))


def bce_prime(y, t):
    return (-t / y + (1 - t) / (1 - y)) / y.size


def cross_entropy(y, t):
    return np.mean(-t * np.log(y))


def cross_entropy_prime(y, t):
    return -t / y / y.size


# ------------------------------------------------------------------ deltas


def output_delta(y, t, z, activation, loss):
    m = y.size
    if activation == "softmax" and loss == "cross_entropy":
        return (y * t.sum(axis=1, keepdims=True) - t) / m
    if activation == "sigmoid" and loss == "bce":
        return (y - t) / m
    dy = globals()[loss + "_prime"](y, t)
    if activation == "softmax":
        return y * (dy - (y * dy).sum(axis=1, keepdims=True))
    return dy * g_prime(activation, z, y)


def hidden_delta(delta_next, W_next, z, a, activation):
    return (delta_next @ W_next.T) * g_prime(activation, z, a)


# ------------------------------------------------------------------ forward and backward


def forward_propagation(params, X, activations):
    cache = {"A0": X}
    A = X
    for l, ((W, b), name) in enumerate(zip(params, activations), start=1):
        Z = A @ W if b is None else A @ W + b
        A = g(name, Z)
        cache[f"Z{l}"], cache[f"A{l}"] = Z, A
    return A, cache


def forward(params, X, activations):
    return forward_propagation(params, X, activations)[0]


def gradients(params, X, T, activations, loss):
    L = len(params)
    AL, cache = forward_propagation(params, X, activations)
    dZ = output_delta(AL, T, cache[f"Z{L}"], activations[-1], loss)
    grads = [None] * L
    for l in range(L, 0, -1):
        W, b = params[l - 1]
        grads[l - 1] = (cache[f"A{l - 1}"].T @ dZ, None if b is None else dZ.sum(axis=0))
        if l > 1:
            dZ = hidden_delta(dZ, W, cache[f"Z{l - 1}"], cache[f"A{l - 1}"], activations[l - 2])
    return grads


def train_step(params, X, T, lr, activations, loss):
    grads = gradients(params, X, T, activations, loss)
    return [(W - lr * dW, None if b is None else b - lr * db) for (W, b), (dW, db) in zip(params, grads)]


def train(X, T, hidden, activations, loss, lr, epochs, seed):
    np.random.seed(seed)
    dims = [X.shape[1]] + list(hidden) + [T.shape[1]]
    params = [(np.random.randn(dims[l], dims[l + 1]) * np.sqrt(1.0 / dims[l]), np.zeros(dims[l + 1]))
              for l in range(len(dims) - 1)]
    for _ in range(epochs):
        params = train_step(params, X, T, lr, activations, loss)
    return params
