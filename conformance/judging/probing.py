"""Shared pieces of the conformance test modules: skipping what is not provided, and
finite differences of the implementation's own functions."""
from __future__ import annotations

import pytest


def require(impl, *names: str) -> None:
    """Skip the check, with the reason 'not provided', when a name is missing."""
    missing = [n for n in names if not impl.provides(n)]
    if missing:
        pytest.skip(f"not provided: {', '.join(missing)}")


# ---------------------------------------------------------------- diagnosis probes
# Each returns a zero-argument function giving (got, expected, mistakes) on the generic
# probe input of ``conformance.probes``; ``report.check`` diagnoses there.


def probe_activation_prime(impl, name):
    from deltaspec.spec import numeric

    from deltaspec.conformance.judging import diagnose, probes

    def run():
        z = probes.pre_activations()
        return (impl.activation_prime(name, z), numeric.activation_prime(name)(z),
                diagnose.activation_prime(name, z, impl.prime_of))
    return run


def probe_loss(impl, name):
    import numpy as np
    from deltaspec.spec import numeric

    from deltaspec.conformance.judging import diagnose, probes

    def run():
        y, t = probes.outputs_and_targets(name)
        return np.array(impl.loss(name, y, t)), np.array(numeric.loss(name)(y, t)), diagnose.loss(name, y, t)
    return run


def probe_loss_prime(impl, name):
    from deltaspec.spec import numeric

    from deltaspec.conformance.judging import diagnose, probes

    def run():
        y, t = probes.outputs_and_targets(name)
        return impl.loss_prime(name, y, t), numeric.loss_prime(name)(y, t), diagnose.loss_prime(name, y, t)
    return run


def probe_output_delta(impl, loss, act):
    from deltaspec.spec import numeric

    from deltaspec.conformance.judging import diagnose, probes

    def run():
        y, t, z = probes.output_layer(loss, act)
        return (impl.output_delta(y, t, z, act, loss), numeric.output_delta(loss, act)(y, t, z),
                diagnose.output_delta(loss, act, y, t, z))
    return run


def probe_hidden_delta(impl, act):
    from deltaspec.spec import backprop, numeric

    from deltaspec.conformance.judging import diagnose, probes

    def run():
        delta, W, z = probes.hidden_layer()
        a = numeric.activation(act)(z)
        return (impl.hidden_delta(delta, W, z, a, act),
                backprop.hidden_delta(delta, W, numeric.activation_prime(act)(z)),
                diagnose.hidden_delta(delta, W, z, a, act))
    return run


def probe_network(impl, case, what: str, lr: float = 0.1):
    """what: 'forward', 'gradients' or 'train_step'."""
    from deltaspec.reference import network as refnet

    from deltaspec.conformance.judging import diagnose, probes

    def run():
        c = probes.network_like(case)
        if what == "forward":
            return (impl.forward(c.params, c.X, c.activations), refnet.forward(c.params, c.X, c.activations),
                    diagnose.forward(c))
        grads = refnet.gradients(c.params, c.X, c.T, c.activations, c.loss)
        if what == "gradients":
            return impl.gradients(c.params, c.X, c.T, c.activations, c.loss), grads, diagnose.gradients(c)
        expected = [(W - lr * dW, None if b is None else b - lr * db) for (W, b), (dW, db) in zip(c.params, grads)]
        return impl.train_step(c.params, c.X, c.T, lr, c.activations, c.loss), expected, diagnose.train_step(c, lr)
    return run
