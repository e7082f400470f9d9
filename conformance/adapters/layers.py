"""Layer objects with ``forward(x)`` and ``backward(grad)``, activations as layers, and
loss objects with ``loss(y, t)`` and ``gradient(y, t)``.

What the wrapped code provides (every name is an option):

* ``dense(n_in, n_out)``: a new dense layer (a class with that signature works as it
  is). Its parameters are attributes ``W`` and ``b``; after ``backward`` its gradients
  are ``dW`` and ``db``. In the row layout (the default) ``forward(x)`` takes x (N, n_in)
  and W is (n_in, n_out); with ``layout="column"``, x is (n_in, N) and W (n_out, n_in);
  b may be stored in any shape with n_out elements;
* ``backward(grad)``: takes dE/d(output) and returns dE/d(input), having stored the
  layer's parameter gradients; it may rely on what ``forward`` cached;
* ``activations``: {catalog name: factory of a layer without parameters}, e.g.
  ``{"sigmoid": Sigmoid, "tanh": Tanh}``;
* ``losses``: {catalog name: factory of a loss object}, whose ``loss(y, t)`` is E' and
  ``gradient(y, t)`` is dE'/dy; declare their ``reduction`` ("spec" when they are the
  spec's losses, "mean" for a mean over samples, ...).

For every call a fresh network of fresh layers is built, the suite's params put in
place, and the code's own ``forward``/``backward`` run; the adapter only chains them:

* ``forward``: x through dense_1, act_1, ..., dense_L, act_L;
* ``gradients``: forward, then grad = loss.gradient(y, t) back through every layer in
  reverse; each dense layer's (dW, db);
* ``<act>(z)``: the layer's forward; ``<act>_prime(z)``: its backward of ones after a
  forward of z (g'(z) for an elementwise layer; softmax gets no prime);
* ``<loss>`` and ``<loss>_prime``: the loss object's ``loss`` and ``gradient``;
* ``output_delta(y, t, z, act, loss)``: the activation layer's backward of
  loss.gradient(y, t) after its forward of z;
* ``hidden_delta(delta_next, W_next, z, a, act)``: a dense layer holding W_next (and zero
  biases) run forward on a and backward on delta_next, then the activation layer's
  backward of that after its forward of z.

Scope (SUPPORTS): the named activations (each elementwise one in hidden and output
layers, softmax in the output only), the named losses, any depth, biases in every layer.
"""
from __future__ import annotations

import numpy as np
from deltaspec.conformance.adapters import declare


class Names:
    """The attribute and method names of the layer protocol (the defaults above)."""

    def __init__(self, W="W", b="b", dW="dW", db="db", forward="forward", backward="backward", value="loss",
                 gradient="gradient"):
        self.W, self.b, self.dW, self.db = W, b, dW, db
        self.forward, self.backward, self.value, self.gradient = forward, backward, value, gradient


def adapt(*, dense, activations, losses, layout="row", reduction="spec", sign=1, depths=None, supports=None,
          **names):
    """The implementation namespace over these layer factories (``names``: see Names)."""
    n = Names(**names)
    elementwise = [a for a in activations if a != declare.SOFTMAX]
    scope = declare.supports(elementwise, list(activations), list(losses), depths=depths, override=supports)
    net = Network(dense, activations, losses, layout, n)
    functions = {"forward": net.forward, "gradients": net.gradients, "output_delta": net.output_delta}
    if elementwise:
        functions["hidden_delta"] = net.hidden_delta
    for act in activations:
        functions[act] = net.activation_function(act)
        if act != declare.SOFTMAX:
            functions[f"{act}_prime"] = net.activation_prime(act)
    for loss in losses:
        functions[loss] = net.loss_function(loss, n.value, "E'(y, t)")
        functions[f"{loss}_prime"] = net.loss_function(loss, n.gradient, "dE'/dy")
    return declare.namespace(functions, layout=layout, sign=sign, reduction=reduction, scope=scope)


class Network:
    """Builds fresh layers for each call and chains their forward and backward."""

    def __init__(self, dense, activations, losses, layout, names: Names):
        self.dense, self.activations, self.losses = dense, dict(activations), dict(losses)
        self.layout, self.n = layout, names

    # ------------------------------------------------------------ building

    def _pick(self, table, name, kind):
        declare.check_names(kind, name, list(table), "the adapted code")
        return table[name]()

    def dense_layer(self, W, b):
        """A fresh dense layer for W's shape holding W and b (zeros for b = None)."""
        n_in, n_out = W.shape if self.layout == "row" else W.shape[::-1]
        layer = self.dense(n_in, n_out)
        where = declare.describe(layer)
        W_own = declare.attribute(layer, self.n.W, "the weight matrix", "W")
        b_own = declare.attribute(layer, self.n.b, "the bias vector", "b")
        if np.shape(W_own) != W.shape:
            raise declare.AdapterError(f"{where}({n_in}, {n_out}).{self.n.W} has shape {np.shape(W_own)}, "
                                       f"expected {W.shape} in the {self.layout} layout")
        setattr(layer, self.n.W, np.array(W, dtype=np.float64))
        bias = np.zeros(n_out) if b is None else np.asarray(b, dtype=np.float64)
        setattr(layer, self.n.b, bias.reshape(np.shape(b_own)).copy())
        return layer

    def build(self, params, activations):
        """[(dense_l, act_l)] for the params and the activation names."""
        if len(activations) != len(params):
            raise declare.AdapterError(f"{len(activations)} activations for {len(params)} layers")
        for W, b in params:
            if b is None:
                raise declare.AdapterError("every adapted dense layer has a bias: a network without biases is "
                                           "outside what it runs (keep biases: [True] in SUPPORTS)")
        return [(self.dense_layer(W, b), self._pick(self.activations, a, "activations"))
                for (W, b), a in zip(params, activations)]

    def _run(self, layer, which, *args):
        return declare.method(layer, getattr(self.n, which), f"the layer's {which}", which)(*args)

    # ------------------------------------------------------------ the network

    def _forward(self, layers, X):
        x = X
        for dense, act in layers:
            x = self._run(act, "forward", self._run(dense, "forward", x))
        return x

    def forward(self, params, X, activations):
        """Y: X through every layer's own forward."""
        return self._forward(self.build(params, activations), X)

    def gradients(self, params, X, T, activations, loss):
        """[(dW_l, db_l)]: dE'/dy from the loss object, then every layer's own backward."""
        layers = self.build(params, activations)
        lossobj = self._pick(self.losses, loss, "losses")
        grad = self._run(lossobj, "gradient", self._forward(layers, X), T)
        for dense, act in reversed(layers):
            grad = self._run(dense, "backward", self._run(act, "backward", grad))
        out = []
        for (dense, _), (W, b) in zip(layers, params):
            dW = declare.attribute(dense, self.n.dW, "the weight gradient set by backward", "dW")
            db = declare.attribute(dense, self.n.db, "the bias gradient set by backward", "db")
            out.append((dW, np.asarray(db).reshape(np.shape(b)) if np.size(db) == np.size(b) else db))
        return out

    # ------------------------------------------------------------ single pieces

    def activation_function(self, name):
        def activation(z):
            return self._run(self._pick(self.activations, name, "activations"), "forward", z)
        activation.__name__ = name
        return activation

    def activation_prime(self, name):
        def prime(z):
            """g'(z): the layer's backward of ones after its forward of z."""
            layer = self._pick(self.activations, name, "activations")
            self._run(layer, "forward", z)
            return self._run(layer, "backward", np.ones_like(np.asarray(z, dtype=np.float64)))
        prime.__name__ = f"{name}_prime"
        return prime

    def loss_function(self, name, attr, what):
        def call(y, t):
            lossobj = self._pick(self.losses, name, "losses")
            return declare.method(lossobj, attr, what, "value" if attr == self.n.value else "gradient")(y, t)
        call.__name__ = name if attr == self.n.value else f"{name}_prime"
        return call

    def output_delta(self, y, t, z, activation, loss):
        """The output layer's backward of dE'/dy after its forward of z."""
        layer = self._pick(self.activations, activation, "activations")
        self._run(layer, "forward", z)
        return self._run(layer, "backward", self._run(self._pick(self.losses, loss, "losses"), "gradient", y, t))

    def hidden_delta(self, delta_next, W_next, z, a, activation):
        """The next dense layer's backward of delta_next (after its forward of a), then this
        layer's activation backward (after its forward of z)."""
        dense = self.dense_layer(W_next, None)
        self._run(dense, "forward", a)
        upstream = self._run(dense, "backward", delta_next)
        layer = self._pick(self.activations, activation, "activations")
        self._run(layer, "forward", z)
        return self._run(layer, "backward", upstream)
