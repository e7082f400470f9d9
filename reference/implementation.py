"""The conformance plugin: the generic reference network as module-level names.

This is the default implementation under test (``--impl deltaspec.reference.implementation``). Its
conventions: row layout (samples are rows), ``delta = +dE/dz`` (SIGN = +1) and g'
evaluated at the pre-activation z (PRIME_OF = "z").

* ``<act>(z)`` and ``<act>_prime(z)`` for every catalog activation, and ``softmax(z)``
  (row-wise): the spec's stable compiled functions;
* ``<loss>(y, t)`` and ``<loss>_prime(y, t)`` for every catalog loss;
* ``output_delta``, ``hidden_delta``, ``forward``, ``gradients``, ``train_step`` and
  ``train``: see each function. ``train`` starts from Glorot-uniform weights drawn by
  ``numpy.random.default_rng(seed)`` and zero biases, and runs full-batch descent.

Bad input (an unknown name, params that do not fit X, a wrong number of
activations) raises a one-line ValueError.
"""
from __future__ import annotations

from deltaspec.spec import backprop, numeric

from deltaspec.reference import network

LAYOUT = "row"
SIGN = +1
PRIME_OF = "z"

ACTIVATIONS = numeric.ACTIVATIONS
LOSSES = numeric.LOSSES

for _name in ACTIVATIONS:
    globals()[_name] = numeric.activation(_name)
    globals()[f"{_name}_prime"] = numeric.activation_prime(_name, of="z")
for _name in LOSSES:
    globals()[_name] = numeric.loss(_name)
    globals()[f"{_name}_prime"] = numeric.loss_prime(_name)
del _name

softmax = numeric.softmax


def output_delta(y, t, z, activation, loss):
    """dE/dz_L for the output y = g(z): the spec's derived closed form."""
    return numeric.output_delta(loss, activation)(y, t, z)


def hidden_delta(delta_next, W_next, z, a, activation):
    """dE/dz_l = g'(z_l) * (delta_{l+1} W_{l+1}^T); ``a`` (= g(z_l)) is not needed."""
    if activation == network.SOFTMAX:
        raise ValueError("softmax is output-layer only; it has no hidden delta")
    return backprop.hidden_delta(delta_next, W_next, numeric.activation_prime(activation, of="z")(z))


forward = network.forward
gradients = network.gradients
train_step = network.train_step
train = network.train

__all__ = (
    ["LAYOUT", "SIGN", "PRIME_OF", "softmax", "output_delta", "hidden_delta"]
    + list(ACTIVATIONS)
    + [f"{n}_prime" for n in ACTIVATIONS]
    + list(LOSSES)
    + [f"{n}_prime" for n in LOSSES]
    + ["forward", "gradients", "train_step", "train"]
)
