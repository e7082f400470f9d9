"""Fixed, generic inputs on which a failing result is diagnosed.

Hypothesis shrinks a failure to its smallest example (one sample, two outputs, zeros),
where several mistakes give the same numbers: with N*K = 2, "a factor 2" and "a missing
1/(N K)" coincide. A diagnosis therefore re-runs the failing function on a probe whose
sizes (N = 5, K = 3, square hidden layers) and values keep the known mistakes apart.
"""
from __future__ import annotations

import numpy as np

from deltaspec.spec import numeric

from deltaspec.conformance.judging.draws import Case

N, K, HIDDEN = 5, 3, 4


def _rng():
    return np.random.default_rng(20261122)


def outputs_and_targets(loss: str):
    """(y, t) of shape (N, K) inside the loss's domain."""
    rng = _rng()
    if loss == "cross_entropy":
        return numeric.softmax(rng.normal(size=(N, K))), np.eye(K)[rng.integers(0, K, N)]
    if loss == "bce":
        return rng.uniform(0.1, 0.9, (N, K)), rng.choice([0.0, 1.0], (N, K))
    return rng.uniform(-1.5, 1.5, (N, K)), rng.uniform(-1.0, 1.0, (N, K))


def pre_activations(shape=(N, K)):
    """z values in [-2.5, -0.1] U [0.1, 2.5]: generic, and clear of the kinks."""
    rng = _rng()
    return rng.uniform(0.1, 2.5, shape) * rng.choice([-1.0, 1.0], shape)


def output_layer(loss: str, act: str):
    """(y, t, z) with y = g(z) inside the loss's domain."""
    z = pre_activations()
    if loss in ("bce", "cross_entropy"):
        z = np.clip(np.abs(z), 0.1, 1.5) * np.sign(z)
    y = numeric.activation(act)(z)
    return y, outputs_and_targets(loss)[1], z


def hidden_layer():
    """(delta_next, W_next, z): square W_next, so a missing transpose shows."""
    rng = _rng()
    return rng.normal(size=(N, HIDDEN)), rng.normal(size=(HIDDEN, HIDDEN)), pre_activations((N, HIDDEN))


def network_like(case: Case) -> Case:
    """The case's activations and loss on a generic network: hidden widths 4, batch 5, and
    4 outputs, so every W_{l+1} a hidden delta uses is square (a missing transpose runs)."""
    rng = _rng()
    k = HIDDEN
    sizes = [3] + [HIDDEN] * (len(case.params) - 1) + [k]
    with_bias = case.params[0][1] is not None
    params = [(rng.normal(scale=0.8, size=(i, o)), rng.normal(scale=0.3, size=o) if with_bias else None)
              for i, o in zip(sizes, sizes[1:])]
    X = rng.uniform(-1.5, 1.5, (N, 3))
    if case.loss == "cross_entropy":
        T = np.eye(k)[rng.integers(0, k, N)]
    elif case.loss == "bce":
        T = rng.choice([0.0, 1.0], (N, k))
    else:
        T = rng.uniform(-1.0, 1.0, (N, k))
    return Case(params, X, T, list(case.activations), case.loss)
