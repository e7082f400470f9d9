"""A network class in the textbook style (Nielsen's network.py and its many descendants).

The class is built from a ``sizes`` list ``[n_0, ..., n_L]`` and keeps, in the column
layout (samples are columns):

* ``weights``: a list of W_l, each (n_l, n_{l-1});
* ``biases``: a list of b_l, each (n_l, 1);
* ``feedforward(a)``: the output (n_L, 1) for one input column a (n_0, 1);
* ``backprop(x, y)``: for one sample, ``(nabla_b, nabla_w)``: lists of dC_x/db_l and
  dC_x/dW_l, the gradients of the code's own per-sample cost C_x.

The adapter builds a fresh instance for every call, puts the suite's params in its
``weights`` and ``biases``, and calls the class's own methods; nothing of the math is
redone here. ``gradients`` is the sum over the batch of the per-sample ``backprop``
results, the gradient of E' = sum_x C_x: for C_x = 1/2 ||a - y||^2 that is half_sse
exactly (REDUCTION = "sum", which for half_sse is the spec's own). With ``batched=True``
``backprop`` takes the whole batch (X (n_0, N), Y (n_L, N)) and its result is taken as
it is; declare the code's own ``reduction`` then.

Names: every attribute and method name is an option (``weights=``, ``biases=``,
``feedforward=``, ``backprop=``); ``order="wb"`` when backprop returns
``(nabla_w, nabla_b)``. The activations and the loss are the class's own: declare them
(``hidden=``, ``output=``, ``loss=``; default sigmoid everywhere and half_sse, as in
Nielsen's chapter 2). A class that takes them as arguments is built by ``build(sizes,
activations, loss)``, with ``hidden``/``output``/``losses`` listing what it runs.

``update="update_mini_batch"`` also provides ``train_step``: one call of that method
with the batch as a list of (x, y) column pairs and a learning rate. Nielsen's step
takes the mean over the mini-batch, W - (eta / N) sum_x nabla_x, while the gradients
above are the sum; so the method gets eta = N lr (``update_mean=False`` for a step on
the sum), and the step is W - lr sum_x nabla_x, the one the suite asks for.

Scope (SUPPORTS): those activations and losses, any depth (``sizes`` may be of any
length; ``depths=`` narrows it), biases in every layer.
"""
from __future__ import annotations

import numpy as np
from deltaspec.conformance.adapters import declare
from deltaspec.conformance.adapters.instance import Holder


def adapt(network_class=None, *, hidden=("sigmoid",), output=("sigmoid",), loss=("half_sse",), build=None,
          weights="weights", biases="biases", feedforward="feedforward", backprop="backprop", order="bw",
          batched=False, update=None, update_mean=True, reduction="sum", sign=1, depths=None, supports=None):
    """The implementation namespace over ``network_class`` (or over ``build``)."""
    if network_class is None and build is None:
        raise declare.AdapterError("textbook.adapt needs the network class (or build=)")
    hidden, output, losses = declare.names(hidden), declare.names(output), declare.names(loss)
    scope = declare.supports(hidden, output, losses, depths=depths, override=supports)
    where = declare.describe(network_class or build)

    def holder(activations, loss_name):
        """What builds the class for these activations and loss, and moves params in and out."""
        declare.check_activations(activations, hidden, output, where)
        declare.check_names("losses", loss_name, losses, where)
        maker = (lambda sizes: build(sizes, list(activations), loss_name)) if build else network_class
        return Holder(maker, weights, biases, "column")

    def make(params, activations, loss_name):
        return holder(activations, loss_name).make(params)

    def forward(params, X, activations):
        """Y (n_L, N): feedforward on each column of X (n_0, N), or on X at once if batched."""
        net = make(params, activations, losses[0])
        run = declare.method(net, feedforward, "the forward pass a -> output", "feedforward")
        if batched:
            return np.asarray(run(X), dtype=np.float64)
        return np.hstack([np.asarray(run(X[:, [j]]), dtype=np.float64).reshape(-1, 1) for j in range(X.shape[1])])

    def gradients(params, X, T, activations, loss):
        """[(dE'/dW_l (n_l, n_{l-1}), dE'/db_l (n_l, 1))]: the sum of backprop over the samples."""
        net = make(params, activations, loss)
        run = declare.method(net, backprop, "per-sample gradients (nabla_b, nabla_w)", "backprop")
        if batched:
            return _pairs(run(X, T), params, order, where)
        total = None
        for j in range(X.shape[1]):
            one = _pairs(run(X[:, [j]], T[:, [j]]), params, order, where)
            # the batch's E' is the sum of the per-sample costs, so its gradient is the sum
            total = one if total is None else [(W + w, b + c) for (W, b), (w, c) in zip(total, one)]
        return total

    def train_step(params, X, T, lr, activations, loss):
        """The class's own update on the batch [(x_j, t_j)], with eta = N lr for a mean step."""
        own = holder(activations, loss)
        net = own.make(params)
        step = declare.method(net, update, "one training step on a mini-batch", "update")
        n = X.shape[1]
        step([(X[:, [j]], T[:, [j]]) for j in range(n)], lr * n if update_mean else lr)
        return own.read(net, params)

    functions = {"forward": forward, "gradients": gradients}
    if update:
        functions["train_step"] = train_step
    return declare.namespace(functions, layout="column", sign=sign, reduction=reduction, scope=scope)


def _pairs(result, params, order, where):
    """backprop's (nabla_b, nabla_w) (or (nabla_w, nabla_b)) as [(dW, db)], shapes checked."""
    try:
        first, second = result
    except (TypeError, ValueError):
        raise declare.AdapterError(f"{where}'s backprop returned {type(result).__name__}, expected a pair "
                                   "(nabla_b, nabla_w) of lists") from None
    nabla_b, nabla_w = (first, second) if order == "bw" else (second, first)
    if len(nabla_w) != len(params) or len(nabla_b) != len(params):
        raise declare.AdapterError(f"{where}'s backprop returned {len(nabla_w)} weight and {len(nabla_b)} bias "
                                   f"gradients for {len(params)} layers")
    out = []
    for l, (dW, db, (W, b)) in enumerate(zip(nabla_w, nabla_b, params)):
        dW, db = np.asarray(dW, dtype=np.float64), np.asarray(db, dtype=np.float64)
        if dW.shape != W.shape:
            swap = " (is it (nabla_w, nabla_b)? pass order='wb')" if dW.size == b.size else ""
            raise declare.AdapterError(f"{where}'s backprop: nabla_w[{l}] has shape {dW.shape}, expected "
                                       f"{W.shape}{swap}")
        out.append((dW, db.reshape(b.shape)))
    return out
