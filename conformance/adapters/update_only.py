"""Code that only exposes a training step: the gradients are read off one step.

For plain gradient descent a step is theta' = theta - lr g, so g = (theta - theta') / lr.
The adapter calls the wrapped step once, on a fresh copy of the params, with its own
learning rate ``lr`` (default 2**20), and returns (theta - theta') / lr as ``gradients``;
``train_step`` is the wrapped step itself, called with the suite's learning rate, and
``forward`` the code's prediction when one is named. Nothing is recomputed here: a bug
in the step (a missing g', the already-updated weights in the hidden delta, ...) is in
what the adapter returns.

Rounding, and why lr is large. theta' is rounded once (relative error u = 2**-53 of
|theta'|), and so is theta - theta'; dividing by a power of two adds nothing. So the
derived gradient is off by about u (|theta| / lr + 2 |g|) per element. The suite
compares gradients with 1e-9 |g_i| + 1e-12 max|g|: with lr = 2**20 the |theta| / lr term
is ~1e-22 |theta|, far below the 1e-12 max|g| floor unless every gradient is under
~1e-10 |theta|, and the 2u|g| term is ~2e-16 relative. A small lr makes the first term
large: measured on the example (docs/ADAPTERS.md), rounding takes under 1e-7 of the
suite's tolerance at lr = 2**20, about 1% at lr = 0.1, and 1.4 times the tolerance at
lr = 2**-10 on networks with saturated units, where a correct step would fail.

The derivation holds only for a step that is linear in lr (plain SGD; not momentum,
Adam, clipping or weight decay): for any other step the derived "gradient" is wrong, and
the suite says so (against the reference and the finite differences of the code's own
forward), which is the right verdict for a step that is not theta - lr dE/dtheta.

Two ways in:

* :func:`adapt`: an object built from a sizes list (``build(sizes)``, e.g. the class),
  with its params in list attributes (``weights=``, ``biases=``) and a step method
  (``step="fit_batch"`` called as ``obj.fit_batch(X, T, lr)``, or ``call=lambda obj, X,
  T, lr: ...`` for another signature), and optionally a prediction method
  (``predict="predict"``, ``obj.predict(X) -> Y``);
* :func:`from_step`: a function ``step(params, X, T, lr) -> new params``, and optionally
  ``forward(params, X) -> Y``.

The activations and the loss are the code's own: declare them (``hidden=``,
``output=``, ``loss=``) with the reduction its step uses (``reduction=``: "mean" for a
step on the mean over samples).
"""
from __future__ import annotations

import numpy as np
from deltaspec.conformance.adapters import declare
from deltaspec.conformance.adapters.instance import Holder

LR = 2.0 ** 20  # a power of two: dividing by it is exact


def from_step(step, *, forward=None, hidden=("tanh",), output=("identity",), loss=("half_sse",), layout="row",
              reduction="spec", lr=LR, depths=None, biases=(True, False), supports=None):
    """The implementation namespace over ``step(params, X, T, lr) -> [(W', b')]``."""
    hidden, output, losses = declare.names(hidden), declare.names(output), declare.names(loss)
    scope = declare.supports(hidden, output, losses, depths=depths, biases=biases, override=supports)
    where = declare.describe(step)

    def check(activations, loss_name=None):
        declare.check_activations(activations, hidden, output, where)
        if loss_name is not None:
            declare.check_names("losses", loss_name, losses, where)

    def train_step(params, X, T, lr_, activations, loss_name):
        check(activations, loss_name)
        return step(_copy(params), X, T, lr_)

    def gradients(params, X, T, activations, loss_name):
        """(theta - theta') / lr for one step of the wrapped code with the adapter's lr."""
        check(activations, loss_name)
        after = step(_copy(params), X, T, lr)
        try:
            return [(_diff(W, W2, lr), None if b is None else _diff(b, b2, lr))
                    for (W, b), (W2, b2) in zip(params, after, strict=True)]
        except (TypeError, ValueError):
            raise declare.AdapterError(f"{where} returned {type(after).__name__}, expected a list of "
                                       f"{len(params)} (W, b) pairs") from None

    functions = {"gradients": gradients, "train_step": train_step}
    if forward is not None:
        def forward_(params, X, activations):
            check(activations)
            return forward(_copy(params), X)
        functions["forward"] = forward_
    return declare.namespace(functions, layout=layout, reduction=reduction, scope=scope)


def adapt(build, *, step="step", call=None, predict=None, weights="weights", biases="biases", layout="row",
          **options):
    """The implementation namespace over objects built by ``build(sizes)`` that hold their
    params in ``obj.<weights>``, ``obj.<biases>`` and update them with ``obj.<step>(X, T, lr)``
    (or ``call(obj, X, T, lr)``). Biases in every layer; ``options`` as in :func:`from_step`."""
    holder = Holder(build, weights, biases, layout)
    where = declare.describe(build)

    def step_(params, X, T, lr):
        obj = holder.make(params)
        if call is not None:
            call(obj, X, T, lr)
        else:
            declare.method(obj, step, "one training step obj.step(X, T, lr)", "step")(X, T, lr)
        return holder.read(obj, params)

    def forward(params, X):
        obj = holder.make(params)
        return declare.method(obj, predict, "the prediction obj.predict(X)", "predict")(X)

    step_.__qualname__ = f"{where}.{step if call is None else 'call'}"
    options.setdefault("biases", (True,))
    return from_step(step_, forward=forward if predict else None, layout=layout, **options)


def _copy(params):
    return [(np.array(W, dtype=np.float64), None if b is None else np.array(b, dtype=np.float64))
            for W, b in params]


def _diff(before, after, lr):
    """(before - after) / lr, ``after`` in ``before``'s shape (a step may keep (1, n) biases)."""
    after = np.asarray(after, dtype=np.float64)
    return (before - after.reshape(np.shape(before))) / lr
