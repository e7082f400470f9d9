"""Every faithful trainer as a configuration of the one generic network.

Each function returns an :class:`Equivalent`: the generic :class:`~reference.network.Network`
set up like the seed program (architecture, catalog loss, sign and learning-rate
conventions, batch or per-sample updates, backprop order), started from the same
parameters on the same data. Its :meth:`Equivalent.trajectory` is then comparable,
step for step, with the faithful trainer's recorded trajectory: the tests assert
agreement within 1e-12 relative, except for seed 000's quirk, where only the
``backprop="after"`` configuration reproduces the original.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from deltaspec.reference.trainers import class_xor, per_sample, relu_xor, roelants, trask
from deltaspec.reference.network import Conventions, Network

Params = tuple[np.ndarray, ...]


@dataclass
class Equivalent:
    """A generic network configured like a seed program, with its data and step size.

    ``state(network)`` returns the parameters in the faithful trainer's order and
    shapes (``names``), so trajectories compare directly.
    """

    network: Network
    X: np.ndarray
    T: np.ndarray
    lr: float
    names: tuple[str, ...]
    state: Callable[[Network], Params]

    def trajectory(self, steps: int) -> list[Params]:
        """[state after k steps for k = 0..steps]; a per-sample step takes the next row."""
        net, n_rows = self.network.copy(), self.X.shape[0]
        X, T = np.asarray(self.X, float), np.asarray(self.T, float)
        out = [self.state(net)]
        for k in range(steps):
            if net.conventions.update == "sample":
                n = k % n_rows
                net.step(X[n : n + 1], T[n : n + 1], self.lr)
            else:
                net.step(X, T, self.lr)
            out.append(self.state(net))
        return out


def _weights(net: Network) -> Params:
    return tuple(layer.W.copy() for layer in net.layers)


def _unbiased(params, activations, loss, names, X, T, lr, conventions) -> Equivalent:
    net = Network.from_params([(W, None) for W in params], activations, loss, conventions)
    return Equivalent(net, X, T, lr, names, _weights)


def three_layer(seed: int = 1, alpha=None, hidden: int = 4) -> Equivalent:
    """Part 1 (alpha None, 4 hidden units): half SSE, stored error y - l2 with +=,
    step 1. Part 2: stored error layer_2 - y with -=, step alpha, ``hidden`` units."""
    params = trask.initial([(3, hidden), (hidden, 1)], seed)
    part1 = alpha is None
    conv = Conventions(sign=-1 if part1 else +1)
    names = ("syn0", "syn1") if part1 else ("synapse_0", "synapse_1")
    lr = 1 if part1 else alpha
    return _unbiased(params, ["sigmoid", "sigmoid"], "half_sse", names, trask.X, trask.Y_XOR, lr, conv)


def eleven_line(seed: int = 1) -> Equivalent:
    """The 11-line net: Part 1's 3-layer configuration."""
    return three_layer(seed)


def two_layer(seed: int = 1) -> Equivalent:
    """3-1 sigmoid, half SSE, stored error y - l1 with +=, step 1, y = [0,0,1,1]."""
    params = trask.initial([(3, 1)], seed)
    conv = Conventions(sign=-1)
    return _unbiased(params, ["sigmoid"], "half_sse", ("syn0",), trask.X, trask.Y_FIRST_COLUMN, 1, conv)


def class_xor_net(seed: int = 1) -> Equivalent:
    """3-4-1 sigmoid, SSE (the factor 2 kept), stored error 2(y - output) with +=, 0.1."""
    conv = Conventions(sign=-1)
    names = ("weights1", "weights2")
    params = class_xor.initial(seed)
    return _unbiased(params, ["sigmoid", "sigmoid"], "sse", names, class_xor.X, class_xor.Y, class_xor.LEARNING_RATE, conv)


def relu_net() -> Equivalent:
    """2-3-1 relu / identity, per-sample half squared error, alpha 0.2, true gradient."""
    conv = Conventions(update="sample")
    return _unbiased(relu_xor.initial(), ["relu", "identity"], "half_sse", ("W_ih", "W_ho"),
                     relu_xor.X, relu_xor.T, relu_xor.ALPHA, conv)


def rbf_net(seed: int = roelants.DATA_SEED) -> Equivalent:
    """1-1-1: rbf hidden unit (weight wh, no bias), logistic output with bias bo and a
    fixed weight 1; mean cross-entropy (bce), full batch, step 2.0."""
    x, t = roelants.data(seed)
    params = [(np.array([[roelants.WH]]), None), (np.array([[1.0]]), np.array([[roelants.BO]]))]
    net = Network.from_params(params, ["rbf", "sigmoid"], "bce", Conventions(), fixed=(1,))

    def state(n: Network) -> Params:
        return np.array(n.layers[0].W[0, 0]), np.array(n.layers[1].b[0, 0])

    return Equivalent(net, x, t, roelants.LEARNING_RATE, ("wh", "bo"), state)


def per_sample_net(seed: int = 1, faithful: bool = False) -> Equivalent:
    """2-2-1 sigmoid with biases, per-sample half squared error, stored error y - prediction
    with +=, step 0.1; ``faithful`` backpropagates through the already-updated W_ho."""
    inputs, targets, (W_ih, W_ho, b_h, b_o) = per_sample.setup(seed)
    conv = Conventions(sign=-1, update="sample", backprop="after" if faithful else "before")
    net = Network.from_params([(W_ih, b_h), (W_ho, b_o)], ["sigmoid", "sigmoid"], "half_sse", conv)

    def state(n: Network) -> Params:
        hidden, out = n.layers
        return hidden.W.copy(), out.W.copy(), hidden.b.copy(), out.b.copy()

    names = ("W_ih", "W_ho", "b_h", "b_o")
    return Equivalent(net, inputs, targets.reshape(-1, 1), per_sample.LEARNING_RATE, names, state)
