"""The generic reference network: fully connected, any depth and widths, float64.

Notation (``spec.conventions``, row layout): ``X`` (N, n_0) is ``A_0``; layer l has
``W_l`` (n_{l-1}, n_l), an optional bias ``b_l`` (1, n_l) and an activation g_l:

    Z_l = A_{l-1} W_l + b_l,    A_l = g_l(Z_l),    Y = A_L,    E = loss(Y, T)
    delta_L = dE/dZ_L           (spec.numeric.output_delta, derived by SymPy)
    delta_l = g_l'(Z_l) * (delta_{l+1} W_{l+1}^T)          (spec.backprop.hidden_delta)
    dE/dW_l = A_{l-1}^T delta_l,  dE/db_l = sum over samples of delta_l
    step:  W_l <- W_l - eta dE/dW_l,  b_l <- b_l - eta dE/db_l

Every formula above is a call into ``spec``: the stable compiled activations, their
derivatives, the losses and output deltas of ``spec.numeric`` and the matrix rules of
``spec.backprop``. This module only wires them together.

The seed programs write the same descent in other ways; :class:`Conventions` names
each way so that one generic network reproduces every one of them (see
``reference/registry.py`` for each seed's settings).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from deltaspec.spec import backprop, numeric

SOFTMAX = numeric.SOFTMAX


# ---------------------------------------------------------------- conventions


@dataclass(frozen=True)
class Conventions:
    """How a program writes gradient descent; the defaults are the spec's choices.

    * ``sign``: +1 keeps ``delta = dE/dz`` and steps ``W -= eta A^T delta``; -1 keeps the
      tutorials' error ``e = -delta`` (``t - y``) and steps ``W += eta A^T e``. The two
      give the same bits: negation is exact.
    * ``lr_scale``: the step size is ``lr * lr_scale`` (e.g. 2 makes a half-SSE step an
      SSE step).
    * ``update``: ``"batch"``, one step on all rows; ``"sample"``, one step per row, in
      order (:meth:`Network.epoch`).
    * ``backprop``: ``"before"``, every delta uses the weights from before the step (the
      true gradient); ``"after"``, layers are updated from the output down and delta_l
      uses W_{l+1} already updated in this step (seed 000's quirk).
    * ``prime_of``: ``"z"`` evaluates g'(Z); ``"a"`` evaluates the spec's g' in terms of
      A = g(Z) (only where the spec has that form).
    """

    sign: int = 1
    lr_scale: float = 1.0
    update: str = "batch"
    backprop: str = "before"
    prime_of: str = "z"

    def __post_init__(self):
        _choose(self.sign, (1, -1), "sign")
        _choose(self.update, ("batch", "sample"), "update")
        _choose(self.backprop, ("before", "after"), "backprop")
        _choose(self.prime_of, ("z", "a"), "prime_of")


def _choose(value, allowed, what):
    if value not in allowed:
        raise ValueError(f"{what} must be one of {', '.join(map(repr, allowed))}, not {value!r}")


# ---------------------------------------------------------------- layers and passes


@dataclass
class Layer:
    """One dense layer: ``Z = A_prev W + b``, ``A = g(Z)``.

    W: (n_in, n_out); b: (1, n_out) or None; ``fixed_weights`` keeps W constant (a
    connection that is not trained, like Roelants' output unit, ``y = g(h + b_o)``).
    """

    W: np.ndarray
    b: np.ndarray | None
    activation: str
    fixed_weights: bool = False

    def copy(self) -> "Layer":
        """An independent copy (arrays copied)."""
        b = None if self.b is None else self.b.copy()
        return Layer(self.W.copy(), b, self.activation, self.fixed_weights)


@dataclass
class Pass:
    """A forward pass: ``Z[l]`` and ``A[l]`` for l = 1..L at index l - 1; ``A0`` = X."""

    A0: np.ndarray
    Z: list[np.ndarray] = field(default_factory=list)
    A: list[np.ndarray] = field(default_factory=list)

    @property
    def output(self) -> np.ndarray:
        """Y = A_L, shape (N, n_L)."""
        return self.A[-1]

    def input_of(self, index: int) -> np.ndarray:
        """A_{l-1} for the layer at ``index`` (0-based)."""
        return self.A0 if index == 0 else self.A[index - 1]


def _as_float(x, what: str) -> np.ndarray:
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim != 2:
        raise ValueError(f"{what} must be 2-D (samples, features), got shape {arr.shape}")
    return arr


def activate(name: str, z: np.ndarray) -> np.ndarray:
    """g(Z): the spec's stable activation (softmax row-wise)."""
    return numeric.activation(name)(z)


def slope(name: str, z: np.ndarray, a: np.ndarray, of: str = "z") -> np.ndarray:
    """g'(Z), from Z (``of="z"``) or from A = g(Z) (``of="a"``, where the spec has it)."""
    if of == "a" and numeric.has_prime_of_a(name):
        return numeric.activation_prime(name, of="a")(a)
    return numeric.activation_prime(name, of="z")(z)


# ---------------------------------------------------------------- the network


@dataclass
class Network:
    """A list of layers, a catalog loss and the conventions of its training."""

    layers: list[Layer]
    loss: str
    conventions: Conventions = field(default_factory=Conventions)

    def __post_init__(self):
        validate([(lay.W, lay.b) for lay in self.layers], [lay.activation for lay in self.layers], self.loss)

    # -- construction

    @classmethod
    def from_params(cls, params, activations, loss, conventions=None, fixed=()) -> "Network":
        """A network from ``[(W, b), ...]`` (copied, as float64); ``fixed`` lists the
        indices of layers whose weights are not trained."""
        validate(params, activations, loss)
        layers = [
            Layer(
                np.array(W, dtype=np.float64),
                None if b is None else np.array(b, dtype=np.float64).reshape(1, -1),
                act,
                i in fixed,
            )
            for i, ((W, b), act) in enumerate(zip(params, activations))
        ]
        return cls(layers, loss, conventions or Conventions())

    @classmethod
    def initialized(cls, sizes, activations, loss, seed, bias=True, conventions=None) -> "Network":
        """Glorot-uniform weights, zero biases, from ``numpy.random.default_rng(seed)``.

        sizes = [n_0, n_1, ..., n_L]; W_l ~ U(-r, r) with r = sqrt(6 / (n_{l-1} + n_l)),
        drawn layer by layer from the input side; b_l = 0 (None if not ``bias``).
        """
        rng = np.random.default_rng(seed)
        params = []
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            r = np.sqrt(6.0 / (n_in + n_out))
            params.append((rng.uniform(-r, r, (n_in, n_out)), np.zeros((1, n_out)) if bias else None))
        return cls.from_params(params, activations, loss, conventions)

    def params(self) -> list[tuple[np.ndarray, np.ndarray | None]]:
        """``[(W, b), ...]`` (copies)."""
        return [(lay.W.copy(), None if lay.b is None else lay.b.copy()) for lay in self.layers]

    def copy(self) -> "Network":
        """An independent copy."""
        return replace(self, layers=[lay.copy() for lay in self.layers])

    # -- the math

    def forward(self, X) -> Pass:
        """Z_l = A_{l-1} W_l + b_l and A_l = g_l(Z_l) for every layer."""
        run = Pass(_as_float(X, "X"))
        _check_input(self.layers[0].W, run.A0)
        for lay in self.layers:
            z = backprop.pre_activation(run.A[-1] if run.A else run.A0, lay.W, lay.b)
            run.Z.append(z)
            run.A.append(activate(lay.activation, z))
        return run

    def predict(self, X) -> np.ndarray:
        """Y = A_L, shape (N, n_L)."""
        return self.forward(X).output

    def error(self, X, T) -> float:
        """E(Y, T), the catalog loss."""
        return numeric.loss(self.loss)(self.predict(X), _as_float(T, "T"))

    def output_delta(self, run: Pass, T) -> np.ndarray:
        """delta_L = dE/dZ_L from the spec's closed form (y, t, z)."""
        T = _as_float(T, "T")
        if T.shape != run.output.shape:
            raise ValueError(f"T has shape {T.shape} but the network outputs {run.output.shape}")
        last = self.layers[-1]
        return numeric.output_delta(self.loss, last.activation)(run.output, T, run.Z[-1])

    def hidden_delta(self, run: Pass, index: int, delta_next, W_next) -> np.ndarray:
        """delta_l = g_l'(Z_l) * (delta_{l+1} W_{l+1}^T) for the layer at ``index``."""
        lay = self.layers[index]
        gprime = slope(lay.activation, run.Z[index], run.A[index], self.conventions.prime_of)
        return backprop.hidden_delta(delta_next, W_next, gprime)

    def deltas(self, run: Pass, T) -> list[np.ndarray]:
        """[delta_1, ..., delta_L], all with the current weights."""
        out = [self.output_delta(run, T)]
        for index in range(len(self.layers) - 2, -1, -1):
            out.append(self.hidden_delta(run, index, out[-1], self.layers[index + 1].W))
        return out[::-1]

    def layer_gradient(self, run: Pass, index: int, delta):
        """(dE/dW_l, dE/db_l): A_{l-1}^T delta_l and delta_l summed over samples
        (db None without a bias, dW None for fixed weights)."""
        lay = self.layers[index]
        dW = None if lay.fixed_weights else backprop.weight_gradient(run.input_of(index), delta)
        db = None if lay.b is None else backprop.bias_gradient(delta).reshape(lay.b.shape)
        return dW, db

    def gradients(self, X, T) -> list[tuple[np.ndarray | None, np.ndarray | None]]:
        """[(dE/dW_l, dE/db_l), ...] at the current weights."""
        run = self.forward(X)
        return [self.layer_gradient(run, i, d) for i, d in enumerate(self.deltas(run, T))]

    def backward(self, run: Pass, T, eta: float = 0.0) -> list[tuple[np.ndarray | None, np.ndarray | None]]:
        """[(dE/dW_l, dE/db_l), ...] for the step of size ``eta`` that the conventions take,
        computed from the output layer down.

        With ``backprop="before"`` these are the gradients at the current weights. With
        ``"after"`` (seed 000's quirk) delta_l is propagated through W_{l+1} as this step
        updates it, W_{l+1} - eta dE/dW_{l+1}, so only the output layer's is a gradient.
        """
        after = self.conventions.backprop == "after"
        grads: list = [None] * len(self.layers)
        delta = self.output_delta(run, T)
        for index in range(len(self.layers) - 1, -1, -1):
            if index < len(self.layers) - 1:
                W_next = self._stepped(index + 1, grads[index + 1], eta)[0] if after else self.layers[index + 1].W
                delta = self.hidden_delta(run, index, delta, W_next)
            grads[index] = self.layer_gradient(run, index, delta)
        return grads

    # -- descent

    def _stepped(self, index: int, grads, eta: float):
        """(W_l - eta dW, b_l - eta db), written with the configured sign of the stored
        error (a None gradient leaves its parameter as it is)."""
        lay, sign = self.layers[index], self.conventions.sign
        dW, db = grads
        W = lay.W if dW is None else lay.W - sign * (eta * (sign * dW))
        b = lay.b if db is None else lay.b - sign * (eta * (sign * db))
        return W, b

    def step(self, X, T, lr: float) -> None:
        """One gradient-descent step on the rows given (in place), the output layer first."""
        eta = lr * self.conventions.lr_scale
        grads = self.backward(self.forward(X), T, eta)
        for index in range(len(self.layers) - 1, -1, -1):
            lay = self.layers[index]
            lay.W, lay.b = self._stepped(index, grads[index], eta)

    def epoch(self, X, T, lr: float) -> None:
        """One pass over the data: one step (batch) or one step per row (sample)."""
        X, T = _as_float(X, "X"), _as_float(T, "T")
        if self.conventions.update == "batch":
            self.step(X, T, lr)
            return
        for n in range(X.shape[0]):
            self.step(X[n : n + 1], T[n : n + 1], lr)

    def train(self, X, T, lr: float, epochs: int) -> "Network":
        """``epochs`` epochs of descent (in place); returns self."""
        for _ in range(epochs):
            self.epoch(X, T, lr)
        return self


# ---------------------------------------------------------------- validation


def validate(params, activations, loss) -> None:
    """One-line ValueErrors for unknown names, a wrong number of activations, softmax
    before the last layer, or consecutive weights whose shapes do not chain."""
    numeric.loss(loss)  # unknown loss -> ValueError naming the known ones
    activations = list(activations)
    if len(activations) != len(params):
        raise ValueError(f"{len(params)} layers need {len(params)} activations, got {len(activations)}")
    if not params:
        raise ValueError("a network needs at least one layer")
    for i, name in enumerate(activations):
        if name == SOFTMAX and i != len(activations) - 1:
            raise ValueError(f"softmax is output-layer only, but layer {i + 1} of {len(activations)} uses it")
        if name != SOFTMAX:
            numeric.activation(name)
    for i, (W, b) in enumerate(params):
        W = np.asarray(W)
        if W.ndim != 2:
            raise ValueError(f"W of layer {i + 1} must be 2-D, got shape {W.shape}")
        if b is not None and np.asarray(b).size != W.shape[1]:
            raise ValueError(f"b of layer {i + 1} has {np.asarray(b).size} entries, W has {W.shape[1]} columns")
        if i and np.asarray(params[i - 1][0]).shape[1] != W.shape[0]:
            raise ValueError(
                f"layer {i} outputs {np.asarray(params[i - 1][0]).shape[1]} values "
                f"but W of layer {i + 1} expects {W.shape[0]}"
            )


def _check_input(W, X) -> None:
    if X.shape[1] != W.shape[0]:
        raise ValueError(f"X has {X.shape[1]} features but W of layer 1 expects {W.shape[0]}")


# ---------------------------------------------------------------- the functional API


def forward(params, X, activations) -> np.ndarray:
    """Y = A_L for ``params = [(W, b), ...]`` (b may be None)."""
    loss = "half_sse"  # forward does not use the loss; any catalog name validates
    return Network.from_params(params, activations, loss).predict(X)


def gradients(params, X, T, activations, loss) -> list[tuple[np.ndarray, np.ndarray | None]]:
    """[(dE/dW_l, dE/db_l), ...], db None where b is None (shaped like b)."""
    grads = Network.from_params(params, activations, loss).gradients(X, T)
    return [(dW, None if db is None else db.reshape(np.shape(b))) for (dW, db), (_, b) in zip(grads, params)]


def train_step(params, X, T, lr, activations, loss) -> list[tuple[np.ndarray, np.ndarray | None]]:
    """One full-batch step theta - lr dE/dtheta; returns new params (inputs untouched).

    Biases keep the shape they were given."""
    net = Network.from_params(params, activations, loss)
    net.step(X, T, lr)
    return [
        (W, None if b is None else b.reshape(np.shape(b_in)))
        for (W, b), (_, b_in) in zip(net.params(), params)
    ]


def train(X, T, hidden, activations, loss, lr, epochs, seed) -> list[tuple[np.ndarray, np.ndarray]]:
    """Full-batch gradient descent from a seeded Glorot-uniform start (zero biases).

    sizes = [X.shape[1], *hidden, T.shape[1]]; see :meth:`Network.initialized`. The
    result depends only on the arguments (NumPy's default_rng(seed)).
    """
    X, T = _as_float(X, "X"), _as_float(T, "T")
    sizes = [X.shape[1], *hidden, T.shape[1]]
    if len(activations) != len(sizes) - 1:
        raise ValueError(f"{len(sizes) - 1} layers need {len(sizes) - 1} activations, got {len(activations)}")
    net = Network.initialized(sizes, activations, loss, seed)
    return net.train(X, T, lr, epochs).params()
