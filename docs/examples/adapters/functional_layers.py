"""Functional layers in the style of Stanford's CS231n assignments: every layer is a pair
of functions, a forward that returns its output and a cache, and a backward that takes
the upstream gradient and the cache.

    out, cache = affine_forward(x, w, b)        # x (N, D), w (D, M), b (M,)
    dx, dw, db = affine_backward(dout, cache)
    a, cache = relu_forward(out); dout = relu_backward(da, cache)
    loss, dy = mse_loss(y, t)                   # the loss and its gradient at the output

Written for docs/ADAPTERS.md (the adapter deltaspec.conformance.adapters.functional);
numpy only.
"""
import numpy as np


def affine_forward(x, w, b):
    out = x.reshape(x.shape[0], -1) @ w + b
    return out, (x, w, b)


def affine_backward(dout, cache):
    x, w, b = cache
    dx = (dout @ w.T).reshape(x.shape)
    dw = x.reshape(x.shape[0], -1).T @ dout
    db = np.sum(dout, axis=0)
    return dx, dw, db


def relu_forward(x):
    return np.maximum(0, x), x


def relu_backward(dout, cache):
    x = cache
    return dout * (x > 0)


def sigmoid_forward(x):
    out = np.exp(-np.logaddexp(0, -x))
    return out, out


def sigmoid_backward(dout, cache):
    out = cache
    return dout * out * (1 - out)


def tanh_forward(x):
    out = np.tanh(x)
    return out, out


def tanh_backward(dout, cache):
    out = cache
    return dout * (1 - out ** 2)


def identity_forward(x):
    return x, None


def identity_backward(dout, cache):
    return dout


def sse_loss(y, t):
    """The sum of squared errors and its gradient."""
    diff = y - t
    return np.sum(diff ** 2), 2 * diff


def bce_loss(y, t):
    """Binary cross-entropy, the mean over all elements, and its gradient."""
    loss = -np.mean(t * np.log(y) + (1 - t) * np.log(1 - y))
    return loss, (y - t) / (y * (1 - y)) / y.size
