"""A correct implementation of one fixed network: input -> sigmoid hidden layer ->
sigmoid output, trained on half the summed squared error. The shape of most first
backpropagation exercises: W1, b1, W2, b2 by name, and the backward pass written out
for exactly two layers.

It does nothing else, and says so: SUPPORTS limits the judged scope to the sigmoid,
half_sse and depth 2. Any other depth, activation or loss raises a ValueError. A layer
without a bias (b is None) is handled, as the interface allows it.

Row layout, SIGN = +1, PRIME_OF = "z". numpy only.
"""
import numpy as np

LAYOUT = "row"
SIGN = 1
PRIME_OF = "z"

SUPPORTS = {"activations": ["sigmoid"], "losses": ["half_sse"], "depths": [2]}


def _only(activation=None, loss=None):
    if activation is not None and activation != "sigmoid":
        raise ValueError(f"this network only has sigmoid units, not {activation}")
    if loss is not None and loss != "half_sse":
        raise ValueError(f"this network is trained on half_sse only, not {loss}")


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_prime(z):
    s = sigmoid(z)
    return s * (1 - s)


def half_sse(y, t):
    return 0.5 * np.sum((y - t) ** 2)


def half_sse_prime(y, t):
    return y - t


def output_delta(y, t, z, activation, loss):
    _only(activation, loss)
    return (y - t) * sigmoid_prime(z)


def hidden_delta(delta_next, W_next, z, a, activation):
    _only(activation)
    return (delta_next @ W_next.T) * sigmoid_prime(z)


def _unpack(params, activations, loss=None):
    if len(params) != 2 or len(activations) != 2:
        raise ValueError(f"this is a two-layer network; got {len(params)} layers")
    for name in activations:
        _only(name)
    _only(loss=loss)
    (W1, b1), (W2, b2) = params
    return W1, b1, W2, b2


def _plus(z, b):
    return z if b is None else z + b


def forward(params, X, activations):
    W1, b1, W2, b2 = _unpack(params, activations)
    h = sigmoid(_plus(X @ W1, b1))
    return sigmoid(_plus(h @ W2, b2))


def gradients(params, X, T, activations, loss):
    W1, b1, W2, b2 = _unpack(params, activations, loss)
    z1 = _plus(X @ W1, b1)
    h = sigmoid(z1)
    z2 = _plus(h @ W2, b2)
    y = sigmoid(z2)

    d2 = (y - T) * y * (1 - y)
    d1 = (d2 @ W2.T) * h * (1 - h)

    dW2, dW1 = h.T @ d2, X.T @ d1
    db2 = None if b2 is None else d2.sum(axis=0)
    db1 = None if b1 is None else d1.sum(axis=0)
    return [(dW1, db1), (dW2, db2)]


def train_step(params, X, T, lr, activations, loss):
    W1, b1, W2, b2 = _unpack(params, activations, loss)
    (dW1, db1), (dW2, db2) = gradients(params, X, T, activations, loss)
    W1 = W1 - lr * dW1
    W2 = W2 - lr * dW2
    b1 = None if b1 is None else b1 - lr * db1
    b2 = None if b2 is None else b2 - lr * db2
    return [(W1, b1), (W2, b2)]


def train(X, T, hidden, activations, loss, lr, epochs, seed):
    if len(hidden) != 1:
        raise ValueError(f"this is a two-layer network: one hidden layer, not {len(hidden)}")
    rng = np.random.default_rng(seed)
    n_in, n_hidden, n_out = X.shape[1], hidden[0], T.shape[1]
    params = [(rng.uniform(-1, 1, (n_in, n_hidden)), np.zeros(n_hidden)),
              (rng.uniform(-1, 1, (n_hidden, n_out)), np.zeros(n_out))]
    for _ in range(epochs):
        params = train_step(params, X, T, lr, activations, loss)
    return params
