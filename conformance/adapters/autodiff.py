"""A loss function of the parameters and its gradient function: autodiff code.

What the wrapped code provides:

* ``loss(params, X, T) -> E'``: the network's loss as a function of its parameters,
  params a list of (W, b) pairs (b may be None), row layout by default: X (N, n_0),
  W_l (n_{l-1}, n_l), b_l (n_l,);
* its gradient with respect to params, in the same structure, either as a function
  ``grad(params, X, T) -> [(dE'/dW_l, dE'/db_l)]`` or as the transform that makes it from
  ``loss``: ``transform=jax.grad``, ``autograd.grad`` (HIPS), ``torch.func.grad``, or a
  hand-written reverse mode's ``grad``;
* optionally ``forward(params, X) -> Y``: the network's output.

The adapter calls the gradient function and hands its result to the suite as
``gradients``; what is judged is that gradient, against the reference and against
finite differences of ``forward`` (given a forward).

The function fixes the architecture: declare it (``hidden=``, ``output=``, ``loss_name=``,
default tanh / sigmoid / bce) and the reduction of its loss (``reduction=``). A function
that takes the activations and the loss as names, ``loss(params, X, T, activations,
loss_name)`` (and ``grad`` and ``forward(params, X, activations)`` likewise), is
adapted with ``named=True`` and lists every name it runs.

Arrays: ``to_array`` converts each input array on the way in (``jnp.asarray``,
``torch.from_numpy``; default: none), ``from_array`` each result on the way out
(default ``numpy.asarray``; ``lambda t: t.detach().numpy()`` for torch). JAX computes
in float32 unless ``jax.config.update("jax_enable_x64", True)``: the suite then judges
at float32's tolerance.

Scope (SUPPORTS): the declared names, any depth (``depths=``), with and without biases
(``biases=(True,)`` when the code always has them).
"""
from __future__ import annotations

import numpy as np
from deltaspec.conformance.adapters import declare


def adapt(loss, grad=None, *, transform=None, forward=None, hidden=("tanh",), output=("sigmoid",),
          loss_name=("bce",), named=False,
          layout="row", reduction="spec", sign=1, depths=None, biases=(True, False), to_array=None,
          from_array=np.asarray, supports=None):
    """The implementation namespace over ``grad`` (or ``transform(loss)``) and ``forward``."""
    if grad is None and transform is None:
        raise declare.AdapterError("autodiff.adapt needs the gradient: grad=<function> or transform=<e.g. jax.grad>")
    if grad is None:
        grad = transform(loss)
    hidden, output, losses = declare.names(hidden), declare.names(output), declare.names(loss_name)
    scope = declare.supports(hidden, output, losses, depths=depths, biases=biases, override=supports)
    where = f"the gradient of {declare.describe(loss)}"
    convert = to_array or (lambda a: a)

    def inputs(params, X, T=None):
        ps = [(convert(W), None if b is None else convert(b)) for W, b in params]
        return (ps, convert(X)) if T is None else (ps, convert(X), convert(T))

    def gradients(params, X, T, activations, loss_):
        """grad(params, X, T) as [(dW, db)] numpy arrays."""
        declare.check_activations(activations, hidden, output, where)
        declare.check_names("losses", loss_, losses, where)
        extra = (list(activations), loss_) if named else ()
        return _pairs(grad(*inputs(params, X, T), *extra), params, from_array, where)

    functions = {"gradients": gradients}
    if forward is not None:
        def forward_(params, X, activations):
            declare.check_activations(activations, hidden, output, where)
            extra = (list(activations),) if named else ()
            return from_array(forward(*inputs(params, X), *extra))
        functions["forward"] = forward_
    return declare.namespace(functions, layout=layout, sign=sign, reduction=reduction, scope=scope)


def _pairs(result, params, from_array, where):
    """The gradient pytree as [(dW, db)], db None where b is."""
    if not isinstance(result, (list, tuple)) or len(result) != len(params):
        raise declare.AdapterError(f"{where} returned {type(result).__name__}, expected {len(params)} (dW, db) "
                                   "pairs, the structure of params")
    out = []
    for l, (pair, (_, b)) in enumerate(zip(result, params)):
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise declare.AdapterError(f"{where}: entry {l} of the gradient is not a (dW, db) pair")
        dW, db = pair
        out.append((from_array(dW), None if b is None or db is None else from_array(db)))
    return out
