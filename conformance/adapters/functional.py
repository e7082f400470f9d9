"""Functional layers in the CS231n style: pairs of functions with a cache between them.

What the wrapped code provides (a module, or a dict of functions):

* ``affine_forward(x, w, b) -> (out, cache)``: out = x w + b, x (N, n_in), w (n_in, n_out),
  b (n_out,); ``affine_backward(dout, cache) -> (dx, dw, db)``;
* ``<act>_forward(x) -> (out, cache)`` and ``<act>_backward(dout, cache) -> dx`` for the
  catalog activations it has (found by these names: relu_forward, sigmoid_forward, ...);
* ``<loss>_loss(y, t) -> (loss, dy)`` for the catalog losses it has (mse_loss,
  bce_loss, ...): the loss E' and dE'/dy at the network's output y. Declare their
  ``reduction`` when it is not the spec's.

Other names: ``affine=("fc_forward", "fc_backward")``, ``activations={"relu":
("relu_fwd", "relu_bwd")}``, ``losses={"mse": "l2_loss"}``; given tables replace the
search by name.

Each pair is wrapped as a layer object (forward keeps the cache, backward uses it) and
handed to :mod:`.layers`, which chains them and derives the single pieces (the
activation primes as the backward of ones, the deltas); see there. Nothing is
computed here but the calls.
"""
from __future__ import annotations

import types

import numpy as np
from deltaspec.conformance.adapters import declare, layers


def adapt(code, *, affine=("affine_forward", "affine_backward"), activations=None, losses=None, **options):
    """The implementation namespace over the functions of ``code`` (``options``: as in
    :func:`.layers.adapt`: reduction, sign, depths, supports)."""
    ns = types.SimpleNamespace(**code) if isinstance(code, dict) else code
    fwd, bwd = (declare.method(ns, name, role, "affine") for name, role in
                zip(affine, ("the affine forward (x, w, b) -> (out, cache)", "the affine backward (dout, cache)")))
    if activations is None:
        activations = {a: (f"{a}_forward", f"{a}_backward") for a in declare.OUTPUTS
                       if hasattr(ns, f"{a}_forward") and hasattr(ns, f"{a}_backward")}
    if losses is None:
        losses = {l: f"{l}_loss" for l in declare.LOSSES if hasattr(ns, f"{l}_loss")}
    where = declare.describe(ns)
    if not activations:
        raise declare.AdapterError(f"{where} has no <activation>_forward/_backward pair for a catalog activation "
                                   "(relu_forward, sigmoid_forward, ...); pass activations={...}")
    if not losses:
        raise declare.AdapterError(f"{where} has no <loss>_loss function for a catalog loss (mse_loss, bce_loss, "
                                   "...); pass losses={...}")
    acts = {name: _activation(ns, pair) for name, pair in activations.items()}
    loss_objects = {name: _loss(ns, attr) for name, attr in losses.items()}
    return layers.adapt(dense=lambda n_in, n_out: Affine(fwd, bwd, n_in, n_out), activations=acts,
                        losses=loss_objects, **options)


class Affine:
    """affine_forward / affine_backward as a layer holding W, b and, after backward, dW, db."""

    def __init__(self, forward_fn, backward_fn, n_in, n_out):
        self.forward_fn, self.backward_fn = forward_fn, backward_fn
        self.W, self.b = np.zeros((n_in, n_out)), np.zeros(n_out)

    def forward(self, x):
        out, self.cache = self.forward_fn(x, self.W, self.b)
        return out

    def backward(self, dout):
        dx, self.dW, self.db = self.backward_fn(dout, self.cache)
        return dx


class Activation:
    """<act>_forward / <act>_backward as a layer."""

    def __init__(self, forward_fn, backward_fn):
        self.forward_fn, self.backward_fn = forward_fn, backward_fn

    def forward(self, x):
        out, self.cache = self.forward_fn(x)
        return out

    def backward(self, dout):
        return self.backward_fn(dout, self.cache)


class Loss:
    """<loss>_loss(y, t) -> (loss, dy) as a loss object."""

    def __init__(self, fn):
        self.fn = fn

    def loss(self, y, t):
        return self.fn(y, t)[0]

    def gradient(self, y, t):
        return self.fn(y, t)[1]


def _activation(ns, pair):
    forward, backward = pair
    return lambda: Activation(declare.method(ns, forward, "an activation's forward", "activations"),
                              declare.method(ns, backward, "an activation's backward", "activations"))


def _loss(ns, attr):
    fn = declare.method(ns, attr, "a loss (y, t) -> (loss, dy)", "losses")
    return lambda: Loss(fn)
