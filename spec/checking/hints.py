"""Naming the slip in a wrong formula.

Tried in order, the first that reproduces the student's values names the slip:

1. the problem's *known wrong forms* (a missing g', g' at the output, ...), each alone or
   rescaled by the rescalings of ``spec.slips`` (a sign, 2 or 1/2, a reduction constant);
2. a constant ratio (another constant factor);
3. *one edit* of the student's own expression, at one place, that makes it right: a sign
   inside (negate one compound part), a forgotten square (square one part), a wrong
   constant (one number replaced by a number of the spec's answer, or by ten times or a
   tenth of itself);
4. the *ratio* spec / yours or yours / spec when it is a short factor the formula shows:
   a missing factor (a chain-rule factor dropped) or an extra one (an extra g'); a
   product-rule term that lost its factor z;
5. the sign of a single symbol (exp(z) for exp(-z)), then a constant difference;
6. a step function with the wrong value at the kink.

These work for custom activations too: none of 2-5 needs to know the function.
"""
from __future__ import annotations

import itertools

import numpy as np
import sympy as sp

from deltaspec.spec import slips
from deltaspec.spec.checking import sampling
from deltaspec.spec.activations import z
from deltaspec.spec.losses import K, N, t, y

MAX_EDITS = 60  # subexpressions tried per kind of edit; bounds the work on a long formula
SCREEN = 60  # points a candidate must match before it is tested at all of them
SHORT = 8  # operations in a factor short enough to name


def diagnose(p, at: dict, s, e) -> tuple[str | None, tuple[str, ...]]:
    """(hint, slip codes) for a wrong formula, or (None, ()) when no slip is recognised."""
    for attempt in (_known_forms, _constant_ratio, _sign_compound, _square, _wrong_constant, _ratio,
                    _term_missing_z, _sign_symbol, _constant_difference):
        found = attempt(p, at, s, e)
        if found:
            return found
    fix = heaviside_fix(p, [(at, at)])
    return (fix, ("kink_value",)) if fix else (None, ())


# ---------------------------------------------------------------- 1. known forms, rescaled


def _rescalings(with_nk: bool) -> list[tuple[slips.Slip, ...]]:
    """The rescaling slips a hand derivation can make at once: at most a sign, a factor 2
    or 1/2 and a reduction constant; the fewest first."""
    def factor(slip: slips.Slip) -> tuple:
        assert slip.factor is not None  # RESCALINGS are the slips with a factor
        return slip.factor

    numbers = [s for s in slips.RESCALINGS if factor(s)[1:] == (0, 0)]
    none: list[tuple[slips.Slip, ...]] = [()]
    signs = none + [(s,) for s in numbers if factor(s)[0] < 0]
    sizes = none + [(s,) for s in numbers if factor(s)[0] > 0]
    reductions = none + ([(s,) for s in slips.RESCALINGS if factor(s)[1:] != (0, 0)] if with_nk else [])
    combos = [one + two + three for one in signs for two in sizes for three in reductions if one + two + three]
    return sorted(combos, key=len)


def _rescale(combo) -> sp.Expr:
    """The product of the combination's factors c N^p K^q."""
    return sp.Mul(*[sp.Rational(c.numerator, c.denominator) * N**p * K**q for c, p, q in
                    (s.factor for s in combo)])


def _rescaling_phrase(p, combo) -> str:
    """Name each slip in  yours = (factors) * (spec):  sign, 2 or 1/2, a reduction constant."""
    loss = p.loss
    squared = loss is not None and loss.term == (y - t) ** 2
    parts = []
    for slip in combo:
        c, pw, q = slip.factor
        if (pw, q) != (0, 0):
            why = f" ({loss.name}'s reduction constant is {loss.scale}: {loss.reduction})" if loss else ""
            parts.append(slips.hint(slip.code) + why)
        elif c < 0:
            parts.append(slips.hint(slip.code, p.rule))
        else:
            parts.append(slips.hint(slip.code, "squared" if squared else ""))
    return "; ".join(parts)


def _known_forms(p, at, s, e):
    forms = [(e, None, None)]
    for expr, description, code in p.wrong_forms:
        v = sampling.values(p.to_base(expr), at)
        if sampling.mismatch(v, e) is not None:  # a slip that coincides with the answer is no slip
            forms.append((v, description, code))
    candidates = [(form, desc, code, ()) for form, desc, code in forms[1:]]
    with_nk = N in at
    # a known wrong form with at most one rescaling: more would explain anything
    candidates += [(form, desc, code, combo) for combo in _rescalings(with_nk) for form, desc, code in forms
                   if desc is None or len(combo) <= 1]
    candidates.sort(key=lambda cand: (cand[1] is not None) + len(cand[3]))
    for form, desc, code, combo in candidates:
        factor = _rescale(combo)
        scale = sampling.values(factor, at) if with_nk else np.full_like(e, float(factor))
        if sampling.matches(s, form * scale):
            phrase = _rescaling_phrase(p, combo)
            codes = ((code,) if code else ()) + tuple(slip.code for slip in combo)
            return "; also ".join(x for x in (desc, phrase) if x), codes
    return None


# ---------------------------------------------------------------- 2. one edit of yours


def _fixes(p, at, e, variant) -> bool:
    """Does this variant of the student's expression give the spec's values?"""
    try:
        base = p.to_base(variant)
        head = {sym: col[:SCREEN] for sym, col in at.items()}
        if not sampling.matches(sampling.values(base, head), e[:SCREEN]):
            return False
        return sampling.matches(sampling.values(base, at), e)
    except Exception:  # a variant SymPy cannot evaluate fixes nothing
        return False


def _positions(expr, path=()):
    """(path, subexpression) for every proper subexpression that is a plain Expr, each
    occurrence on its own (a sign slip sits at one place, not at every copy)."""
    for i, arg in enumerate(expr.args):
        if isinstance(arg, sp.Expr) and not isinstance(arg, sp.Piecewise):
            yield path + (i,), arg
        if isinstance(arg, sp.Basic):
            yield from _positions(arg, path + (i,))


def _replace_at(expr, path, new):
    if not path:
        return new
    args = list(expr.args)
    args[path[0]] = _replace_at(args[path[0]], path[1:], new)
    return expr.func(*args)


def _edits(p, at, e, keep, make, code, text, context: str = ""):
    """The first single-position edit make(part) (for parts where keep(part)) that fixes it."""
    student = p.student
    for count, (path, part) in enumerate(_positions(student)):
        if count >= MAX_EDITS:
            return None
        if not keep(part):
            continue
        try:
            variant = _replace_at(student, path, make(part))
        except Exception:  # an edit SymPy refuses fixes nothing
            continue
        if _fixes(p, at, e, variant):
            return slips.hint(code, context, **text(part)), (code,)
    return None


def _sign_compound(p, at, s, e):
    return _edits(p, at, e, lambda u: not u.is_Number and not u.is_Symbol, lambda u: -u,
                  "sign_inside", lambda u: {"part": sp.sstr(u)})


def _sign_symbol(p, at, s, e):
    return _edits(p, at, e, lambda u: u.is_Symbol, lambda u: -u, "sign_inside", lambda u: {"part": sp.sstr(u)})


def _square(p, at, s, e):
    return _edits(p, at, e, lambda u: not u.is_Number and not (u.is_Pow and u.exp == 2), lambda u: u**2,
                  "forgotten_square", lambda u: {"part": sp.sstr(u)})


def _term_missing_z(p, at, s, e):
    """A product-rule term that lost its factor z: (z g(z))' = g + z g', written g + g'."""
    if p.rule != "derivative" or z not in p.student.free_symbols:
        return None
    return _edits(p, at, e, lambda u: not u.is_Number and not u.is_Symbol, lambda u: u * z, "missing_factor",
                  lambda u: {"term": sp.sstr(u)}, "term")


def _wrong_constant(p, at, s, e):
    student = p.student
    steps = {n for h in student.atoms(sp.Heaviside) for n in h.atoms(sp.Number)}
    theirs = {n for n in student.atoms(sp.Number) if n not in (0, 1, -1)} - steps  # a kink is no slope
    ours = {n for n in p.expected.atoms(sp.Number) if n != 0} | {sp.Integer(1)}
    for number in sorted(theirs, key=abs):
        for other in sorted(ours | {number * 10, number / 10}, key=abs):
            if other != number and _fixes(p, at, e, student.xreplace({number: other})):
                return slips.hint("wrong_constant", wrote=number, right=other), ("wrong_constant",)
    return None


# ---------------------------------------------------------------- 3. a factor too few or too many


def _ratio(p, at, s, e):
    """A short factor that yours lacks (spec / yours) or has too many (yours / spec); an
    extra factor without a denominator reads better than a missing one with it."""
    try:
        missing = sp.factor(sp.simplify(p.expected / p.student))
    except Exception:  # no ratio found: no factor to name
        return None
    extra = sp.factor(1 / missing)
    if not missing.free_symbols:
        return None
    order = [("extra", extra), ("missing", missing)]
    if sp.denom(extra).free_symbols and not sp.denom(missing).free_symbols:
        order.reverse()
    for kind, factor in order:
        if sp.count_ops(factor) > SHORT or sp.denom(factor).free_symbols \
                or not _divides(factor, p.expected if kind == "missing" else p.student):
            continue
        fixed = p.student / extra if kind == "extra" else p.student * missing
        if not _fixes(p, at, e, fixed):
            continue
        if kind == "missing":
            return slips.hint("missing_factor", factor=sp.sstr(factor)), ("missing_factor",)
        is_gprime = p.gprime is not None and sp.simplify(factor - p.gprime) == 0
        shown = _as_written(factor, p.student)
        return slips.hint("extra_factor", "gprime" if is_gprime else "", factor=shown), ("extra_factor",)
    return None


def _as_written(factor, expr) -> str:
    """The factor as the student wrote it (y*(1 - y), not -y*(y - 1)) when some of their
    own factors multiply to it; else SymPy's form."""
    theirs = [f for f in sp.Mul.make_args(expr) if not f.is_Number]
    for size in (1, 2, 3):
        for group in itertools.combinations(theirs, size):
            if sp.expand(sp.Mul(*group) - factor) == 0:
                return sp.sstr(sp.Mul(*group, evaluate=False))
    return sp.sstr(factor)


def _divides(factor, expr) -> bool:
    """Is every (non-numeric) factor of ``factor`` a factor of ``expr``, as written? A factor
    the formula does not show is no slip to name (exp(z) for sigmoid' lacks no '(1 + e^z)^-2')."""
    theirs = set(sp.Mul.make_args(sp.factor(expr)))
    return all(f in theirs or -f in theirs for f in sp.Mul.make_args(factor) if not f.is_Number)


# ---------------------------------------------------------------- 4. constants


def _constant_ratio(p, at, s, e):
    """'a constant factor c' when yours / spec is the same number at every point."""
    usable = np.isfinite(s) & np.isfinite(e) & (np.abs(e) > 1e-9)
    if usable.sum() < 10:
        return None
    with np.errstate(all="ignore"):
        ratio = s[usable] / e[usable]
    if np.isclose(ratio[0], 0) or np.isclose(ratio[0], 1) or not sampling.matches(s, ratio[0] * e):
        return None
    c = sp.nsimplify(ratio[0], tolerance=1e-8, rational=True)
    shown = c if sp.denom(c) <= 1000 else sampling.readable(ratio[0])
    return slips.hint("constant_factor", ratio=shown), ("constant_factor",)


def _constant_difference(p, at, s, e):
    both = np.isfinite(s) & np.isfinite(e)
    if both.sum() < 10:
        return None
    gap = s[both] - e[both]
    if np.isclose(gap[0], 0) or not np.allclose(gap, gap[0], rtol=1e-7, atol=1e-10):
        return None
    c = sp.nsimplify(gap[0], tolerance=1e-8, rational=True)
    return slips.hint("wrong_constant", "added", offset=c), ("wrong_constant",)


# ---------------------------------------------------------------- 5. the step at the kink


def heaviside_fix(p, pairs) -> str | None:
    """If giving every Heaviside another value at 0 makes the answer right at every
    (student points, expected points) pair, say which value."""
    steps = p.student.atoms(sp.Heaviside)
    if not steps:
        return None
    expected = p.to_base(p.expected)
    for h0 in (0, 1, sp.Rational(1, 2)):
        fixed = p.to_base(p.student.xreplace({h: sp.Heaviside(h.args[0], h0) for h in steps}))
        if all(sampling.mismatch(sampling.values(fixed, s_at), sampling.values(expected, e_at)) is None
               for s_at, e_at in pairs):
            return slips.hint("kink_value", value=h0)
    return None
