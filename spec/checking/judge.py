"""From a :class:`Problem` to a :class:`Verdict`.

The order matters: the cheap numeric test never proves anything, the symbolic test
never guesses.

1. Both sides are evaluated at the points of ``sampling`` (narrow and wide, away from
   every kink). A disagreement is a counterexample: the point with the largest relative
   difference, both values, the correct expression and the hint of ``hints``.
2. At each kink both sides are evaluated exactly there. The convention at a kink is the
   catalog's: the derivative of the branch on the left (relu'(0) = 0, leaky_relu'(0) =
   0.01), for custom activations too. A formula right everywhere but there is "kink".
3. ``spec.derive.prove_equal`` tries to prove (yours) - (spec) == 0, split at the kinks.
   Only a proof makes the verdict "proved"; agreement without one is "numeric".
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import sympy as sp

from deltaspec.spec import derive, losses
from deltaspec.spec.activations import z
from deltaspec.spec.checking import hints, sampling
from deltaspec.spec.checking.errors import CheckError
from deltaspec.spec.checking.verdict import Verdict

LEFT = 1e-9  # how far left of a custom kink its convention value is read


@dataclass
class Problem:
    """Everything the judge needs. ``to_base`` rewrites an expression in the native
    symbols (y, a, ...) into the sampled ones (z, t, N, K, S), e.g. y -> g(z)."""

    rule: str
    subject: str
    student_text: str
    student: sp.Expr
    expected: sp.Expr
    base: tuple
    to_base: Callable = lambda e: e
    substitution: str | None = None
    shown: dict = field(default_factory=dict)  # extra values to print at a point, e.g. y = g(z)
    kinks: tuple = ()
    custom_kinks: bool = False  # the expected value at a kink is the left limit, not SymPy's
    kink_note: str = ""
    wrong_forms: tuple = ()  # (expression in native symbols, hint, slip code): known slips
    loss: losses.Loss | None = None
    gprime: sp.Expr | None = None  # g' in the native symbols, to name an extra or missing g'
    y_range: tuple = (-3.0, 3.0)
    t_range: tuple = (0.01, 0.99)  # targets: any number for a loss without a logarithm
    notes: tuple = ()
    expected_text: str = ""


def judge(p: Problem) -> Verdict:
    """Numeric test away from kinks, then the kinks, then the symbolic proof."""
    at = sampling.points(p.base, p.kinks, p.y_range, p.t_range)
    s_base, e_base = p.to_base(p.student), p.to_base(p.expected)
    s, e = sampling.values(s_base, at), sampling.values(e_base, at)
    if not np.isfinite(e).any():
        raise CheckError(f"{p.subject}: the spec's expression is undefined at every sample point")
    worst = sampling.mismatch(s, e)
    if worst is not None:
        hint, codes = hints.diagnose(p, at, s, e)
        return verdict(p, "incorrect", "none: (yours) - (spec) is not 0, see the counterexample",
                       counterexample(p, at, worst, s, e), hint, codes)
    kink = _kink_mismatch(p, at, s_base, e_base)
    if kink is not None:
        proved = prove(p, s_base, e_base, away_only=True)
        proof = proved or (f"agrees numerically at {int(np.isfinite(s).sum())} points away from "
                           "the kink, SymPy could not prove it; differs at the kink itself")
        return verdict(p, "kink", proof, kink[0], kink[1], ("kink_value",))
    proved = prove(p, s_base, e_base, away_only=False)
    if proved:
        return verdict(p, "proved", proved, None, None)
    count = int((np.isfinite(s) & np.isfinite(e)).sum())
    return verdict(p, "numeric", f"agrees numerically at {count} points "
                   f"({sampling.domain(p.base, p.y_range, p.t_range)}), but SymPy could not prove it: "
                   "this is evidence, not a proof", None, None)


def verdict(p: Problem, status, proof, ce, hint, codes=()) -> Verdict:
    expected = p.expected_text or sp.sstr(p.expected, order="old")
    return Verdict(status=status, proof=proof, counterexample=ce, expected=expected, hint=hint,
                   subject=p.subject, student=p.student_text, notes=p.notes, slips=tuple(codes),
                   rule=p.rule, latex=_latex(p))


def _latex(p: Problem) -> dict:
    try:
        return {"student": sp.latex(p.student), "expected": sp.latex(p.expected)}
    except Exception:  # the display is a nicety; the verdict stands without it
        return {}


def counterexample(p: Problem, at: dict, i: int, s, e) -> dict:
    """The point (only the symbols either side uses, plus z) and both values there."""
    used = p.to_base(p.student).free_symbols | p.to_base(p.expected).free_symbols | {z}
    point = {}
    for sym, column in at.items():
        if sym not in used:
            continue
        point[str(sym)] = sampling.readable(column[i])
        if sym == z:
            for name, expr in p.shown.items():
                point[name] = sampling.readable(sampling.values(expr, {z: column[i:i + 1]})[0])
    return {"point": point, "student": sampling.readable(s[i]), "expected": sampling.readable(e[i])}


# ---------------------------------------------------------------- kinks


def kinks_of(*exprs) -> set:
    """Real points where an expression in z may switch branch: zeros of the arguments of
    Heaviside, Abs, sign, Max/Min and Piecewise conditions, when those are polynomials of
    degree at most 2 in z (enough for hand derivations; anything else is left unsplit)."""
    args = []
    for expr in exprs:
        for f in expr.atoms(sp.Heaviside, sp.Abs, sp.sign, sp.DiracDelta):
            args.append(f.args[0])
        for f in expr.atoms(sp.Max, sp.Min):
            args += [u - v for u in f.args for v in f.args if u != v]
        for pw in expr.atoms(sp.Piecewise):
            for _, cond in pw.args:
                args += [rel.lhs - rel.rhs for rel in cond.atoms(sp.core.relational.Relational)]
    found = set()
    for arg in args:
        if arg.free_symbols == {z} and arg.is_polynomial(z) and sp.degree(arg, z) <= 2:
            found |= {r for r in sp.solve(arg, z) if r.is_real}
    return found


def _kink_mismatch(p: Problem, at: dict, s_base, e_base):
    """(counterexample, hint) for the first kink where the two differ, else None."""
    if z not in at:
        return None
    for b in p.kinks:
        here = {**at, z: np.full_like(at[z], float(b))}
        left = {**at, z: np.full_like(at[z], float(b) - LEFT)} if p.custom_kinks else here
        s, e = sampling.values(s_base, here), sampling.values(e_base, left)
        i = sampling.mismatch(s, e)
        if i is not None:
            ce = counterexample(p, here, i, s, e)
            yours = "is undefined" if ce["student"] is None else f"gives {ce['student']}"
            hint = (f"right except at the kink z = {sampling.readable(float(b))}: {p.kink_note}; "
                    f"your expression {yours} there")
            fix = hints.heaviside_fix(p, [(at, at), (here, left)])
            return ce, hint + (f"; {fix}" if fix else "")
    return None


# ---------------------------------------------------------------- proofs


def prove(p: Problem, s_base, e_base, away_only: bool) -> str | None:
    """A sentence stating what SymPy proved, or None when it could not prove it."""
    if not p.kinks and p.substitution and _proves(p.student, p.expected):
        return "SymPy simplifies (yours) - (spec) to 0 (no substitution needed)"
    if not p.kinks:
        ok = _proves(s_base, e_base)
    elif away_only or p.custom_kinks:
        q = sp.Symbol("p", positive=True)
        ok = all(_proves(s_base.subs(z, b + sign * q), e_base.subs(z, b + sign * q))
                 for b in p.kinks for sign in (1, -1))
        if ok and not away_only:
            ok = all(_proves(s_base.subs(z, b), _left_limit(e_base, b)) for b in p.kinks)
    else:
        ok = _proves(s_base, e_base, p.kinks)
    if not ok:
        return None
    return _proof_sentence(p, away_only)


def _proof_sentence(p: Problem, away_only: bool) -> str:
    text = "SymPy simplifies (yours) - (spec) to 0"
    if p.substitution:
        text += f" after substituting {p.substitution} on both sides"
        text += "," if p.kinks else ""
    if p.kinks:
        where = " and ".join(f"z = {b}" for b in p.kinks)
        text += f" on each side of the kink {where} (z = kink ± p with p > 0)"
        text += ", but not at the kink itself" if away_only else " and at the kink itself"
    return text


def _left_limit(expr, b):
    try:
        return sp.limit(expr, z, b, "-")
    except Exception:  # no limit found: nothing is proved at the kink
        return sp.nan


def _proves(lhs, rhs, kinks=()) -> bool:
    if rhs is sp.nan or lhs.has(sp.nan):
        return False
    try:
        return derive.prove_equal(lhs, rhs, z, kinks)
    except Exception:  # SymPy gives up in odd ways on odd input: that is "not proved"
        return False
