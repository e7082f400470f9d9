"""A correct implementation in Nielsen's column layout ("Neural Networks and Deep
Learning", network.py): every sample is a column.

X is (n_in, N), z = w @ a + b with w (n_out, n_in) and b (n_out, 1); targets, outputs
and deltas are (n_out, N); softmax normalizes each column. SIGN = +1 (nabla = +dE/d.),
PRIME_OF = "z" (sigmoid_prime(z) = sigmoid(z) * (1 - sigmoid(z))). numpy only.
"""
import numpy as np

LAYOUT = "column"
SIGN = 1
PRIME_OF = "z"


# ------------------------------------------------------------------ activations


def identity(z):
    return np.copy(z)


def identity_prime(z):
    return np.ones(np.shape(z))


def sigmoid(z):
    # 1 / (1 + e^-z) = e^{-log(1 + e^-z)}: logaddexp never overflows
    return np.exp(-np.logaddexp(0, -np.asarray(z)))


def sigmoid_prime(z):
    return sigmoid(z) * (1 - sigmoid(z))


def tanh(z):
    return np.tanh(z)


def tanh_prime(z):
    return 1.0 / np.cosh(z) ** 2  # sech^2; cosh(800) = inf gives 0, as it should


def relu(z):
    z = np.asarray(z)
    return z * (z > 0)


def relu_prime(z):
    return (np.asarray(z) > 0).astype(float)


def leaky_relu(z):
    z = np.asarray(z)
    return np.where(z > 0, z, z * 0.01)


def leaky_relu_prime(z):
    return np.where(np.asarray(z) > 0, 1.0, 0.01)


def softplus(z):
    return np.logaddexp(0, z)


def softplus_prime(z):
    return sigmoid(z)


def rbf(z):
    return np.exp(-np.asarray(z) ** 2)


def rbf_prime(z):
    z = np.asarray(z)
    return -2.0 * z * np.exp(-z ** 2)


def softmax(z):
    """Column-wise: each column (one sample's logits) sums to 1."""
    shifted = np.exp(z - np.max(z, axis=0, keepdims=True))
    return shifted / shifted.sum(axis=0, keepdims=True)


# ------------------------------------------------------------------ costs


def _samples(a):
    return a.shape[1] if np.ndim(a) == 2 else 1


def half_sse(a, y):
    return 0.5 * float(np.linalg.norm(np.ravel(a - y)) ** 2)


def half_sse_prime(a, y):
    return a - y


def sse(a, y):
    return float(np.sum(np.square(a - y)))


def sse_prime(a, y):
    return 2.0 * (a - y)


def mse(a, y):
    return float(np.sum(np.square(a - y))) / np.size(a)


def mse_prime(a, y):
    return 2.0 * (a - y) / np.size(a)


def bce(a, y):
    return float(np.sum(-y * np.log(a) - (1 - y) * np.log(1 - a))) / np.size(a)


def bce_prime(a, y):
    return ((1 - y) / (1 - a) - y / a) / np.size(a)


def cross_entropy(a, y):
    return float(-np.sum(y * np.log(a))) / _samples(a)


def cross_entropy_prime(a, y):
    return -(y / a) / _samples(a)


def cost_derivative(cost, a, y):
    return globals()[cost + "_prime"](a, y)


def activation_fn(name):
    return globals()[name]


def activation_prime_fn(name):
    return globals()[name + "_prime"]


# ------------------------------------------------------------------ deltas


def output_delta(a, y, z, activation, cost):
    nabla_a = cost_derivative(cost, a, y)
    if activation == "softmax":  # J^T g = a * (g - sum_k a_k g_k), per column
        return a * (nabla_a - np.sum(a * nabla_a, axis=0, keepdims=True))
    return nabla_a * activation_prime_fn(activation)(z)


def hidden_delta(delta_next, w_next, z, a, activation):
    return np.dot(w_next.transpose(), delta_next) * activation_prime_fn(activation)(z)


# ------------------------------------------------------------------ the network


def feedforward_all(params, x, activations):
    zs, acts = [], [x]
    for (w, b), name in zip(params, activations):
        z = np.dot(w, acts[-1]) + (0 if b is None else b)
        zs.append(z)
        acts.append(activation_fn(name)(z))
    return zs, acts


def forward(params, X, activations):
    return feedforward_all(params, X, activations)[1][-1]


def backprop(params, x, y, activations, cost):
    """Nielsen's backprop on a whole mini-batch of columns."""
    zs, acts = feedforward_all(params, x, activations)
    nabla = [None] * len(params)
    delta = output_delta(acts[-1], y, zs[-1], activations[-1], cost)
    for l in range(1, len(params) + 1):
        w, b = params[-l]
        nabla[-l] = (np.dot(delta, acts[-l - 1].transpose()),
                     None if b is None else delta.sum(axis=1, keepdims=True))
        if l < len(params):
            delta = hidden_delta(delta, w, zs[-l - 1], acts[-l - 1], activations[-l - 1])
    return nabla


def gradients(params, X, T, activations, loss):
    return backprop(params, X, T, activations, loss)


def train_step(params, X, T, lr, activations, loss):
    nabla = backprop(params, X, T, activations, loss)
    return [(w - lr * nw, None if b is None else b - lr * nb) for (w, b), (nw, nb) in zip(params, nabla)]


def train(X, T, hidden, activations, loss, lr, epochs, seed):
    rng = np.random.default_rng(seed)
    sizes = [np.shape(X)[0], *hidden, np.shape(T)[0]]
    params = [(rng.standard_normal((n_out, n_in)) / np.sqrt(n_in), rng.standard_normal((n_out, 1)))
              for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    for _ in range(epochs):
        params = train_step(params, X, T, lr, activations, loss)
    return params
