"""A tiny reverse-mode automatic differentiation on NumPy arrays, and a network's loss
written with it.

    g = grad(loss)            # like jax.grad: a function of the same arguments
    g(params, X, T)           # -> the gradient of loss with respect to params, same structure

Each Var keeps its value and, for every input it was computed from, the function that
carries the gradient of the result back to that input. grad() runs the function on
Vars, then visits the graph from the result back in reverse topological order.

The network: params = [(W, b), ...] (b may be None), rows are samples, tanh in the
hidden layers, a sigmoid output, and the binary cross-entropy averaged over all elements.

Written for docs/ADAPTERS.md (the adapter deltaspec.conformance.adapters.autodiff);
numpy only.
"""
import numpy as np


class Var:
    __array_ufunc__ = None                # ndarray * Var: numpy defers to Var.__rmul__

    def __init__(self, value, parents=(), requires_grad=None):
        self.value = np.asarray(value, dtype=float)
        self.parents = parents            # ((input Var, gradient of the result -> of that input), ...)
        # data (X, T, constants) needs no gradient; a result needs one when an input does
        self.requires_grad = any(p.requires_grad for p, _ in parents) if requires_grad is None else requires_grad
        self.grad = np.zeros_like(self.value)

    def __add__(self, other):
        other = _var(other)
        return Var(self.value + other.value, ((self, lambda g: _unbroadcast(g, self.value.shape)),
                                              (other, lambda g: _unbroadcast(g, other.value.shape))))

    def __radd__(self, other):
        return self + other

    def __neg__(self):
        return Var(-self.value, ((self, lambda g: -g),))

    def __sub__(self, other):
        return self + (-_var(other))

    def __rsub__(self, other):
        return _var(other) + (-self)

    def __mul__(self, other):
        other = _var(other)
        return Var(self.value * other.value, ((self, lambda g: _unbroadcast(g * other.value, self.value.shape)),
                                              (other, lambda g: _unbroadcast(g * self.value, other.value.shape))))

    def __rmul__(self, other):
        return self * other

    def __matmul__(self, other):
        return Var(self.value @ other.value, ((self, lambda g: g @ other.value.T),
                                              (other, lambda g: self.value.T @ g)))


def _var(x):
    return x if isinstance(x, Var) else Var(x)


def _unbroadcast(g, shape):
    """The gradient of a broadcast input: summed over the axes that were broadcast."""
    while g.ndim > len(shape):
        g = g.sum(axis=0)
    for axis, size in enumerate(shape):
        if size == 1 and g.shape[axis] != 1:
            g = g.sum(axis=axis, keepdims=True)
    return g


def tanh(x):
    y = np.tanh(x.value)
    return Var(y, ((x, lambda g: g * (1 - y ** 2)),))


def sigmoid(x):
    y = np.exp(-np.logaddexp(0, -x.value))
    return Var(y, ((x, lambda g: g * y * (1 - y)),))


def log(x):
    return Var(np.log(x.value), ((x, lambda g: g / x.value),))


def mean(x):
    return Var(np.mean(x.value), ((x, lambda g: np.full(x.value.shape, g / x.value.size)),))


def _backward(result):
    order, seen = [], set()

    def visit(v):
        if id(v) not in seen:
            seen.add(id(v))
            for parent, _ in v.parents:
                visit(parent)
            order.append(v)
    visit(result)
    result.grad = np.ones_like(result.value)
    for v in reversed(order):
        for parent, back in v.parents:
            if parent.requires_grad:
                parent.grad = parent.grad + back(v.grad)


def grad(f):
    """The gradient of f(params, *rest) with respect to params, a list of (W, b) pairs."""
    def gradient(params, *rest):
        wrapped = [(Var(W, requires_grad=True), None if b is None else Var(b, requires_grad=True)) for W, b in params]
        _backward(f(wrapped, *rest))
        return [(W.grad, None if b is None else b.grad) for W, b in wrapped]
    return gradient


# ---------------------------------------------------------------- the network


def forward(params, X):
    a = X if isinstance(X, Var) else Var(X)
    for l, (W, b) in enumerate(params):
        W = _var(W)
        z = a @ W if b is None else a @ W + _var(b)
        a = sigmoid(z) if l == len(params) - 1 else tanh(z)
    return a


def loss(params, X, T):
    """Binary cross-entropy, the mean over every output element."""
    y = forward(params, X)
    return -mean(T * log(y) + (1 - T) * log(1 - y))


def predict(params, X):
    return forward(params, X).value
