"""Where a formula is tested, and its values there.

A check never trusts a narrow grid: a term that vanishes on [-3, 3] (``Heaviside(z - 4)``)
or only matters for one sample (N = 1) must be seen. So every symbol is drawn from

* 200 *narrow* points, evaluated in float64: z in [-3, 3] on a 0.01 grid (at least 0.01
  from every kink), y in the problem's range, t half in {0, 1} and half in (0, 1) (in
  [-3, 3] for a loss without a logarithm, where a target may be any number),
  N in {1, 2, 3, 4, 5, 8}, K in {1, 2, 3, 4, 6}, S in [-1, 1];
* 40 *wide* points, evaluated by mpmath at 40 digits (float64 would lose sigmoid'(30)
  to cancellation and call a right answer wrong): |z| (and |y|, |S| where no log needs
  y in (0, 1)) log-uniform in [3, 40], either sign.

Values are floats with nan wherever an expression is undefined or not real.
"""
from __future__ import annotations

import mpmath
import numpy as np
import sympy as sp

from deltaspec.spec.activations import z
from deltaspec.spec.checking.notation import S
from deltaspec.spec.losses import K, N, t, y

N_NARROW, N_WIDE = 200, 40
SEED = 20240611
RTOL, ATOL = 1e-7, 1e-10
DIGITS = 40


def points(base, kinks=(), y_range=(-3.0, 3.0), t_range=(0.01, 0.99)) -> dict:
    """{symbol: array of N_NARROW + N_WIDE values} for the symbols in ``base``; t is half
    in {0, 1}, half drawn from ``t_range`` (any real for the squared losses)."""
    rng = np.random.default_rng(SEED)
    n = N_NARROW

    def grid(low, high, count=n):
        return np.round(rng.uniform(low, high, count), 2)

    def wide():
        return np.round(np.where(rng.integers(0, 2, N_WIDE) == 0, -1, 1)
                        * 10 ** rng.uniform(np.log10(3), np.log10(40), N_WIDE), 2)

    zs = np.concatenate([grid(-3, 3), wide()])
    for b in kinks:
        zs = np.where(np.abs(zs - float(b)) < 0.01, zs + 0.37, zs)
    low, high = y_range
    ys = np.concatenate([grid(low, high), wide() if low < 0 else grid(low, high, N_WIDE)])
    total = n + N_WIDE
    ts = np.where(np.arange(total) % 2 == 0, rng.integers(0, 2, total).astype(float),
                  grid(t_range[0], t_range[1], total))
    columns = {z: zs, t: ts, y: ys,
               N: rng.choice([1.0, 2.0, 3.0, 4.0, 5.0, 8.0], total),
               K: rng.choice([1.0, 2.0, 3.0, 4.0, 6.0], total),
               S: np.concatenate([grid(-1, 1), wide()])}
    return {sym: columns[sym] for sym in base}


def _numeric_form(expr):
    """An equivalent for NumPy: Max/Min as Piecewise (lambdify's amax breaks on a scalar
    argument) and DiracDelta as 0 (never evaluated at a kink through it)."""
    expr = expr.replace(lambda e: isinstance(e, (sp.Max, sp.Min)), lambda e: e.rewrite(sp.Piecewise))
    return expr.replace(lambda e: isinstance(e, sp.DiracDelta), lambda e: sp.S.Zero)


def values(expr, at: dict) -> np.ndarray:
    """expr at every point of ``at``: float64 for the narrow part, mpmath for the wide."""
    syms = list(at)
    total = len(next(iter(at.values())))
    narrow = min(N_NARROW, total)
    expr = _numeric_form(sp.sympify(expr))
    head = _float_values(expr, syms, {s: v[:narrow] for s, v in at.items()}, narrow)
    if total == narrow:
        return head
    wide = {s: v[narrow:] for s, v in at.items()}
    rough = _float_values(expr, syms, wide, total - narrow)
    # mpmath only where float64 holds the value: past that, an exp(exp(exp(z))) would ask
    # mpmath for a number with 10^17 digits; such a point is undefined here, as in float64
    keep = np.flatnonzero(np.isfinite(rough))
    tail = np.full(total - narrow, np.nan)
    if keep.size:
        tail[keep] = _precise_values(expr, syms, {s: v[keep] for s, v in wide.items()}, keep.size)
    return np.concatenate([head, tail])


def _float_values(expr, syms, at, n) -> np.ndarray:
    with np.errstate(all="ignore"):
        try:
            out = sp.lambdify(syms, expr, modules="numpy")(*at.values())
            out = np.broadcast_to(np.asarray(out), (n,))
        except Exception:  # fall back to exact evaluation point by point
            out = np.array([_value_at(expr, {s: at[s][i] for s in syms}) for i in range(n)])
        if np.iscomplexobj(out):
            out = np.where(np.abs(out.imag) < 1e-12, out.real, np.nan)
        out = np.asarray(out, dtype=float)
    return np.where(np.isfinite(out), out, np.nan)


def _precise_values(expr, syms, at, n) -> np.ndarray:
    with mpmath.workdps(DIGITS):
        try:
            f = sp.lambdify(syms, expr, modules="mpmath")
            out = [_real(f(*[mpmath.mpf(float(at[s][i])) for s in syms])) for i in range(n)]
        except Exception:
            out = [_value_at(expr, {s: at[s][i] for s in syms}) for i in range(n)]
    return np.array(out, dtype=float)


def _real(value) -> float:
    try:
        value = complex(value)
    except (TypeError, ValueError, OverflowError):
        return float("nan")
    if abs(value.imag) > 1e-12 * max(1.0, abs(value.real)):
        return float("nan")
    real = value.real
    return real if np.isfinite(real) else float("nan")


def _value_at(expr, point) -> float:
    try:
        return _real(expr.evalf(DIGITS, subs={s: sp.Float(float(v), DIGITS) for s, v in point.items()}))
    except (TypeError, ValueError, ZeroDivisionError):
        return float("nan")


def agree(s, e) -> np.ndarray:
    with np.errstate(all="ignore"):
        return np.isclose(s, e, rtol=RTOL, atol=ATOL)


def mismatch(s, e):
    """Index of the worst disagreement (largest relative difference where both are finite),
    else of the first point where only the spec is defined; None when they agree."""
    both = np.isfinite(s) & np.isfinite(e)
    differ = both & ~agree(s, e)
    if differ[:N_NARROW].any():  # a counterexample at a familiar point reads best
        differ[N_NARROW:] = False
    if differ.any():
        with np.errstate(all="ignore"):
            rel = np.abs(s - e) / np.maximum(np.abs(e), 1e-300)
        return int(np.argmax(np.where(differ, rel, -1.0)))
    undefined = np.isfinite(e) & ~np.isfinite(s)
    return int(np.argmax(undefined)) if undefined.any() else None


def matches(s, candidate) -> bool:
    """Equal wherever both are defined, at at least 10 points."""
    both = np.isfinite(s) & np.isfinite(candidate)
    return both.sum() >= 10 and bool(agree(s[both], candidate[both]).all())


def readable(value):
    """Six significant digits; whole numbers without a decimal point."""
    if value is None or not np.isfinite(value):
        return None
    value = float(f"{float(value):.6g}")
    return int(value) if value.is_integer() and abs(value) < 1e15 else value


def domain(base, y_range, t_range=(0.01, 0.99)) -> str:
    """Where the points were drawn, in words."""
    y_wide = " and |y| in [3, 40]" if y_range[0] < 0 else ""
    parts = {z: "z in [-3, 3] and |z| in [3, 40] away from kinks",
             y: f"y in [{y_range[0]:g}, {y_range[1]:g}]{y_wide}",
             t: f"t in {{0, 1}} and [{t_range[0]:g}, {t_range[1]:g}]", N: "N in {1, 2, 3, 4, 5, 8}", K: "K in {1, 2, 3, 4, 6}",
             S: "S in [-1, 1] and |S| in [3, 40]"}
    return ", ".join(parts[sym] for sym in base)
