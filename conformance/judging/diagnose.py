"""Naming the likely cause of a wrong result.

A wrong answer is compared with a list of known mistakes, each *computed* from the
spec and the reference network (never guessed from the numbers alone; the slips, their
codes and sentences are the table ``spec.slips``, shared with ``spec.check``): the sign flipped, a
factor 2 or 1/2, a factor N or 1/N, g' given the output instead of the pre-activation,
a missing g' factor, a transposed weight matrix, the hidden delta computed with
already-updated weights, a bias gradient averaged over the batch, the biases ignored by
the forward pass, the update returned instead of the gradient, a loss value with another
reduction, another leaky_relu slope, softmax over the wrong axis. The first candidate
the answer matches is the diagnosis. Where the difference is a convention rather than a
bug, the diagnosis names the constant to declare.

A call that *raises* is diagnosed too (:func:`raised`): on the probe input, where it may
run (delta W instead of delta W^T runs only for a square W), in the other layout (an
implementation that gives the spec's answer once its arrays are taken the other way
round has an undeclared LAYOUT), or by a check of its raw result (a bias gradient that
is delta itself, one row per sample: :func:`unsummed_bias`).
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from deltaspec.reference import network as refnet
from deltaspec.spec import backprop, numeric, slips

MATCH_RTOL = 1e-6


@dataclass(frozen=True)
class Mistake:
    """A known mistake: a short code, the sentence shown to the user, its result."""

    code: str
    text: str
    value: object


def _mistake(code: str, value, context: str = "", **fields) -> Mistake:
    """The slip ``code`` of ``spec.slips``, its sentence for this context, its value."""
    return Mistake(code, slips.diagnosis(code, context, **fields), value)


def flat(value) -> np.ndarray:
    """Arrays, or lists of (W, b) pairs, as one float vector (None entries skipped)."""
    if isinstance(value, (list, tuple)):
        parts = [flat(v) for v in value if v is not None]
        return np.concatenate(parts) if parts else np.zeros(0)
    return np.asarray(value, dtype=np.float64).ravel()


def matches(got, candidate) -> bool:
    g, c = flat(got), flat(candidate)
    if g.shape != c.shape or not np.all(np.isfinite(c)):
        return False
    scale = max(np.max(np.abs(c), initial=0.0), 1e-300)
    return bool(np.all(np.abs(g - c) <= MATCH_RTOL * (np.abs(c) + 1e-9 * scale)))


def diagnose(got, expected, mistakes) -> Mistake | None:
    """The first known mistake that reproduces ``got``; else a constant factor if any."""
    if flat(got).shape != flat(expected).shape:
        return None
    for mistake in mistakes:
        if matches(got, mistake.value):
            return mistake
    g, e = flat(got), flat(expected)
    nonzero = np.abs(e) > 1e-12 * max(np.max(np.abs(e), initial=0.0), 1e-300)
    if nonzero.sum() >= 2:
        ratio = g[nonzero] / e[nonzero]
        if np.allclose(ratio, ratio[0], rtol=1e-6) and abs(ratio[0]) > 0:
            return _mistake("constant_factor", None, ratio=ratio[0])
    return None


def _scaled(value, n: int, k: int, context: str, loss: str | None = None):
    """The rescaling slips (``spec.slips.RESCALINGS``) every backward quantity can make,
    each where this batch tells it apart: a factor N needs N > 1, a factor K needs K > 1.
    For a loss, a factor that a REDUCTION declaration accounts for says so."""
    mistakes = []
    for slip in slips.RESCALINGS:
        _, p, q = slip.factor
        if (p and n == 1) or (q and k == 1):
            continue
        factor = float(slip.scale(n, k))
        mistake = _mistake(slip.code, _mul(value, factor), context, n=n, k=k, nk=n * k)
        declared = _reduction_for(loss, factor, n, k) if loss is not None else None
        if declared is not None:
            mistake = Mistake(mistake.code, f"{mistake.text}; if that is your loss's convention, declare "
                                            f"REDUCTION = {declared!r}", mistake.value)
        mistakes.append(mistake)
    return mistakes


def _reduction_for(loss: str, factor: float, n: int, k: int) -> str | None:
    """The REDUCTION whose loss is ``factor`` times the spec's on an (n, k) batch (the
    adapter's own rule, interface/adapter.py)."""
    from deltaspec.conformance.interface.adapter import REDUCTIONS, reduction_factor

    for name in REDUCTIONS:
        if abs(reduction_factor(loss, name, n, k) - factor) <= 1e-12 * abs(factor):
            return name
    return None


def _mul(value, c):
    if isinstance(value, list):
        return [(c * W, None if b is None else c * b) for W, b in value]
    return c * np.asarray(value)


SIGN_TEXT = slips.diagnosis("sign", "gradient")


LEAKY_SLOPES = (0.1, 0.2, 0.3)  # common other choices: tutorials, tf.nn.leaky_relu, Keras LeakyReLU


def _leaky(z, slope: float, prime: bool = False):
    """leaky_relu with another negative slope s: z for z > 0, s z below (its derivative:
    1 and s), built from the spec's relu: relu(z) - s relu(-z)."""
    relu, relu_prime = numeric.activation("relu"), numeric.activation_prime("relu")
    if prime:
        return relu_prime(z) + slope * relu_prime(-z)
    return relu(z) - slope * relu(-z)


def _leaky_slopes(z, prime: bool = False):
    spec = float(numeric.activation_prime("leaky_relu")(np.array(-1.0)))  # the catalog's slope
    return [_mistake("leaky_slope", _leaky(z, s, prime), slope=s, spec=spec) for s in LEAKY_SLOPES]


def activation(name: str, z):
    """Mistakes for the value g(z): another slope for leaky_relu."""
    return _leaky_slopes(z) if name == "leaky_relu" else []


def softmax(z):
    """Mistakes for softmax on row-layout logits: normalized over the samples (axis 0)."""
    return [_mistake("softmax_axis", numeric.softmax(z, layout="column"))]


def activation_prime(name: str, z, prime_of: str):
    """Mistakes for <act>_prime at z (the adapter hands it g(z) when PRIME_OF = 'a')."""
    with np.errstate(all="ignore"):  # a mistaken form may overflow where the right one does not
        return _activation_prime(name, z, prime_of)


def _activation_prime(name: str, z, prime_of: str):
    ref = numeric.activation_prime(name)(z)
    g = numeric.activation(name)(z)
    mistakes = [_mistake("sign", -ref), _mistake("factor_2", 2 * ref), _mistake("factor_half", ref / 2)]
    if name == "leaky_relu":
        mistakes += _leaky_slopes(z, prime=True)
    if prime_of == "z" and numeric.has_prime_of_a(name):
        mistakes.append(_mistake("prime_of_output", numeric.activation_prime(name, of="a")(z), name=name))
    if prime_of == "a":
        mistakes.append(_mistake("prime_of_input", numeric.activation_prime(name)(g), name=name))
    else:
        mistakes.append(_mistake("prime_of_g", numeric.activation_prime(name)(g)))
    return mistakes


def loss(name: str, y, t):
    """Mistakes for the value E(y, t): the spec's loss with another reduction (a sum, a mean
    over the N samples or over all N*K elements, a 1/2 more or less), or with its sign lost."""
    n, k = numeric.samples(y)
    return _scaled(np.array(numeric.loss(name)(y, t)), n, k, "loss", name)


def loss_prime(name: str, y, t):
    n, k = numeric.samples(y)
    return _scaled(numeric.loss_prime(name)(y, t), n, k, "gradient", name)


def output_delta(loss: str, act: str, y, t, z):
    n, k = numeric.samples(y)
    ref = numeric.output_delta(loss, act)(y, t, z)
    mistakes = _scaled(ref, n, k, "gradient", loss)
    if act == numeric.SOFTMAX:
        return mistakes
    dE = numeric.loss_prime(loss)(y, t)
    mistakes.append(_mistake("missing_gprime", dE))
    mistakes.append(_mistake("gprime_of_output", dE * numeric.activation_prime(act)(y)))
    if numeric.has_prime_of_a(act):
        mistakes.append(_mistake("gprime_a_of_z", dE * numeric.activation_prime(act, of="a")(z)))
    return mistakes


def hidden_delta(delta_next, W_next, z, a, act: str):
    gprime = numeric.activation_prime(act)(z)
    back = delta_next @ W_next.T
    mistakes = [_mistake("sign", -gprime * back),
                _mistake("missing_gprime", back, "hidden"),
                _mistake("gprime_of_output", numeric.activation_prime(act)(a) * back, "hidden")]
    if numeric.has_prime_of_a(act):
        mistakes.append(_mistake("gprime_a_of_z", numeric.activation_prime(act, of="a")(z) * back, "hidden"))
    if W_next.shape[0] == W_next.shape[1]:
        mistakes.append(_mistake("transposed", gprime * (delta_next @ W_next), "hidden"))
    return mistakes


# ---------------------------------------------------------------- whole-network variants


@dataclass
class _SlippedNetwork(refnet.Network):
    """The reference network with one slip in its hidden deltas (``slip``), the rest of
    its passes the reference's own."""

    slip: str | None = None

    def hidden_delta(self, run, index, delta_next, W_next):
        slope = numeric.activation_prime(self.layers[index].activation)
        if self.slip == "no_hidden_gprime":      # delta_{l+1} W^T alone
            return backprop.hidden_delta(delta_next, W_next, 1.0)
        if self.slip == "gprime_of_output":      # g' evaluated at A = g(Z)
            return backprop.hidden_delta(delta_next, W_next, slope(run.A[index]))
        if self.slip == "transposed":            # delta_{l+1} W, square W only
            return backprop.hidden_delta(delta_next, W_next.T, slope(run.Z[index]))
        return super().hidden_delta(run, index, delta_next, W_next)


HIDDEN_SLIPS = ("no_hidden_gprime", "gprime_of_output", "transposed")


class _Variants:
    """One forward pass of the reference network, and the gradients [(dW, db)] taken from
    it by the rules or with one known slip built in (biases shaped as given)."""

    def __init__(self, params, X, T, activations, loss):
        self.params, self.X, self.T, self.activations, self.loss = params, X, T, activations, loss
        self.net = _SlippedNetwork.from_params(params, activations, loss)
        self.run = self.net.forward(X)

    @classmethod
    def of(cls, case) -> "_Variants":
        return cls(case.params, case.X, case.T, case.activations, case.loss)

    def gradients(self, variant: str | None = None, lr: float = 0.0):
        """See :func:`backprop_variant`."""
        if variant == "no_bias":
            return self._bias_ignored()
        if variant == "transposed" and any(np.shape(W)[0] != np.shape(W)[1] for W, _ in self.params[1:]):
            return None
        net = self.net
        if variant == "updated_weights":
            net = replace(net, conventions=refnet.Conventions(backprop="after"))
        net.slip = variant if variant in HIDDEN_SLIPS else None
        grads = self._shaped(net.backward(self.run, self.T, lr))
        if variant == "bias_mean":
            grads = [(dW, None if db is None else db / np.shape(self.X)[0]) for dW, db in grads]
        return grads

    def _shaped(self, grads):
        """Bias gradients in the shape the biases were given (the network keeps (1, n))."""
        return [(dW, None if db is None else db.reshape(np.shape(b))) for (dW, db), (_, b) in zip(grads, self.params)]

    def _bias_ignored(self):
        """Gradients of the network whose forward pass drops b (Z = A W), with dE/db still
        the sum of that network's deltas."""
        net = refnet.Network.from_params([(W, None) for W, _ in self.params], self.activations, self.loss)
        run = net.forward(self.X)
        return [(net.layer_gradient(run, l, delta)[0], None if b is None else backprop.bias_gradient(delta))
                for l, (delta, (_, b)) in enumerate(zip(net.deltas(run, self.T), self.params))]


def backprop_variant(params, X, T, activations, loss, variant: str | None = None, lr: float = 0.0):
    """Gradients [(dW, db)] by the reference network, or with one known mistake built in:

    no_hidden_gprime: hidden deltas lack g'; gprime_of_output: g' evaluated at A;
    transposed: delta W instead of delta W^T (square W only, else None); bias_mean: db
    averaged; updated_weights: each hidden delta uses W_{l+1} - lr * dW_{l+1} (seed 000's
    quirk, the network's backprop="after"); no_bias: the forward pass ignores b (Z = A W),
    db is still the sum of delta.
    """
    return _Variants(params, X, T, activations, loss).gradients(variant, lr)


def deltas(params, X, T, activations, loss):
    """[delta_l] for every layer, (N, n_l) each: dE/dZ_l by the reference network."""
    net = refnet.Network.from_params(params, activations, loss)
    return net.deltas(net.forward(X), T)


def unsummed_bias(impl, case) -> Mistake | None:
    """'bias_not_summed' when the implementation's raw gradients hold delta_l itself as a
    bias gradient, one row per sample (dE/db_l = sum over the samples of delta_l)."""
    try:
        raw = impl.call("gradients", impl._params_in(case.params), impl._in(case.X), impl._in(case.T),
                        list(case.activations), case.loss)
        pairs = [np.asarray(db, dtype=np.float64) for _, db in raw]
    except (AssertionError, TypeError, ValueError):
        return None
    for l, (db, delta, (_, b)) in enumerate(zip(pairs, deltas(case.params, case.X, case.T, case.activations,
                                                             case.loss), case.params)):
        db = db.T if impl.column and db.ndim == 2 else db
        if b is not None and case.X.shape[0] > 1 and db.shape == delta.shape and matches(impl.sign * db, delta):
            return _mistake("bias_not_summed", None, layer=l + 1)
    return None


def gradients(case):
    return _gradient_mistakes(case, _Variants.of(case))


def _gradient_mistakes(case, variants: _Variants):
    """The known mistakes of dE/dtheta, all from the one forward pass of ``variants``."""
    n, k = numeric.samples(case.T)
    mistakes = _scaled(variants.gradients(), n, k, "gradient", case.loss)
    for variant in (*HIDDEN_SLIPS, "bias_mean", "no_bias"):
        if variant == "no_bias" and case.params[0][1] is None:
            continue
        if variant in HIDDEN_SLIPS and len(case.params) == 1:
            continue  # a single layer has no hidden delta to get wrong
        value = variants.gradients(variant)
        if value is not None:
            mistakes.append(_mistake(variant, value, "network"))
    return mistakes


def train_step(case, lr: float):
    variants = _Variants.of(case)
    ref_grads = variants.gradients()

    def step(grads, c=1.0):
        return [(W - c * lr * dW, None if b is None else b - c * lr * db)
                for (W, b), (dW, db) in zip(case.params, grads)]

    mistakes = [
        _mistake("ascent", step(ref_grads, -1.0)),
        _mistake("returned_update", [(lr * dW, None if db is None else lr * db) for dW, db in ref_grads]),
        _mistake("returned_gradient", ref_grads),
        _mistake("ignores_lr", [(W - dW, None if b is None else b - db)
                                for (W, b), (dW, db) in zip(case.params, ref_grads)]),
        _mistake("factor_2", step(ref_grads, 2.0), "step"),
        _mistake("factor_half", step(ref_grads, 0.5), "step"),
    ]
    if len(case.params) > 1:
        mistakes.append(_mistake("updated_weights", step(variants.gradients("updated_weights", lr))))
    said = {"sign", "factor_2", "factor_half"}  # the steps above name those
    return mistakes + [Mistake(m.code, f"a full step theta - lr * g along a wrong gradient g: {m.text}", step(m.value))
                       for m in _gradient_mistakes(case, variants) if m.code not in said]


def forward(case):
    """Mistakes for Y: the output activation not applied (Y = Z_L, or softmax over the
    wrong axis), the biases ignored."""
    net = refnet.Network.from_params(case.params, case.activations, case.loss)
    Z = net.forward(case.X).Z[-1]
    act = case.activations[-1]
    mistakes = [] if act == "identity" else [_mistake("no_output_activation", Z, act=act)]
    if act == numeric.SOFTMAX:
        mistakes += softmax(Z)
    if case.params[0][1] is not None:
        unbiased = refnet.forward([(W, None) for W, _ in case.params], case.X, case.activations)
        mistakes.append(_mistake("no_bias", unbiased, "forward"))
    return mistakes


# ---------------------------------------------------------------- calls that raise


PROBE_NOTE = " (seen on a generic probe input with 5 samples and square hidden layers, where it runs)"


def on_probe(probe) -> Mistake | None:
    """The known mistake the probe's result matches, when the probe runs and is wrong
    there; ``probe()`` gives (got, expected, mistakes) as in ``conformance.checks``."""
    try:
        got, expected, mistakes = probe()
    except AssertionError:  # the implementation raised there too
        return None
    if matches(got, expected):
        return None
    found = diagnose(got, expected, mistakes)
    return None if found is None else Mistake(found.code, found.text + PROBE_NOTE, None)


def other_layout(impl, probe_for) -> Mistake | None:
    """An undeclared layout: called with its arrays the other way round (X^T, W^T, targets
    and results transposed), the implementation gives the spec's answer on the probe."""
    other = "column" if impl.layout == "row" else "row"
    conventions = {**impl.loaded.conventions, "LAYOUT": other}
    flipped = type(impl)(replace(impl.loaded, conventions=conventions))
    try:
        got, expected, _ = probe_for(flipped)()
    except AssertionError:
        return None
    if not matches(got, expected):
        return None
    shapes = ("samples as columns: X (n_in, N), W (n_out, n_in), b (n_out, 1)" if other == "column"
              else "samples as rows: X (N, n_in), W (n_in, n_out), b (n_out,)")
    return _mistake("layout", None, shapes=shapes, other=other)


def raised(impl, probe_for, *more) -> Mistake | None:
    """For a call that raised on the generated input: the diagnosis on the probe input
    (``probe_for(impl)`` builds it), else an undeclared layout, else the first of the
    ``more`` zero-argument checks that finds a mistake, else None."""
    for find in (lambda: on_probe(probe_for(impl)), lambda: other_layout(impl, probe_for), *more):
        found = find()
        if found is not None:
            return found
    return None
