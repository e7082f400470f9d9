"""The scalar rules: an activation's derivative, a loss's derivative, an output delta.

Each builds a :class:`judge.Problem` (the student's formula, the spec's, the symbols to
sample, the kinks and the known wrong forms) and hands it to :func:`judge.judge`.
``labels`` names the inputs in messages: parameters for the API ("answer",
"activation"), flags for the command line ("--derivative", "--activation").
"""
from __future__ import annotations

import sympy as sp

from deltaspec.spec import activations, derive, losses, slips
from deltaspec.spec.activations import a, z
from deltaspec.spec.checking import notation
from deltaspec.spec.checking.errors import CheckError
from deltaspec.spec.checking.judge import Problem, judge, kinks_of
from deltaspec.spec.checking.verdict import Verdict
from deltaspec.spec.losses import y

API_LABELS = {"answer": "answer", "activation": "activation", "loss": "loss", "of": "of"}
S_t = sp.Symbol("S_t", real=True)  # softmax: sum_k t_k over the sample's row
X_IS_Z = {"x": "z"}


def activation(text, labels=API_LABELS, allow_softmax: bool = False):
    """(catalog name or None, g(z) or None for softmax) from a name or an expression in z (or x)."""
    what = labels["activation"]
    if not isinstance(text, str) or not text.strip():
        raise CheckError(f"{what} is empty" if isinstance(text, str) else
                         f"{what} must be a string, not {type(text).__name__}")
    text = text.strip()
    if text in activations.CATALOG:
        return text, activations.CATALOG[text].expr
    if text == activations.SOFTMAX.name:
        if allow_softmax:
            return text, None
        raise CheckError("softmax is vector-valued, so it has a Jacobian, not an elementwise "
                         "derivative; check its output delta instead (rule 'delta' with loss cross_entropy)")
    if text.isidentifier() and text not in ("z", "x") and text not in notation.functions() \
            and text not in notation.ALIASES:
        raise CheckError(f"{what}: unknown activation {text!r}; known: {', '.join(activations.NAMES)}, "
                         "or an expression in z such as \"exp(-z**2)\"")
    return None, notation.parse(text, ("z",), f"{what} expression", X_IS_Z)


def loss(name, labels=API_LABELS) -> losses.Loss:
    try:
        return losses.get(name)
    except (ValueError, TypeError, KeyError) as exc:
        raise CheckError(f"{labels['loss']}: {notation.first_line(exc)}") from None


def _t_range(loss_: losses.Loss) -> tuple:
    """Where targets are drawn: (0, 1) where a logarithm needs it, else any number near 0."""
    return (0.01, 0.99) if loss_.term.has(sp.log) else (-3.0, 3.0)


def _kink_note(name) -> str:
    if name and activations.CATALOG[name].kink_convention:
        return f"the spec's convention is {activations.CATALOG[name].kink_convention}"
    if name:
        return f"{name} has no kink: its derivative is smooth there"
    return "the convention at a kink is the derivative of the branch on its left"


def _label(name, text: str) -> str:
    """How to name g(z) to the student: sigmoid(z), or their own expression as typed."""
    return f"{name}(z)" if name else " ".join(text.split())


def _kinks(name, *exprs) -> tuple:
    known = set(activations.CATALOG[name].kinks) if name else set()
    return tuple(sorted(known | kinks_of(*exprs)))


# ---------------------------------------------------------------- g'(z)


def check_derivative(activation_text, answer, of: str = "z", labels=API_LABELS) -> Verdict:
    """Is ``answer`` g'(z) for g = ``activation_text`` (a catalog name or an expression in z)?

    of="z": the answer is in z (or x) and must equal dg/dz for every real z.
    of="a": the answer is in the output a and must satisfy answer(a = g(z)) == g'(z) for
    every z; only catalog activations that have such a form (not rbf: a = e^{-z^2} comes
    from z and -z, whose slopes differ, so g' is no function of a).
    """
    if of not in ("z", "a"):
        raise CheckError(f"{labels['of']} must be z or a, not {of!r}")
    name, g = activation(activation_text, labels)
    if of == "a":
        return judge(_derivative_in_a(name, g, answer, labels))
    expected = derive.activation_prime(name) if name else derive.tidy(sp.diff(g, z))
    student = notation.parse(answer, ("z",), labels["answer"], X_IS_Z)
    notes: tuple[str, ...] = ()
    prime_a = derive.activation_prime_a(name) if name else None
    if prime_a is not None and prime_a.free_symbols:
        notes = (f"= {prime_a} in terms of the output a = {name}(z)",)
    return judge(Problem(
        rule="derivative", subject=f"d/dz {_label(name, activation_text)}", student_text=answer.strip(),
        student=student, expected=expected, base=(z,), kinks=_kinks(name, student, expected, g),
        custom_kinks=name is None, kink_note=_kink_note(name),
        wrong_forms=_derivative_slips(name, g, prime_a, expected), notes=notes))


def _derivative_slips(name, g, prime_a, expected) -> tuple:
    """Wrong forms students write for g'(z): g itself, g' evaluated at the output g(z),
    g'(a)'s formula in z, another activation's g'."""
    label = name or "g"
    wrong = [(g, slips.hint("function_not_derivative", name=label), "function_not_derivative"),
             (expected.xreplace({z: g}), slips.hint("gprime_of_output", "derivative", gprime=expected),
              "gprime_of_output")]
    if prime_a is not None and prime_a.free_symbols:
        wrong.append((prime_a.subs(a, z), slips.hint("prime_of_output", name=name, prime_a=prime_a,
                                                     written=prime_a.subs(a, sp.Symbol(f"{name}(z)"))),
                      "prime_of_output"))
    for other in activations.CATALOG:
        if other != name:
            wrong.append((derive.activation_prime(other),
                          slips.hint("other_derivative", other=other, name=label), "other_derivative"))
    return tuple(wrong)


def _derivative_in_a(name, g, answer, labels) -> Problem:
    """The problem for g'(z) written in terms of a = g(z)."""
    if name is None:
        raise CheckError(f"{labels['of']}=a needs a catalog activation; for a custom expression give the "
                         "derivative in z")
    expected = derive.activation_prime_a(name)
    if expected is None:
        reason = derive.prime_a_reason(name).removeprefix("none: ")
        raise CheckError(f"{name} has no derivative in terms of its output a: {reason} (use {labels['of']}=z)")
    student = notation.parse(answer, ("a",), f"{labels['answer']} (in a)")
    prime_z = derive.activation_prime(name)
    wrong: tuple = ()
    if prime_z.free_symbols:
        wrong = ((prime_z.subs(z, a), slips.hint("prime_of_input", prime_z=prime_z, name=name, expected=expected),
                  "prime_of_input"),)
    return Problem(
        rule="derivative", subject=f"{name}'(z) in terms of the output a = {name}(z)", student_text=answer.strip(),
        student=student, expected=expected, base=(z,), to_base=lambda e: e.subs(a, g),
        substitution=f"a = {name}(z)", shown={"a": g}, kinks=tuple(activations.CATALOG[name].kinks),
        kink_note=_kink_note(name), wrong_forms=wrong)


# ---------------------------------------------------------------- dE/dz at the output


def check_delta(loss_name, activation_text, answer, labels=API_LABELS) -> Verdict:
    """Is ``answer`` the output delta  δ = dE/dz = dE/dy · g'(z)  for (loss, activation)?

    Symbols: y (output), t (target), z (pre-activation), N (samples), K (outputs per
    sample). y = g(z) is substituted on both sides before comparing, so sigmoid(z) and y
    are interchangeable.

    softmax (output layer only) couples the K outputs: δ_i = y_i (G_i - S) with
    G = dE/dy and S = sum_k y_k G_k over the sample, so the answer is in y, t, N, K and S
    (no z). For cross_entropy with softmax it closes to (y_i sum_k t_k - t_i) / N; this
    check assumes each target row sums to 1 (one-hot or probability targets), so (y - t)/N
    is the correct answer.
    """
    loss_ = loss(loss_name, labels)
    name, g = activation(activation_text, labels, allow_softmax=True)
    if name == activations.SOFTMAX.name:
        return judge(_softmax_delta(loss_, answer, labels))
    gprime = derive.activation_prime(name) if name else derive.tidy(sp.diff(g, z))
    expected = derive.output_delta(loss_.name, name) if name else derive.tidy(
        derive.loss_prime(loss_.name) * gprime)
    student = notation.parse(answer, ("y", "t", "z", "N", "K"), labels["answer"])
    sub = lambda e: e.subs(y, g)  # noqa: E731  y is the output g(z)
    prime_a = derive.activation_prime_a(name) if name else None
    return judge(Problem(
        rule="delta",
        subject=f"output delta dE/dz for loss {loss_.name} with output activation {_label(name, activation_text)}",
        student_text=answer.strip(), student=student, expected=expected, base=(z, losses.t, losses.N, losses.K), to_base=sub,
        substitution=f"y = {_label(name, activation_text)}", shown={"y": g},
        kinks=_kinks(name, sub(student), sub(expected), g), custom_kinks=name is None,
        kink_note=_kink_note(name), wrong_forms=_delta_slips(loss_, name, g, gprime, prime_a), loss=loss_,
        t_range=_t_range(loss_),
        gprime=prime_a.subs(a, y) if prime_a is not None else gprime,
        notes=(f"(y stands for {_label(name, activation_text)}: write either)",)))


def _delta_slips(loss_: losses.Loss, name, g, gprime, prime_a) -> tuple:
    """Wrong forms students write for dE/dy · g'(z)."""
    dedy = derive.loss_prime(loss_.name)
    wrong = [(dedy, slips.hint("missing_gprime", dedy=dedy, gprime=gprime), "missing_gprime"),
             (dedy * g.subs(z, z), slips.hint("function_not_derivative", name=f"{name or 'g'} (g itself stands "
                                                                                "where g' belongs)"),
              "function_not_derivative")]
    if prime_a is not None and prime_a.free_symbols:
        wrong.append((dedy * prime_a.subs(a, z), slips.hint("gprime_a_of_z", prime_a=prime_a, in_y=prime_a.subs(a, y)),
                      "prime_of_output"))
    if gprime.free_symbols:
        in_y = None if prime_a is None else prime_a.subs(a, y)
        wrong.append((dedy * gprime.subs(z, y),
                      slips.hint("gprime_of_output", "" if in_y is None else "in_y", gprime=gprime, in_y=in_y),
                      "gprime_of_output"))
    return tuple(wrong)


def _softmax_delta(loss_: losses.Loss, answer, labels) -> Problem:
    """softmax: compare in y, t, N, K (and S) directly; no substitution, no kinks."""
    closed = derive.softmax_delta(loss_.name)
    ce = S_t in closed.free_symbols  # cross_entropy: the delta closes over the targets' sum alone
    expected = closed.subs(S_t, 1)
    names = ("y", "t", "N", "K") if ce else ("y", "t", "N", "K", "S")
    student = notation.parse(answer, names, labels["answer"])
    dedy = derive.loss_prime(loss_.name)
    wrong = ((dedy, slips.hint("missing_gprime", "softmax", dedy=dedy), "missing_gprime"),
             (dedy * y * (1 - y), slips.hint("softmax_diagonal"), "softmax_diagonal"))
    notes = (("assumes each target row sums to 1 (one-hot or probabilities); in general "
              "δ = (y·Σ_k t_k - t)/N",) if ce else
             ("S = Σ_k y_k dE/dy_k summed over the sample's row (softmax couples the outputs)",))
    return Problem(
        rule="delta", subject=f"output delta dE/dz for loss {loss_.name} with output activation softmax",
        student_text=answer.strip(), student=student, expected=expected,
        base=tuple(notation.SYMBOLS[n] for n in names), wrong_forms=wrong, loss=loss_,
        y_range=(0.01, 0.99), notes=notes)


# ---------------------------------------------------------------- dE/dy


def check_loss_derivative(loss_name, answer, labels=API_LABELS) -> Verdict:
    """Is ``answer`` dE/dy for one element of the loss, reduction constant included?
    Symbols y, t, N, K; e.g. mse: 2 (y - t) / (N K)."""
    loss_ = loss(loss_name, labels)
    student = notation.parse(answer, ("y", "t", "N", "K"), labels["answer"])
    logs = loss_.term.has(sp.log)  # a log needs y in (0, 1)
    expected = derive.loss_prime(loss_.name)
    return judge(Problem(
        rule="loss_derivative", subject=f"dE/dy (one element) for loss {loss_.name}", student_text=answer.strip(),
        student=student, expected=expected, base=(y, losses.t, losses.N, losses.K), loss=loss_,
        y_range=(0.01, 0.99) if logs else (-3.0, 3.0), t_range=_t_range(loss_),
        wrong_forms=_loss_slips(loss_.name, expected)))


def _loss_slips(loss_name, dedy) -> tuple:
    """dE/dz written where dE/dy was asked: dE/dy · g'(y) for each g with a g'(a) form."""
    wrong = [(derive.tidy(derive.softmax_delta(loss_name).subs(S_t, 1)),
              slips.hint("delta_not_dedy", name="softmax", dedy=dedy), "delta_not_dedy")] \
        if loss_name == "cross_entropy" else []
    for name in activations.CATALOG:
        prime_a = derive.activation_prime_a(name)
        if prime_a is not None and prime_a.free_symbols:
            wrong.append((derive.tidy(dedy * prime_a.subs(a, y)),
                          slips.hint("delta_not_dedy", name=name, dedy=dedy), "delta_not_dedy"))
    return tuple(wrong)
