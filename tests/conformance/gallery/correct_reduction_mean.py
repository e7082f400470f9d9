"""A correct implementation in the style of Nielsen's network2.py: every cost is a
per-sample cost, averaged over the mini-batch.

A cost class gives fn(a, y), the cost of ONE sample (a column): QuadraticCost is
1/2 ||a - y||^2, the squared-error costs and the cross-entropies sum over the sample's
outputs. The batch cost is the mean over samples (total_cost += fn(a, y) / len(data)),
and backprop runs sample by sample, summing nabla_b and nabla_w and dividing by the
mini-batch size at the end, as update_mini_batch does.

That is the reduction REDUCTION = "mean": E' = (1/N) sum over samples of c(1, 1) sum_k l,
so half_sse is the mean of 1/2 ||y - t||^2; sse and mse (for one sample and one output
the mean is the sum) the mean of ||y - t||^2; bce the mean over samples of the binary
cross-entropy summed over the outputs; cross_entropy the spec's own. Every loss, derivative, delta,
gradient and step below is in this reduction.

Column layout (samples are columns, w is (n_out, n_in), b is (n_out, 1)), SIGN = +1,
PRIME_OF = "z". numpy only.
"""
import numpy as np

LAYOUT = "column"
SIGN = 1
PRIME_OF = "z"
REDUCTION = "mean"


# ------------------------------------------------------------------ activations


def identity(z):
    return np.array(z, dtype=float)


def identity_prime(z):
    return np.ones(np.shape(z))


def sigmoid(z):
    return np.exp(-np.logaddexp(0.0, -np.asarray(z, dtype=float)))


def sigmoid_prime(z):
    return sigmoid(z) * sigmoid(-np.asarray(z))


def tanh(z):
    return np.tanh(z)


def tanh_prime(z):
    return 1.0 / np.cosh(z) ** 2


def relu(z):
    z = np.asarray(z, dtype=float)
    return z * (z > 0)


def relu_prime(z):
    return (np.asarray(z) > 0).astype(float)


def leaky_relu(z):
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, z, 0.01 * z)


def leaky_relu_prime(z):
    return np.where(np.asarray(z) > 0, 1.0, 0.01)


def softplus(z):
    return np.logaddexp(0.0, z)


def softplus_prime(z):
    return sigmoid(z)


def rbf(z):
    return np.exp(-np.square(z))


def rbf_prime(z):
    return -2.0 * np.asarray(z) * np.exp(-np.square(z))


def softmax(z):
    """Each column (one sample's logits) normalized."""
    e = np.exp(z - np.max(z, axis=0, keepdims=True))
    return e / np.sum(e, axis=0, keepdims=True)


def _g(name):
    return globals()[name]


def _g_prime(name):
    return globals()[name + "_prime"]


# ------------------------------------------------------------------ per-sample costs
# a and y are one sample's columns, shape (K, 1).


class QuadraticCost:
    @staticmethod
    def fn(a, y):
        return 0.5 * np.linalg.norm(a - y) ** 2

    @staticmethod
    def derivative(a, y):
        return a - y


class SquaredErrorCost:
    @staticmethod
    def fn(a, y):
        return np.linalg.norm(a - y) ** 2

    @staticmethod
    def derivative(a, y):
        return 2.0 * (a - y)


class CrossEntropyCost:
    """Binary cross-entropy, summed over the outputs."""

    @staticmethod
    def fn(a, y):
        return np.sum(-y * np.log(a) - (1 - y) * np.log(1 - a))

    @staticmethod
    def derivative(a, y):
        return (a - y) / (a * (1 - a))


class LogLikelihoodCost:
    """-ln a_y, for a one-hot (or soft) target column."""

    @staticmethod
    def fn(a, y):
        return -np.sum(y * np.log(a))

    @staticmethod
    def derivative(a, y):
        return -y / a


COSTS = {"half_sse": QuadraticCost, "sse": SquaredErrorCost, "mse": SquaredErrorCost,
         "bce": CrossEntropyCost, "cross_entropy": LogLikelihoodCost}


def _columns(y, t):
    y, t = np.asarray(y, dtype=float), np.asarray(t, dtype=float)
    if y.ndim < 2:
        y, t = y.reshape(-1, 1), t.reshape(-1, 1)
    return [(y[:, [j]], t[:, [j]]) for j in range(y.shape[1])]


def total_cost(cost, y, t):
    samples = _columns(y, t)
    return sum(cost.fn(a, target) for a, target in samples) / len(samples)


def cost_derivative(cost, y, t):
    """d(total_cost)/dy: each sample's derivative over the number of samples."""
    samples = _columns(y, t)
    return np.hstack([cost.derivative(a, target) for a, target in samples]).reshape(np.shape(y)) / len(samples)


def half_sse(y, t):
    return total_cost(QuadraticCost, y, t)


def half_sse_prime(y, t):
    return cost_derivative(QuadraticCost, y, t)


def sse(y, t):
    return total_cost(SquaredErrorCost, y, t)


def sse_prime(y, t):
    return cost_derivative(SquaredErrorCost, y, t)


def mse(y, t):
    return total_cost(SquaredErrorCost, y, t)


def mse_prime(y, t):
    return cost_derivative(SquaredErrorCost, y, t)


def bce(y, t):
    return total_cost(CrossEntropyCost, y, t)


def bce_prime(y, t):
    return cost_derivative(CrossEntropyCost, y, t)


def cross_entropy(y, t):
    return total_cost(LogLikelihoodCost, y, t)


def cross_entropy_prime(y, t):
    return cost_derivative(LogLikelihoodCost, y, t)


# ------------------------------------------------------------------ backprop, one sample


def _sample_delta(a, y, z, activation, loss):
    """dC_x/dz_L for one sample's columns."""
    if activation == "softmax" and loss == "cross_entropy":
        return a * np.sum(y) - y
    if activation == "sigmoid" and loss == "bce":
        return a - y
    nabla_a = COSTS[loss].derivative(a, y)
    if activation == "softmax":
        return a * (nabla_a - np.sum(a * nabla_a))
    return nabla_a * _g_prime(activation)(z)


def output_delta(y, t, z, activation, loss):
    z = np.asarray(z, dtype=float)
    samples = _columns(y, t)
    deltas = [_sample_delta(a, target, z[:, [j]], activation, loss) for j, (a, target) in enumerate(samples)]
    return np.hstack(deltas).reshape(np.shape(y)) / len(samples)


def hidden_delta(delta_next, W_next, z, a, activation):
    return np.dot(W_next.T, delta_next) * _g_prime(activation)(z)


def backprop(params, x, y, activations, loss):
    """(nabla_w, nabla_b) of one sample's cost C_x."""
    activation, acts, zs = x, [x], []
    for (w, b), name in zip(params, activations):
        z = np.dot(w, activation) + (0.0 if b is None else b)
        zs.append(z)
        activation = _g(name)(z)
        acts.append(activation)
    delta = _sample_delta(acts[-1], y, zs[-1], activations[-1], loss)
    nabla_w, nabla_b = [None] * len(params), [None] * len(params)
    nabla_w[-1], nabla_b[-1] = np.dot(delta, acts[-2].T), delta
    for l in range(2, len(params) + 1):
        delta = hidden_delta(delta, params[-l + 1][0], zs[-l], acts[-l], activations[-l])
        nabla_w[-l], nabla_b[-l] = np.dot(delta, acts[-l - 1].T), delta
    return nabla_w, nabla_b


# ------------------------------------------------------------------ the network


def forward(params, X, activations):
    a = X
    for (w, b), name in zip(params, activations):
        a = _g(name)(np.dot(w, a) + (0.0 if b is None else b))
    return a


def gradients(params, X, T, activations, loss):
    """The mini-batch's mean of every sample's (nabla_w, nabla_b)."""
    n = X.shape[1]
    sum_w = [np.zeros(w.shape) for w, b in params]
    sum_b = [None if b is None else np.zeros(b.shape) for w, b in params]
    for j in range(n):
        delta_nabla_w, delta_nabla_b = backprop(params, X[:, [j]], T[:, [j]], activations, loss)
        sum_w = [nw + dnw for nw, dnw in zip(sum_w, delta_nabla_w)]
        sum_b = [None if nb is None else nb + dnb for nb, dnb in zip(sum_b, delta_nabla_b)]
    return [(nw / n, None if nb is None else nb / n) for nw, nb in zip(sum_w, sum_b)]


def train_step(params, X, T, lr, activations, loss):
    """update_mini_batch: w - (eta / len(mini_batch)) * sum of nabla_w."""
    return [(w - lr * nw, None if b is None else b - lr * nb)
            for (w, b), (nw, nb) in zip(params, gradients(params, X, T, activations, loss))]


def train(X, T, hidden, activations, loss, lr, epochs, seed):
    rng = np.random.RandomState(seed)
    sizes = [X.shape[0], *hidden, T.shape[0]]
    params = [(rng.randn(y, x) / np.sqrt(x), rng.randn(y, 1)) for x, y in zip(sizes[:-1], sizes[1:])]
    for _ in range(epochs):
        params = train_step(params, X, T, lr, activations, loss)
    return params
