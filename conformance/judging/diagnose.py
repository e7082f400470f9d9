"""Naming the likely cause of a wrong result.

A wrong answer is compared with a list of known mistakes, each *computed* from the
spec and the reference (never guessed from the numbers alone): the sign flipped, a
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

from deltaspec.spec import backprop, numeric

MATCH_RTOL = 1e-6


@dataclass(frozen=True)
class Mistake:
    """A known mistake: a short code, the sentence shown to the user, its result."""

    code: str
    text: str
    value: object


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
            return Mistake("constant_factor", f"off by a constant factor {ratio[0]:.6g}", None)
    return None


def _scaled(value, n: int, k: int, sign_text: str):
    """The scale slips every backward quantity can make."""
    mistakes = [Mistake("sign", sign_text, _mul(value, -1.0)),
                Mistake("factor_2", "off by a factor 2: the squared error's 2 is there twice, or the 1/2 of "
                        "half_sse was dropped", _mul(value, 2.0)),
                Mistake("factor_half", "off by a factor 1/2: the 2 from d/dy (y - t)^2 is missing "
                        "(squared error treated as half_sse)", _mul(value, 0.5))]
    if n > 1:
        mistakes += [Mistake("factor_n", f"off by a factor N = {n}: summed over the batch where the loss "
                             "takes the mean", _mul(value, n)),
                     Mistake("factor_1_over_n", f"off by a factor 1/N = 1/{n}: averaged over the batch where "
                             "the loss sums", _mul(value, 1.0 / n))]
    if n > 1 and k > 1:
        mistakes += [Mistake("factor_nk", f"off by a factor N*K = {n * k}: summed over all elements where the "
                             "loss takes the mean over them (a missing 1/(N K))", _mul(value, n * k)),
                     Mistake("factor_1_over_nk", f"off by a factor 1/(N*K) = 1/{n * k}: averaged over all "
                             "elements where the loss sums", _mul(value, 1.0 / (n * k)))]
    if k > 1:
        mistakes += [Mistake("factor_k", f"off by a factor K = {k}: the mean over all N*K elements was taken "
                             "over the N samples only", _mul(value, k)),
                     Mistake("factor_1_over_k", f"off by a factor 1/K = 1/{k}: averaged over outputs as well",
                             _mul(value, 1.0 / k))]
    return mistakes


def _mul(value, c):
    if isinstance(value, list):
        return [(c * W, None if b is None else c * b) for W, b in value]
    return c * np.asarray(value)


SIGN_TEXT = ("the sign is flipped: it is -dE/d(.), the tutorial convention error = target - output; "
             "if that is your convention, declare SIGN = -1")


LEAKY_SLOPES = (0.1, 0.2, 0.3)  # common other choices: tutorials, tf.nn.leaky_relu, Keras LeakyReLU


def _leaky(z, slope: float, prime: bool = False):
    """leaky_relu with another negative slope s: z for z > 0, s z below (its derivative:
    1 and s), built from the spec's relu: relu(z) - s relu(-z)."""
    relu, relu_prime = numeric.activation("relu"), numeric.activation_prime("relu")
    if prime:
        return relu_prime(z) + slope * relu_prime(-z)
    return relu(z) - slope * relu(-z)


def _leaky_slopes(z, prime: bool = False):
    return [Mistake("leaky_slope", f"the negative slope is {s}: the spec's leaky_relu is 0.01 z for z <= 0 "
                    f"(slope 0.01, derivative 0.01 there)", _leaky(z, s, prime)) for s in LEAKY_SLOPES]


def activation(name: str, z):
    """Mistakes for the value g(z): another slope for leaky_relu."""
    return _leaky_slopes(z) if name == "leaky_relu" else []


def softmax(z):
    """Mistakes for softmax on row-layout logits: normalized over the samples (axis 0)."""
    return [Mistake("softmax_axis", "softmax normalizes over the wrong axis: down the columns (axis 0, the "
                    "samples) instead of over each sample's row of outputs; if your arrays are "
                    "(outputs, samples), declare LAYOUT = 'column'", numeric.softmax(z, layout="column"))]


def activation_prime(name: str, z, prime_of: str):
    """Mistakes for <act>_prime at z (the adapter hands it g(z) when PRIME_OF = 'a')."""
    ref = numeric.activation_prime(name)(z)
    g = numeric.activation(name)(z)
    mistakes = [Mistake("sign", "the sign is flipped", -ref),
                Mistake("factor_2", "off by a factor 2", 2 * ref),
                Mistake("factor_half", "off by a factor 1/2", ref / 2)]
    if name == "leaky_relu":
        mistakes += _leaky_slopes(z, prime=True)
    if prime_of == "z" and numeric.has_prime_of_a(name):
        mistakes.append(Mistake(
            "prime_of_output", f"it computes g'(a) from the output a = g(z) (as nonlin(x, deriv=True) "
            f"does) but was given z; if your {name}_prime takes the output, declare PRIME_OF = 'a'",
            numeric.activation_prime(name, of="a")(z)))
    if prime_of == "a":
        mistakes.append(Mistake(
            "prime_of_input", f"it computes g'(z) from the pre-activation but was given the output a "
            f"(PRIME_OF = 'a' was declared); if your {name}_prime takes z, declare PRIME_OF = 'z'",
            numeric.activation_prime(name)(g)))
    else:
        mistakes.append(Mistake("prime_of_g", "it evaluates g' at g(z): the activation was applied twice",
                                numeric.activation_prime(name)(g)))
    return mistakes


def loss(name: str, y, t):
    """Mistakes for the value E(y, t): the spec's loss with another reduction (a sum, a mean
    over the N samples or over all N*K elements, a 1/2 more or less), or with its sign lost."""
    n, k = numeric.samples(y)
    return _scaled(np.array(numeric.loss(name)(y, t)), n, k, "the sign is flipped: a loss is never negative")


def loss_prime(name: str, y, t):
    n, k = numeric.samples(y)
    return _scaled(numeric.loss_prime(name)(y, t), n, k, SIGN_TEXT)


def output_delta(loss: str, act: str, y, t, z):
    n, k = numeric.samples(y)
    ref = numeric.output_delta(loss, act)(y, t, z)
    mistakes = _scaled(ref, n, k, SIGN_TEXT)
    if act == "softmax":
        return mistakes
    dE = numeric.loss_prime(loss)(y, t)
    mistakes.append(Mistake("missing_gprime", "the g'(z) factor is missing: this is dE/dy, not dE/dz", dE))
    mistakes.append(Mistake("gprime_of_output", "g' was evaluated at the output y instead of z",
                            dE * numeric.activation_prime(act)(y)))
    if numeric.has_prime_of_a(act):
        mistakes.append(Mistake("gprime_a_of_z", "g'(a)'s formula was applied to z instead of the output",
                                dE * numeric.activation_prime(act, of="a")(z)))
    return mistakes


def hidden_delta(delta_next, W_next, z, a, act: str):
    gprime = numeric.activation_prime(act)(z)
    back = delta_next @ W_next.T
    mistakes = [Mistake("sign", "the sign is flipped", -gprime * back),
                Mistake("missing_gprime", "the g'(z) factor is missing: delta_{l+1} W^T alone", back),
                Mistake("gprime_of_output", "g' was evaluated at the output a instead of z",
                        numeric.activation_prime(act)(a) * back)]
    if numeric.has_prime_of_a(act):
        mistakes.append(Mistake("gprime_a_of_z", "g'(a)'s formula was applied to z",
                                numeric.activation_prime(act, of="a")(z) * back))
    if W_next.shape[0] == W_next.shape[1]:
        mistakes.append(Mistake("transposed", "the weight matrix is not transposed: delta_{l+1} W instead "
                                "of delta_{l+1} W^T", gprime * (delta_next @ W_next)))
    return mistakes


# ---------------------------------------------------------------- whole-network variants


def backprop_variant(params, X, T, activations, loss, variant: str | None = None, lr: float = 0.0):
    """Gradients [(dW, db)] by the spec's rules, or with one known mistake built in:

    no_hidden_gprime: hidden deltas lack g'; gprime_of_output: g' evaluated at A;
    transposed: delta W instead of delta W^T (square W only); bias_mean: db averaged;
    updated_weights: each hidden delta uses W_{l+1} - lr * dW_{l+1} (seed 000's quirk);
    no_bias: the forward pass ignores b (Z = A W), db is still the sum of delta.
    """
    As, Zs = [X], []
    for (W, b), act in zip(params, activations):
        Zs.append(backprop.pre_activation(As[-1], W, None if variant == "no_bias" else b))
        As.append(numeric.activation(act)(Zs[-1]))
    delta = numeric.output_delta(loss, activations[-1])(As[-1], T, Zs[-1])
    grads = [None] * len(params)
    for l in range(len(params) - 1, -1, -1):
        W, b = params[l]
        dW = backprop.weight_gradient(As[l], delta)
        db = None if b is None else backprop.bias_gradient(delta)
        if db is not None and variant == "bias_mean":
            db = db / X.shape[0]
        grads[l] = (dW, db)
        if l == 0:
            break
        act = activations[l - 1]
        W_back = W - lr * dW if variant == "updated_weights" else W
        if variant == "transposed":
            if W.shape[0] != W.shape[1]:
                return None
            back = delta @ W_back
            gprime = numeric.activation_prime(act)(Zs[l - 1])
            delta = gprime * back
            continue
        if variant == "no_hidden_gprime":
            gprime = np.ones_like(Zs[l - 1])
        elif variant == "gprime_of_output":
            gprime = numeric.activation_prime(act)(As[l])
        else:
            gprime = numeric.activation_prime(act)(Zs[l - 1])
        delta = backprop.hidden_delta(delta, W_back, gprime)
    return grads


def deltas(params, X, T, activations, loss):
    """[delta_l] for every layer, (N, n_l) each: dE/dZ_l by the spec's rules."""
    As, Zs = [X], []
    for (W, b), act in zip(params, activations):
        Zs.append(backprop.pre_activation(As[-1], W, b))
        As.append(numeric.activation(act)(Zs[-1]))
    out = [numeric.output_delta(loss, activations[-1])(As[-1], T, Zs[-1])]
    for l in range(len(params) - 1, 0, -1):
        gprime = numeric.activation_prime(activations[l - 1])(Zs[l - 1])
        out.insert(0, backprop.hidden_delta(out[0], params[l][0], gprime))
    return out


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
            return Mistake("bias_not_summed", f"the bias gradient of layer {l + 1} is delta_{l + 1} itself, one "
                           f"row per sample: sum it over the batch (dE/db = sum_n delta[n, :])", None)
    return None


def gradients(case):
    ref = backprop_variant(case.params, case.X, case.T, case.activations, case.loss)
    n, k = numeric.samples(case.T)
    mistakes = _scaled(ref, n, k, SIGN_TEXT)
    for variant, text in (("no_hidden_gprime", "the hidden deltas lack the g'(z) factor"),
                          ("gprime_of_output", "g' was evaluated at the layer's output a instead of z"),
                          ("transposed", "a weight matrix is not transposed in the hidden delta"),
                          ("bias_mean", "the bias gradient was averaged over the batch instead of summed"),
                          ("no_bias", "the forward pass ignores the biases (Z = A W, no + b), so the gradient "
                                      "is taken at the wrong point")):
        if variant == "no_bias" and case.params[0][1] is None:
            continue
        hidden_only = variant not in ("bias_mean", "no_bias")
        if hidden_only and len(case.params) == 1:
            continue  # a single layer has no hidden delta to get wrong
        value = backprop_variant(case.params, case.X, case.T, case.activations, case.loss, variant)
        if value is not None:
            mistakes.append(Mistake(variant, text, value))
    return mistakes


def train_step(case, lr: float):
    ref_grads = backprop_variant(case.params, case.X, case.T, case.activations, case.loss)

    def step(grads, c=1.0):
        return [(W - c * lr * dW, None if b is None else b - c * lr * db)
                for (W, b), (dW, db) in zip(case.params, grads)]

    mistakes = [
        Mistake("ascent", "the step goes uphill: theta + lr * dE/dtheta (the sign of the update)", step(ref_grads, -1.0)),
        Mistake("returned_update", "it returned the update lr * dE/dtheta instead of the new parameters",
                [(lr * dW, None if db is None else lr * db) for dW, db in ref_grads]),
        Mistake("returned_gradient", "it returned the gradient instead of the new parameters", ref_grads),
        Mistake("ignores_lr", "the learning rate is ignored: theta - dE/dtheta", [(W - dW, None if b is None else b - db)
                for (W, b), (dW, db) in zip(case.params, ref_grads)]),
        Mistake("factor_2", "the step is twice too long (a factor 2 in the gradient)", step(ref_grads, 2.0)),
        Mistake("factor_half", "the step is half as long (a factor 1/2 in the gradient)", step(ref_grads, 0.5)),
    ]
    if len(case.params) > 1:
        quirk = backprop_variant(case.params, case.X, case.T, case.activations, case.loss, "updated_weights", lr)
        mistakes.append(Mistake("updated_weights", "the hidden delta was computed with the already-updated "
                                "weights of the next layer (update W_{l+1} only after using it)", step(quirk)))
    said = {"sign", "factor_2", "factor_half"}  # the steps above name those
    return mistakes + [Mistake(m.code, f"a full step theta - lr * g along a wrong gradient g: {m.text}", step(m.value))
                       for m in gradients(case) if m.code not in said]


def forward(case):
    mistakes = []
    As = case.X
    for i, ((W, b), act) in enumerate(zip(case.params, case.activations)):
        Z = backprop.pre_activation(As, W, b)
        As = numeric.activation(act)(Z)
        if i == len(case.params) - 1 and act != "identity":
            mistakes.append(Mistake("no_output_activation", f"the output activation {act} is not applied", Z))
        if i == len(case.params) - 1 and act == "softmax":
            mistakes += softmax(Z)
    if case.params[0][1] is not None:
        A = case.X
        for (W, _), act in zip(case.params, case.activations):
            A = numeric.activation(act)(backprop.pre_activation(A, W, None))
        mistakes.append(Mistake("no_bias", "the biases are ignored", A))
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
    return Mistake("layout", f"the arrays are the other way round: called with {shapes}, it gives the "
                   f"spec's answer; declare LAYOUT = {other!r}", None)


def raised(impl, probe_for, *more) -> Mistake | None:
    """For a call that raised on the generated input: the diagnosis on the probe input
    (``probe_for(impl)`` builds it), else an undeclared layout, else the first of the
    ``more`` zero-argument checks that finds a mistake, else None."""
    for find in (lambda: on_probe(probe_for(impl)), lambda: other_layout(impl, probe_for), *more):
        found = find()
        if found is not None:
            return found
    return None
