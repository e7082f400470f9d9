"""A correct implementation in the notation of Rumelhart, Hinton and Williams (1986):
the error is summed over every pattern p and every output unit j, and the delta rule
is written with the error signal (target - output).

E = sum_p E_p: half_sse is 1/2 sum (t_pj - o_pj)^2, sse and mse are sum (t - o)^2, bce
is the summed binary cross-entropy, cross_entropy is -sum t ln o over every element.
That is REDUCTION = "sum" (E' = c(1, 1) * sum l): no loss divides by the number of
patterns or outputs, so neither do the deltas, the weight changes or train_step.

delta_pj = (t_pj - o_pj) f'(net_pj) at the output, delta_pj = f'(net_pj) sum_k delta_pk w_kj
below, and the weight change is Delta w = eta * sum_p delta_pj o_pi, added: every backward
quantity is -dE/d., so SIGN = -1. Row layout (patterns are rows), f' of net
(PRIME_OF = "z"). numpy only.
"""
import numpy as np

LAYOUT = "row"
SIGN = -1
PRIME_OF = "z"
REDUCTION = "sum"


# ------------------------------------------------------------------ units: f(net), f'(net)


def identity(net):
    return np.asarray(net, dtype=float) * 1.0


def identity_prime(net):
    return np.ones(np.shape(net))


def sigmoid(net):
    net = np.asarray(net, dtype=float)
    return 0.5 + 0.5 * np.tanh(0.5 * net)


def sigmoid_prime(net):
    o = sigmoid(net)
    return o * sigmoid(-net)


def tanh(net):
    return np.tanh(net)


def tanh_prime(net):
    return 1.0 / np.cosh(net) ** 2


def relu(net):
    net = np.asarray(net, dtype=float)
    return np.where(net > 0, net, 0.0)


def relu_prime(net):
    return np.where(np.asarray(net) > 0, 1.0, 0.0)


def leaky_relu(net):
    net = np.asarray(net, dtype=float)
    return np.where(net > 0, net, net / 100)


def leaky_relu_prime(net):
    return np.where(np.asarray(net) > 0, 1.0, 1 / 100)


def softplus(net):
    return np.logaddexp(0, net)


def softplus_prime(net):
    return sigmoid(net)


def rbf(net):
    return np.exp(-np.asarray(net, dtype=float) ** 2)


def rbf_prime(net):
    net = np.asarray(net, dtype=float)
    return -2 * net * np.exp(-net ** 2)


def softmax(net):
    net = np.asarray(net, dtype=float)
    e = np.exp(net - np.max(net, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


UNITS = {name: (globals()[name], globals().get(name + "_prime"))
         for name in ("identity", "sigmoid", "tanh", "relu", "leaky_relu", "softplus", "rbf", "softmax")}


# ------------------------------------------------------------------ error, summed; error signals


def half_sse(o, t):
    return 0.5 * np.sum((t - o) ** 2)


def half_sse_prime(o, t):
    return t - o


def sse(o, t):
    return np.sum((t - o) ** 2)


def sse_prime(o, t):
    return 2 * (t - o)


def mse(o, t):
    return np.sum((t - o) ** 2)


def mse_prime(o, t):
    return 2 * (t - o)


def bce(o, t):
    return -np.sum(t * np.log(o) + (1 - t) * np.log(1 - o))


def bce_prime(o, t):
    return t / o - (1 - t) / (1 - o)


def cross_entropy(o, t):
    return -np.sum(t * np.log(o))


def cross_entropy_prime(o, t):
    return t / o


ERRORS = {name: (globals()[name], globals()[name + "_prime"])
          for name in ("half_sse", "sse", "mse", "bce", "cross_entropy")}


# ------------------------------------------------------------------ the delta rule


def output_delta(o, t, net, activation, loss):
    if activation == "softmax" and loss == "cross_entropy":
        return t - o * np.sum(t, axis=-1, keepdims=True)
    if activation == "sigmoid" and loss == "bce":
        return t - o
    signal = ERRORS[loss][1](o, t)
    if activation == "softmax":
        return o * (signal - np.sum(o * signal, axis=-1, keepdims=True))
    return signal * UNITS[activation][1](net)


def hidden_delta(delta_next, W_next, net, o, activation):
    return UNITS[activation][1](net) * (delta_next @ W_next.T)


def _propagate(params, X, activations):
    nets, outs = [], [np.asarray(X, dtype=float)]
    for (w, theta), unit in zip(params, activations):
        net = outs[-1] @ w
        if theta is not None:
            net = net + theta
        nets.append(net)
        outs.append(UNITS[unit][0](net))
    return nets, outs


def forward(params, X, activations):
    return _propagate(params, X, activations)[1][-1]


def gradients(params, X, T, activations, loss):
    """[(sum_p delta_pj o_pi, sum_p delta_pj)]: the weight changes per unit of eta."""
    nets, outs = _propagate(params, X, activations)
    delta = output_delta(outs[-1], T, nets[-1], activations[-1], loss)
    changes = []
    for layer in reversed(range(len(params))):
        w, theta = params[layer]
        changes.append((outs[layer].T @ delta, None if theta is None else delta.sum(axis=0)))
        if layer:
            delta = hidden_delta(delta, w, nets[layer - 1], outs[layer], activations[layer - 1])
    return changes[::-1]


def train_step(params, X, T, lr, activations, loss):
    """Delta w = eta * sum_p delta_pj o_pi, added (one epoch of batch learning)."""
    return [(w + lr * dw, None if theta is None else theta + lr * dtheta)
            for (w, theta), (dw, dtheta) in zip(params, gradients(params, X, T, activations, loss))]


def train(X, T, hidden, activations, loss, lr, epochs, seed):
    rng = np.random.default_rng(seed)
    sizes = [X.shape[1], *hidden, T.shape[1]]
    params = [(rng.uniform(-0.5, 0.5, (n_in, n_out)) * 2 / np.sqrt(n_in), rng.uniform(-0.5, 0.5, n_out))
              for n_in, n_out in zip(sizes, sizes[1:])]
    for _ in range(epochs):
        params = train_step(params, X, T, lr, activations, loss)
    return params
