"""A correct implementation in the suite's default conventions, written from scratch.

Row layout (X is (N, n_in), Z = A_prev @ W + b, W (n_in, n_out), b (n_out,)),
backward quantities are +dE/d(.) (SIGN = +1), and every <act>_prime takes the
pre-activation z (PRIME_OF = "z"). numpy only: it plays a third-party module.

Functions are looked up by name when called, so a gallery module that runs this
source (gallery_base.extend) and redefines one function gets its slip everywhere,
as an edit of this file would.
"""
import numpy as np

LAYOUT = "row"
SIGN = +1
PRIME_OF = "z"


# ------------------------------------------------------------------ activations


def identity(z):
    return np.array(z, copy=True)


def identity_prime(z):
    return np.ones_like(np.asarray(z, dtype=float))


def sigmoid(z):
    z = np.asarray(z)
    e = np.exp(-np.abs(z))  # never exp of a positive number
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_prime(z):
    s = sigmoid(z)
    return s * (1 - s)


def tanh(z):
    return np.tanh(z)


def tanh_prime(z):
    return 1 - np.tanh(z) ** 2


def relu(z):
    return np.maximum(z, 0)


def relu_prime(z):
    return np.where(np.asarray(z) > 0, 1.0, 0.0)


LEAKY_SLOPE = 0.01


def leaky_relu(z):
    z = np.asarray(z)
    return np.where(z > 0, z, LEAKY_SLOPE * z)


def leaky_relu_prime(z):
    return np.where(np.asarray(z) > 0, 1.0, LEAKY_SLOPE)


def softplus(z):
    z = np.asarray(z)
    return np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))


def softplus_prime(z):
    return sigmoid(z)


def rbf(z):
    return np.exp(-np.square(z))


def rbf_prime(z):
    return -2 * np.asarray(z) * np.exp(-np.square(z))


def softmax(z):
    z = np.asarray(z)
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def activate(name, z):
    """The activation called by name (looked up when called)."""
    return globals()[name](z)


def derivative(name, z):
    return globals()[f"{name}_prime"](z)


# ------------------------------------------------------------------ losses


def _n_samples(y):
    return y.shape[0] if np.ndim(y) == 2 else 1


def half_sse(y, t):
    return 0.5 * float(np.sum((y - t) ** 2))


def half_sse_prime(y, t):
    return y - t


def sse(y, t):
    return float(np.sum((y - t) ** 2))


def sse_prime(y, t):
    return 2 * (y - t)


def mse(y, t):
    return float(np.mean((y - t) ** 2))


def mse_prime(y, t):
    return 2 * (y - t) / np.size(y)


def bce(y, t):
    return -float(np.mean(t * np.log(y) + (1 - t) * np.log1p(-y)))


def bce_prime(y, t):
    return (-t / y + (1 - t) / (1 - y)) / np.size(y)


def cross_entropy(y, t):
    return -float(np.sum(np.where(t != 0, t * np.log(y), 0.0))) / _n_samples(y)


def cross_entropy_prime(y, t):
    return -t / y / _n_samples(y)


def loss_derivative(name, y, t):
    return globals()[f"{name}_prime"](y, t)


# ------------------------------------------------------------------ deltas


def output_delta(y, t, z, activation, loss):
    """dE/dz_L: dE/dy through the output activation (softmax: its full Jacobian)."""
    if activation == "softmax":
        if loss == "cross_entropy":
            return (y * np.sum(t, axis=-1, keepdims=True) - t) / _n_samples(y)
        g = loss_derivative(loss, y, t)
        return y * (g - np.sum(y * g, axis=-1, keepdims=True))
    if activation == "sigmoid" and loss == "bce":
        return (y - t) / np.size(y)
    return loss_derivative(loss, y, t) * derivative(activation, z)


def hidden_delta(delta_next, W_next, z, a, activation):
    return derivative(activation, z) * (delta_next @ W_next.T)


# ------------------------------------------------------------------ the network


def _pass(params, X, activations):
    """Pre-activations and outputs of every layer; A[0] is X."""
    A, Z = [X], []
    for (W, b), act in zip(params, activations):
        z = A[-1] @ W
        if b is not None:
            z = z + b
        Z.append(z)
        A.append(activate(act, z))
    return Z, A


def forward(params, X, activations):
    return _pass(params, X, activations)[1][-1]


def gradients(params, X, T, activations, loss):
    Z, A = _pass(params, X, activations)
    delta = output_delta(A[-1], T, Z[-1], activations[-1], loss)
    grads = [None] * len(params)
    for l in range(len(params) - 1, -1, -1):
        W, b = params[l]
        grads[l] = (A[l].T @ delta, None if b is None else np.sum(delta, axis=0))
        if l > 0:
            delta = hidden_delta(delta, W, Z[l - 1], A[l], activations[l - 1])
    return grads


def train_step(params, X, T, lr, activations, loss):
    grads = gradients(params, X, T, activations, loss)
    return [(W - lr * dW, None if b is None else b - lr * db) for (W, b), (dW, db) in zip(params, grads)]


def init(sizes, seed):
    """Xavier-normal weights, zero biases."""
    rng = np.random.default_rng(seed)
    return [(rng.normal(0.0, np.sqrt(2.0 / (n_in + n_out)), (n_in, n_out)), np.zeros(n_out))
            for n_in, n_out in zip(sizes, sizes[1:])]


def train(X, T, hidden, activations, loss, lr, epochs, seed):
    X, T = np.asarray(X, dtype=float), np.asarray(T, dtype=float)
    params = init([X.shape[1], *hidden, T.shape[1]], seed)
    for _ in range(epochs):
        params = train_step(params, X, T, lr, activations, loss)
    return params
