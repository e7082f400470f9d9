"""A correct implementation whose softmax output is only ever trained with cross-entropy.

Like most deep-learning code it fuses the softmax output layer with the cross-entropy
loss (delta = (softmax(z) - t) / N) and never forms the softmax Jacobian, so
output_delta refuses softmax with any other loss. It says so in SUPPORTS: every catalog
(loss, output activation) pair but half_sse, sse and mse with softmax. The element-wise
outputs go with any loss the catalog pairs them with.

Functions register themselves in lookup tables with a decorator (their module-level
names stay the interface's). Row layout, SIGN = +1, PRIME_OF = "z". numpy only.
"""
import numpy as np

LAYOUT = "row"
SIGN = 1
PRIME_OF = "z"

ELEMENTWISE = ["identity", "sigmoid", "tanh", "relu", "leaky_relu", "softplus", "rbf"]
SUPPORTS = {
    "pairs": [[loss, out] for loss in ("half_sse", "sse", "mse") for out in ELEMENTWISE]
    + [["bce", "sigmoid"], ["cross_entropy", "softmax"]],
}

_act, _act_prime, _loss_prime = {}, {}, {}


def activation(table, name):
    def register(fn):
        table[name] = fn
        return fn
    return register


# ------------------------------------------------------------------ activations


@activation(_act, "identity")
def identity(z):
    return np.array(z, dtype=float)


@activation(_act_prime, "identity")
def identity_prime(z):
    return np.ones(np.shape(z))


@activation(_act, "sigmoid")
def sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=float)))


@activation(_act_prime, "sigmoid")
def sigmoid_prime(z):
    return 0.25 / np.cosh(0.5 * np.asarray(z, dtype=float)) ** 2


@activation(_act, "tanh")
def tanh(z):
    return np.tanh(z)


@activation(_act_prime, "tanh")
def tanh_prime(z):
    return np.cosh(z) ** -2.0


@activation(_act, "relu")
def relu(z):
    return np.clip(z, 0.0, None)


@activation(_act_prime, "relu")
def relu_prime(z):
    return np.heaviside(z, 0.0)


@activation(_act, "leaky_relu")
def leaky_relu(z):
    return np.maximum(z, 0.01 * np.asarray(z))


@activation(_act_prime, "leaky_relu")
def leaky_relu_prime(z):
    return np.where(np.asarray(z) > 0, 1.0, 0.01)


@activation(_act, "softplus")
def softplus(z):
    return np.logaddexp(0.0, z)


@activation(_act_prime, "softplus")
def softplus_prime(z):
    return sigmoid(z)


@activation(_act, "rbf")
def rbf(z):
    return np.exp(-np.square(z))


@activation(_act_prime, "rbf")
def rbf_prime(z):
    return -2.0 * np.asarray(z) * rbf(z)


@activation(_act, "softmax")
def softmax(z):
    shifted = np.asarray(z, dtype=float) - np.max(z, axis=-1, keepdims=True)
    return np.exp(shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True)))


# ------------------------------------------------------------------ losses


def half_sse(y, t):
    return 0.5 * np.sum(np.square(y - t))


@activation(_loss_prime, "half_sse")
def half_sse_prime(y, t):
    return y - t


def sse(y, t):
    return np.sum(np.square(y - t))


@activation(_loss_prime, "sse")
def sse_prime(y, t):
    return 2.0 * (y - t)


def mse(y, t):
    return np.mean(np.square(y - t))


@activation(_loss_prime, "mse")
def mse_prime(y, t):
    return 2.0 * (y - t) / y.size


def bce(y, t):
    return -np.mean(t * np.log(y) + (1 - t) * np.log(1 - y))


@activation(_loss_prime, "bce")
def bce_prime(y, t):
    return (-t / y + (1 - t) / (1 - y)) / y.size


def cross_entropy(y, t):
    return -np.sum(t * np.log(y)) / len(y)


@activation(_loss_prime, "cross_entropy")
def cross_entropy_prime(y, t):
    return -t / y / len(y)


# ------------------------------------------------------------------ deltas


def output_delta(y, t, z, activation, loss):
    if activation == "softmax":
        if loss != "cross_entropy":
            raise NotImplementedError(f"softmax output is only supported with cross_entropy, not {loss}")
        return (y - t) / len(y)  # t one-hot: each row sums to 1
    return _loss_prime[loss](y, t) * _act_prime[activation](z)


def hidden_delta(delta_next, W_next, z, a, activation):
    return delta_next @ W_next.T * _act_prime[activation](z)


# ------------------------------------------------------------------ the network


def _layers(params, X, activations):
    zs, outs = [], [X]
    for (W, b), name in zip(params, activations):
        zs.append(outs[-1] @ W + (0.0 if b is None else b))
        outs.append(_act[name](zs[-1]))
    return zs, outs


def forward(params, X, activations):
    return _layers(params, X, activations)[1][-1]


def gradients(params, X, T, activations, loss):
    zs, outs = _layers(params, X, activations)
    delta = output_delta(outs[-1], T, zs[-1], activations[-1], loss)
    grads = []
    for i in range(len(params) - 1, -1, -1):
        grads.append((outs[i].T @ delta, None if params[i][1] is None else delta.sum(0)))
        if i > 0:
            delta = hidden_delta(delta, params[i][0], zs[i - 1], outs[i], activations[i - 1])
    return list(reversed(grads))


def train_step(params, X, T, lr, activations, loss):
    grads = gradients(params, X, T, activations, loss)
    return [(W - lr * gW, b if b is None else b - lr * gb) for (W, b), (gW, gb) in zip(params, grads)]


def train(X, T, hidden, activations, loss, lr, epochs, seed):
    rng = np.random.default_rng(seed)
    sizes = [X.shape[1], *hidden, T.shape[1]]
    params = [(rng.uniform(-1, 1, (m, n)) * np.sqrt(6 / (m + n)), np.zeros(n)) for m, n in zip(sizes, sizes[1:])]
    for _ in range(epochs):
        params = train_step(params, X, T, lr, activations, loss)
    return params
