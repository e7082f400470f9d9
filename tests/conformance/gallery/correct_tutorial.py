"""A correct implementation in the tutorials' style (Trask, "A Neural Network in 11
lines of Python"): error = target - output, and nonlin(x, deriv=True) takes the
layer's output.

So it declares SIGN = -1 (every backward quantity is -dE/d.: l2_error = y - l2) and
PRIME_OF = "a" (sigmoid_prime(out) = out * (1 - out)). Row layout, bias vectors; the
update adds: syn += lr * l_prev.T.dot(l_delta). rbf's derivative cannot be written in
terms of its output, so rbf layers use the pre-activation internally and rbf_prime
refuses an output. numpy only.
"""
import numpy as np

LAYOUT = "row"
SIGN = -1
PRIME_OF = "a"


# ------------------------------------------------------------------ nonlinearities
# <name>(x) is the nonlinearity; <name>_prime(out) its slope, from its output out.


def identity(x):
    return x.copy() if isinstance(x, np.ndarray) else np.array(x)


def identity_prime(out):
    return np.ones_like(out, dtype=np.float64)


def sigmoid(x):
    x = np.asarray(x)
    pos = x >= 0
    e = np.exp(np.where(pos, -x, x))  # exp of a non-positive number only
    return np.where(pos, 1 / (1 + e), e / (1 + e))


def sigmoid_prime(out):
    return out * (1 - out)


def tanh(x):
    return np.tanh(x)


def tanh_prime(out):
    return 1 - out * out


def relu(x):
    x = np.asarray(x)
    return np.where(x > 0, x, 0 * x)


def relu_prime(out):
    return (np.asarray(out) > 0) * 1.0


def leaky_relu(x):
    x = np.asarray(x)
    return np.where(x > 0, x, 0.01 * x)


def leaky_relu_prime(out):
    return np.where(np.asarray(out) > 0, 1.0, 0.01)


def softplus(x):
    x = np.asarray(x)
    return np.where(x > 0, x, 0 * x) + np.log1p(np.exp(-np.abs(x)))


def softplus_prime(out):
    return -np.expm1(-np.asarray(out))  # 1 - e^{-out} = sigmoid(x)


def rbf(x):
    x = np.asarray(x)
    return np.exp(-x * x)


def rbf_prime(out):
    raise ValueError("rbf's slope is not a function of its output; rbf layers use x internally")


def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def nonlin(name, x):
    return globals()[name](x)


def slope(name, x, out):
    """g'(x) from the output where possible (the tutorial way), else from x."""
    if name == "rbf":
        return -2 * x * np.exp(-x * x)
    return globals()[name + "_prime"](out)


# ------------------------------------------------------------------ losses (error = -dE/dy)


def _rows(y):
    return len(y) if np.ndim(y) == 2 else 1


def half_sse(y, t):
    return float(np.sum((t - y) ** 2) / 2)


def half_sse_prime(y, t):
    return t - y


def sse(y, t):
    return float(np.sum((t - y) ** 2))


def sse_prime(y, t):
    return 2 * (t - y)


def mse(y, t):
    return float(np.mean((t - y) ** 2))


def mse_prime(y, t):
    return 2 * (t - y) / y.size


def bce(y, t):
    return float(-np.mean(t * np.log(y) + (1 - t) * np.log(1 - y)))


def bce_prime(y, t):
    return (t / y - (1 - t) / (1 - y)) / y.size


def cross_entropy(y, t):
    return float(-np.sum(t * np.log(y)) / _rows(y))


def cross_entropy_prime(y, t):
    return t / y / _rows(y)


def error(loss, y, t):
    return globals()[loss + "_prime"](y, t)


# ------------------------------------------------------------------ deltas (-dE/dz)


def output_delta(y, t, z, activation, loss):
    err = error(loss, y, t)
    if activation == "softmax":
        return y * (err - (y * err).sum(axis=-1, keepdims=True))
    return err * slope(activation, z, y)


def hidden_delta(delta_next, W_next, z, a, activation):
    return delta_next.dot(W_next.T) * slope(activation, z, a)


# ------------------------------------------------------------------ the network


def forward_all(params, X, activations):
    layers, zs = [X], []
    for (syn, bias), name in zip(params, activations):
        z = layers[-1].dot(syn)
        if bias is not None:
            z = z + bias
        zs.append(z)
        layers.append(nonlin(name, z))
    return zs, layers


def forward(params, X, activations):
    return forward_all(params, X, activations)[1][-1]


def gradients(params, X, T, activations, loss):
    """[(l_prev.T.dot(l_delta), sum of l_delta)]: the direction syn += lr * (.) takes."""
    zs, layers = forward_all(params, X, activations)
    l_delta = output_delta(layers[-1], T, zs[-1], activations[-1], loss)
    out = []
    for i in reversed(range(len(params))):
        syn, bias = params[i]
        out.insert(0, (layers[i].T.dot(l_delta), None if bias is None else l_delta.sum(axis=0)))
        if i:
            l_delta = hidden_delta(l_delta, syn, zs[i - 1], layers[i], activations[i - 1])
    return out


def train_step(params, X, T, lr, activations, loss):
    steps = gradients(params, X, T, activations, loss)
    return [(syn + lr * d_syn, None if bias is None else bias + lr * d_bias)
            for (syn, bias), (d_syn, d_bias) in zip(params, steps)]


def train(X, T, hidden, activations, loss, lr, epochs, seed):
    np_rng = np.random.RandomState(seed)
    sizes = [X.shape[1]] + list(hidden) + [T.shape[1]]
    params = [(2 * np_rng.random_sample((i, o)) - 1, np.zeros(o)) for i, o in zip(sizes, sizes[1:])]
    for _ in range(epochs):
        params = train_step(params, X, T, lr, activations, loss)
    return params
