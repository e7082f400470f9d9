"""A student's network in the tutorial style: error = target - output, nonlin(x, deriv=True).

It declares its conventions, so the suite judges it in its own terms:
SIGN = -1 (every backward quantity is -dE/d.), PRIME_OF = "a" (derivatives take the
activation's output). It declares what it supports (SUPPORTS: sigmoid layers, the half
sum of squared errors), so networks are drawn only from those; the functions it does not
define are reported as not provided.
"""
import numpy as np

SIGN = -1
PRIME_OF = "a"
SUPPORTS = {"activations": ["sigmoid"], "losses": ["half_sse"]}


def sigmoid(z):
    # the two branches keep exp's argument <= 0, so sigmoid(-800) does not overflow
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_prime(a):
    return a * (1 - a)


def half_sse(y, t):
    return 0.5 * np.sum((y - t) ** 2)


def half_sse_prime(y, t):
    return t - y                       # the error, target - output: -dE/dy


def output_delta(y, t, z, activation, loss):
    assert activation == "sigmoid" and loss == "half_sse", "only sigmoid + half_sse here"
    return (t - y) * sigmoid_prime(y)  # l2_delta in Trask's code


def hidden_delta(delta_next, W_next, z, a, activation):
    assert activation == "sigmoid"
    return delta_next.dot(W_next.T) * sigmoid_prime(a)


def forward(params, X, activations):
    a = X
    for (W, b), act in zip(params, activations):
        assert act == "sigmoid"
        a = sigmoid(a.dot(W) + (0 if b is None else b))
    return a


def gradients(params, X, T, activations, loss):
    layers = [X]
    for W, b in params:
        layers.append(sigmoid(layers[-1].dot(W) + (0 if b is None else b)))
    delta = output_delta(layers[-1], T, None, activations[-1], loss)
    grads = []
    for i in range(len(params) - 1, -1, -1):
        W, b = params[i]
        grads.append((layers[i].T.dot(delta), None if b is None else delta.sum(axis=0)))
        if i:
            delta = hidden_delta(delta, W, None, layers[i], activations[i - 1])
    return grads[::-1]                 # -dE/dW: the direction to step in


def train_step(params, X, T, lr, activations, loss):
    return [(W + lr * gW, None if b is None else b + lr * gb)
            for (W, b), (gW, gb) in zip(params, gradients(params, X, T, activations, loss))]
