"""Layers as objects, in the style of many small deep-learning libraries: each layer has
forward(x) and backward(grad); a Dense layer keeps W and b and, after backward, dW and
db; activations are layers too; a loss object has loss(y, t) and gradient(y, t).

Row layout: x is (N, n_in), W is (n_in, n_out), b is (n_out,).

    layers = [Dense(2, 4), Tanh(), Dense(4, 1), Sigmoid()]
    for layer in layers: x = layer.forward(x)
    grad = BCE().gradient(x, t)
    for layer in reversed(layers): grad = layer.backward(grad)

Written for docs/ADAPTERS.md (the adapter deltaspec.conformance.adapters.layers); numpy only.
"""
import numpy as np


class Dense:
    def __init__(self, n_in, n_out, seed=0):
        rng = np.random.default_rng(seed)
        self.W = rng.normal(0.0, np.sqrt(2.0 / (n_in + n_out)), (n_in, n_out))
        self.b = np.zeros(n_out)

    def forward(self, x):
        self.x = x
        return x @ self.W + self.b

    def backward(self, grad):
        self.dW = self.x.T @ grad
        self.db = grad.sum(axis=0)
        return grad @ self.W.T


class Identity:
    def forward(self, x):
        return x

    def backward(self, grad):
        return grad


class Sigmoid:
    def forward(self, x):
        self.y = 1.0 / (1.0 + np.exp(-x))
        return self.y

    def backward(self, grad):
        return grad * self.y * (1.0 - self.y)


class Tanh:
    def forward(self, x):
        self.y = np.tanh(x)
        return self.y

    def backward(self, grad):
        return grad * (1.0 - self.y ** 2)


class ReLU:
    def forward(self, x):
        self.mask = x > 0
        return x * self.mask

    def backward(self, grad):
        return grad * self.mask


class Softmax:
    """Row-wise softmax; backward is the product with its Jacobian."""

    def forward(self, x):
        e = np.exp(x - x.max(axis=-1, keepdims=True))
        self.y = e / e.sum(axis=-1, keepdims=True)
        return self.y

    def backward(self, grad):
        return self.y * (grad - (grad * self.y).sum(axis=-1, keepdims=True))


class MSE:
    """The mean over every element of (y - t)^2."""

    def loss(self, y, t):
        return np.mean((y - t) ** 2)

    def gradient(self, y, t):
        return 2.0 * (y - t) / np.size(y)


class BCE:
    """Binary cross-entropy, the mean over every element."""

    def loss(self, y, t):
        return -np.mean(t * np.log(y) + (1.0 - t) * np.log(1.0 - y))

    def gradient(self, y, t):
        return (y - t) / (y * (1.0 - y)) / np.size(y)


class CrossEntropy:
    """-sum t log y over the classes, averaged over the samples (the rows)."""

    def loss(self, y, t):
        return -np.sum(t * np.log(y)) / y.shape[0]

    def gradient(self, y, t):
        return -t / y / y.shape[0]
