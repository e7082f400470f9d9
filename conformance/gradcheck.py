"""Finite-difference gradient checking for arbitrary NumPy callables.

Public API: :func:`gradcheck`, :func:`numeric_gradient`,
:func:`elementwise_derivative`, :class:`GradcheckResult`, :class:`GradcheckError`
(and its subclass :class:`GradcheckInputError` for unusable input).
Depends on numpy only.

Two stages
----------
:func:`gradcheck` (both modes) first *screens* every element (every direction)
with 4 evaluations of f: one Richardson step on two central differences.  Only
the elements the screen cannot settle go on to the *table* (below: up to 30
Richardson levels, a measured noise level, adaptive depth and a kink test;
about 32 evaluations an element), whose result then replaces the screen's.
The screen can only accept: every failure and every kink is declared by the
table.  :func:`numeric_gradient` and :func:`elementwise_derivative` have no
analytic value to screen against and run the table on every element
(``elementwise_derivative`` pays per level, not per element, anyway).

The screen
----------
**Steps.**  ``h_1 = min(2**q * s, max_step)`` and ``h_2 = h_1 / 2``, ``s`` as for the
table below, ``q = -9`` for float64 (``-5`` float32, ``-2`` float16); in directional mode
``s = 1`` and the cap is ``max_step / max(1, max_i |v_i|)``, so that no element moves by
more than ``max_step`` (as for the table's first step there).  The realised
half-widths enter the formulas, ``r = h_1 / h_2`` (2 whenever ``x +- h`` is exact).

**Estimate** (4th order)::

    D_k = (f(x + h_k) - f(x - h_k)) / (2 h_k)          = f' + c_1 h_k**2 + c_2 h_k**4 + ...
    T   = D_2 + (D_2 - D_1) / (r**2 - 1)               = f' - c_2 h_1**2 h_2**2 + O(h**6)

**Error bound** ``e = e_trunc + e_round``, with ``dD = |D_1 - D_2|``::

    e_trunc = dD * min(r**2 / (r**2 - 1), dD / |T|)
    e_round = (r**2 nu_2 + nu_1) / (r**2 - 1),   nu_k = (nu(f(x+h_k)) + nu(f(x-h_k))) / (2 h_k)

The first term of ``e_trunc`` is Ridders' bound ``|T - D_1|``; the second holds when the
terms of ``D(h)`` shrink at the rate their first two show (``|c_2 h**4| ~ |c_1 h**2|**2 /
|f'|``), as for a function analytic in a disc much larger than ``h`` (``dD`` estimates
``(3/4) |c_1| h_1**2``).  ``e_round`` propagates the noise of f through the weights of
``T``; the screen trusts f to ``nu(f) = NOISE_ULPS * eps_f * |f|`` without measuring it (f
noisier than that fails the screen's comparison and is measured by the table).

**Kink suspicion.**  With the second differences ``S_k = f(x+h_k) + f(x-h_k) - 2 f(x)``
the one-sided slopes ``R = 2 F_2 - F_1``, ``L = 2 B_2 - B_1`` of the kink test below
differ by ``R - L = (4 S_2 - S_1) / h_1``.  Smooth f has ``S ~ f'' h**2``, so
``4 S_2 ~ S_1``; a kink has ``S ~ |jump| h``, so ``4 S_2 ~ 2 S_1``.  The jump is
*suspect* if it is significant (the kink test's two conditions on ``R - L``) and
``|4 S_2 - S_1| > |S_1| / 4``.

**Refinement rule.**  An element goes to the table if

1. the comparison rule (below) fails for ``n = T`` and ``e`` (with atol's scale
   taken from ``|analytic|`` alone, never above the final atol), or
2. a kink is suspected, or f was non-finite at a screen step, or
3. ``e_trunc > e_round`` and ``SAFETY * e > rtol * max(|a|, |T|)``: the
   truncation bound, which finer steps and higher orders can shrink, keeps the
   comparison from testing at ``rtol`` (a rounding-bound element is compared at
   the tolerance its rounding allows, as in the table).

**Precision.**  In float64 ``e_round ~ 3 eps |f| / h_1 ~ 3.4e-13 |f|`` and the truncation
``|c_2| h**4 / 4 ~ 3e-14 |f^(5)|``.  On tanh MLPs of 20, 386 and 10201 parameters
(``benchmarks/bench_gradcheck.py``) ``max |T - exact| / max |exact|`` is 1.7e-13, 5.3e-13
and 2.1e-13, no element of the correct gradient is refined at 20 and 386 parameters and
6 of 10201 at 10k (gradients below ``2e-5`` of the largest, where ``dD / |T|`` is large).

The table
---------
**Steps.**  For an element with value ``x`` the first step is
``h_0 = 2**p * s`` with ``s = 2**floor(log2(max(1, |x|)))``, and the table uses
``h_k = h_0 / 2**k`` for ``k = 0 .. K-1``.  Powers of two keep ``x +- h_k``
exact in binary floating point whenever possible; the half-width actually
realised, ``((x+h) - (x-h)) / 2``, is what enters the formulas.  ``p`` and
``K`` follow the precision of ``f``: float64 uses ``h = 2**-2 .. 2**-11``
(times ``s``), float32 ``2**-4 .. 2**-9``.  The float64 steps start large on
purpose: extrapolation removes the truncation error and large steps keep the
rounding error ``eps*|f|/h`` small.  (In float32 they start smaller: with only
7 digits the table cannot afford levels polluted by a nearby ReLU kink.)

**Central difference.**
``D(h) = (f(x+h) - f(x-h)) / (2h) = f'(x) + c_1 h**2 + c_2 h**4 + ...``

**Richardson / Neville table** (even powers of ``h``, step ratio 2)::

    T[k, 0] = D(h_k)
    T[k, j] = T[k, j-1] + (T[k, j-1] - T[k-1, j-1]) / (4**j - 1)

Entry ``T[k, j]`` has truncation error ``O(h_k**(2j+2))``.

**Noise of f.**  One value of ``f`` is trusted to
``nu(f) = max(NOISE_ULPS * eps_f * |f|, NOISE_SIGMAS * sigma)``.  ``eps_f`` is
the machine epsilon of the least precise of ``x`` and ``f(x)``; ``sigma`` is
measured: the rms residual of quartics fitted to ``f(x + j*delta)`` and to
``f(x - j*delta)``, ``j = 0..6``, separately (so a kink at x is not mistaken
for noise), ``delta = 2**-13 * s``.  Where
that residual is large the probe is repeated ``2**10`` times closer, and the
closer value replaces it only if the residual collapsed by more than
``2**20``: truncation from a fast feature of f shrinks like ``delta**5``,
rounding jitter much less.  It catches f summing
terms much larger than itself, which ``eps * |f|`` cannot see.

**Error estimate** (Ridders, made more conservative).  For ``j >= 1``::

    e_trunc[k, j] = max(|T[k, j] - T[k, j-1]|, |T[k, j] - T[k-1, j-1]|)
    e_round[k]    = 2 * (nu(f(x+h_k)) + nu(f(x-h_k))) / (2 h_k)
    e[k, j]       = e_trunc[k, j] + e_round[k]

(the factor 2 bounds how much the extrapolation weights amplify the rounding
of the finest level used).  Per level ``k`` the entry with the smallest ``e``
is kept (``V_k``, ``E_k``).  A level is *valid* if ``|V_k - V_k'| <= E_k +
E_k'`` for every finer level ``k'``: a kink or fast feature at distance ``d``
pollutes every level with ``h > d`` while looking smooth among them, and the
finer, more local levels expose it.  The valid level ``k*`` with the smallest
``E_k`` wins and its error estimate is
``max(E_k*, |V_k* - V_{k*+-1}| - E_{k*+-1})`` (valid neighbours only): a
minimum over dozens of noisy candidates is optimistic.

**Adaptive depth.**  An element whose estimate cannot yet be tested at
``rtol`` (``SAFETY * e > rtol * |D|``) gets further levels ``h_K, h_{K+1}...``
while finer steps can still help: the rounding term at the finest level is
below ``e`` and either ``k*`` is one of the two finest levels (the error is
still falling), or ``e > sqrt(rtol) * |D|`` (the coarse steps do not resolve
f, e.g. ``sin(1000 x)`` or ``log(x)`` at ``x = 1e-3``), or a kink is suspected
(below).  Steps where ``f`` is non-finite (outside its domain) only
disqualify the entries built from them; an element with no finite entry keeps
refining.  At most 30 levels (float64), 16 (float32).

**Kink test.**  With the one-sided differences
``F_k = (f(x+h_k) - f(x)) / h_k`` and ``B_k = (f(x) - f(x-h_k)) / h_k``,
``R_k = 2 F_k - F_{k-1}`` and ``L_k = 2 B_k - B_{k-1}`` estimate the right and
left derivatives with the ``O(h)`` term removed.  For smooth ``f``,
``R_k - L_k = O(h_k**3)``; at a kink it tends to the jump ``f'(x+) - f'(x-)``.
At the finest level the jump is *significant* when::

    |R - L| > rtol * max(|R|, |L|)   and   |R - L| > KINK_FACTOR * rounding(R - L)

(the first condition ignores jumps too small to bias ``D`` beyond ``rtol``)
and the element is a *kink* when moreover it is stable across levels::

    |R - L| > KINK_FACTOR * (|(R - L) - (R_prev - L_prev)| + rounding(R - L))

A significant but unstable jump is a *suspect* (a kink near, not at, x).

**Comparison rule** for analytic ``a`` and numeric ``n`` with error estimate
``e``::

    |a - n| <= atol + rtol * max(|a|, |n|) + SAFETY * e

At a kink the analytic value only has to lie in the interval spanned by the
one-sided derivatives ``[min(L, R), max(L, R)]`` (any subgradient is
accepted); the same formula is applied to its distance from that interval,
with ``e`` the uncertainty of ``L`` and ``R``.

Defaults: ``rtol = 1e-9`` for float64 (``1e-3`` float32, ``5e-2`` float16);
``atol = ATOL_ULPS * eps * scale``, where ``scale`` is the largest
``|analytic|`` or ``|numeric|`` of that parameter in full mode and
``sum_i |g_i v_i|`` (the rounding bound of ``<g, v>``) in directional mode.
The atol only absorbs the rounding noise of the analytic gradient itself.
A relative error ``r`` in element ``a`` is detected when ``r |a|`` exceeds the tolerance:
for an element the screen accepts in float64, ``r > 1e-9 + SAFETY * e / |a|``, about
``1e-9 + 3.4e-12 |f| / |a|`` (``1.0e-9`` for the largest gradient of the benchmark MLPs,
``1.7e-9`` for the median one of the 10k network).

Limitations.  If f subtracts intermediates ``10**4`` or more times larger than
itself, its rounding error can be locally *linear* in the step, a systematic
slope no finite difference can tell from the derivative; pass a larger
``rtol``.  In float32, a ReLU kink closer to ``x`` than about ``2**-9 * s``
in a loss much larger than its gradient can exceed what the steps resolve
and rarely (about 1 check in 150 in our stress runs) give a false failure;
check such models in float64.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

__all__ = [
    "ATOL_ULPS",
    "KINK_FACTOR",
    "NOISE_ULPS",
    "SAFETY",
    "ElementwiseDerivative",
    "GradcheckError",
    "GradcheckInputError",
    "GradcheckResult",
    "NumericGradient",
    "default_tolerances",
    "elementwise_derivative",
    "gradcheck",
    "numeric_gradient",
]

SAFETY = 10.0
"""Multiplier on the finite-difference error estimate in the comparison rule."""
NOISE_ULPS = 1.0
"""Assumed relative error of one evaluation of ``f``, in units of its eps."""
KINK_FACTOR = 2.0
"""A left/right jump must exceed this multiple of its own uncertainty."""
NOISE_SIGMAS = 2.0
"""Multiple of the probed noise level of f used as its error bound."""
ATOL_ULPS = 4.0
"""Default atol, in units of eps times the gradient scale."""
_N_SHOWN = 5


# ----------------------------------------------------------------- errors
class GradcheckError(AssertionError):
    """Raised when a gradient check fails; ``.result`` holds the evidence."""

    def __init__(self, message: str, result: GradcheckResult | None = None):
        super().__init__(message)
        self.result = result


class GradcheckInputError(GradcheckError, ValueError):
    """Unusable input to the check (bad x, f not scalar, bad gradient shape...)."""


# --------------------------------------------------------------- policies
@dataclass(frozen=True)
class _Policy:
    rtol: float
    log2_h0: int
    n_levels: int
    max_levels: int
    log2_probe: int
    log2_screen: int  # first step of the 4-point screen (full and directional modes)


_POLICIES = {
    16: _Policy(rtol=5e-2, log2_h0=-1, n_levels=5, max_levels=10, log2_probe=-7, log2_screen=-2),
    32: _Policy(rtol=1e-3, log2_h0=-4, n_levels=6, max_levels=16, log2_probe=-13, log2_screen=-5),
    64: _Policy(rtol=1e-9, log2_h0=-2, n_levels=10, max_levels=30, log2_probe=-13, log2_screen=-9),
}


def _policy(dtype: Any) -> _Policy:
    bits = np.finfo(dtype).bits
    return _POLICIES[16 if bits <= 16 else 32 if bits <= 32 else 64]


def _policy_for_eps(eps: float) -> _Policy:
    for dt in (np.float16, np.float32):
        if eps >= np.finfo(dt).eps:
            return _policy(dt)
    return _policy(np.float64)


def default_tolerances(dtype: Any) -> tuple[float, float]:
    """``(rtol, atol_ulps * eps)`` used for parameters of ``dtype``.

    The second number multiplies the gradient scale to give the default atol.
    """
    return _policy(dtype).rtol, ATOL_ULPS * float(np.finfo(dtype).eps)


def _eps(dtype: Any) -> float:
    dt = np.dtype(dtype)
    return float(np.finfo(dt).eps) if dt.kind == "f" else float(np.finfo(np.float64).eps)


def _base_step(a: np.ndarray, log2_h0: int) -> np.ndarray:
    """``2**log2_h0 * 2**floor(log2(max(1, |a|)))`` elementwise, as float64."""
    _, e = np.frexp(np.maximum(1.0, np.abs(a.astype(np.float64))))
    return np.ldexp(1.0, e - 1 + log2_h0).ravel()


# -------------------------------------------------------------- FD engine
class _FD(NamedTuple):
    value: np.ndarray
    error: np.ndarray
    kink: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    side_error: np.ndarray


def _ridders(D: np.ndarray, rnd: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Best Neville-table entry per column of ``D`` (levels x elements).

    NaN rows (non-finite f, or levels not evaluated) only disqualify the
    entries built from them.  Returns value, error estimate and winning level.
    """
    vals, errs = _best_per_level(D, rnd)
    n_lev, m = D.shape
    cols = np.arange(m)
    valid = _consistent_with_finer(vals, errs)
    k = np.argmin(np.where(valid, errs, np.inf), axis=0)
    best, best_err = vals[k, cols], errs[k, cols]
    # A minimum over dozens of noisy candidates is optimistic: the best
    # estimates of the neighbouring levels must agree with the winner too,
    # up to their own error.
    for nb in (k - 1, k + 1):
        nbc = np.clip(nb, 0, n_lev - 1)
        excess = np.abs(best - vals[nbc, cols]) - errs[nbc, cols]
        usable = (nb >= 0) & (nb < n_lev) & valid[nbc, cols] & np.isfinite(excess)
        best_err = np.where(usable, np.maximum(best_err, excess), best_err)
    return best, best_err, k


def _best_per_level(D: np.ndarray, rnd: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per finest level k, the table entry ``T[k, j]`` (j >= 1) with the smallest error."""
    n_lev, m = D.shape
    vals, errs = np.full((n_lev, m), np.nan), np.full((n_lev, m), np.inf)
    prev = D
    for j in range(1, n_lev):
        cur = prev[1:] + (prev[1:] - prev[:-1]) / (4.0**j - 1.0)
        err = np.maximum(np.abs(cur - prev[1:]), np.abs(cur - prev[:-1])) + 2.0 * rnd[j:]
        err[~(np.isfinite(err) & np.isfinite(cur))] = np.inf
        take = err < errs[j:]
        vals[j:], errs[j:] = np.where(take, cur, vals[j:]), np.where(take, err, errs[j:])
        prev = cur
    return vals, errs


def _consistent_with_finer(vals: np.ndarray, errs: np.ndarray) -> np.ndarray:
    """Levels whose estimate agrees with every finer level within both errors.

    A kink or a fast feature at distance d from x pollutes all levels with
    h > d while looking smooth among them; the finer, more local levels
    expose it.
    """
    n_lev = vals.shape[0]
    # agree[k, k'] for every pair of levels at once; only k' > k counts
    agree = (np.abs(vals[:, None] - vals[None, :]) <= errs[:, None] + errs[None, :]) | ~np.isfinite(vals[None, :])
    finer = np.triu(np.ones((n_lev, n_lev), bool), 1)[:, :, None]
    return np.isfinite(vals) & np.all(agree | ~finer, axis=1)


def _finest3(a: np.ndarray, depth: np.ndarray) -> np.ndarray:
    rows = depth[None, :] + np.arange(-3, 0)[:, None]
    return np.take_along_axis(a, np.maximum(rows, 0), axis=0)


class _Noise(NamedTuple):
    """Error bound of one f value: ``max(NOISE_ULPS*eps*|f|, NOISE_SIGMAS*sigma)``."""

    eps: float
    sigma: np.ndarray  # probed noise level, per element

    def __call__(self, fvals: np.ndarray) -> np.ndarray:
        return np.maximum(NOISE_ULPS * self.eps * np.abs(fvals), NOISE_SIGMAS * self.sigma)

    def take(self, idx: np.ndarray) -> _Noise:
        return _Noise(self.eps, self.sigma[idx])


def _probe_projector() -> np.ndarray:
    t = np.arange(0.0, 7.0)
    q, _ = np.linalg.qr(np.vander(t, 5))
    return np.eye(t.size) - q @ q.T


_PROBE_RESIDUAL = _probe_projector()


def _probe(evaluate, idx: np.ndarray, delta: np.ndarray, f0: np.ndarray) -> np.ndarray:
    """Noise level of f from quartics fitted to ``f(x + j*delta)`` and
    ``f(x - j*delta)``, ``j = 0..6``, separately (so a kink at x does not count).

    The quintic term at these small steps is far below rounding, so the
    residual (4 degrees of freedom) measures how much f's value jitters, e.g.
    when f sums terms much larger than itself, which ``eps * |f|`` cannot see.
    """
    fp, fm, _ = evaluate(idx, np.arange(1, 7)[:, None] * delta)
    with np.errstate(all="ignore"):
        r = _PROBE_RESIDUAL @ np.vstack([f0, fp])
        q = _PROBE_RESIDUAL @ np.vstack([f0, fm])
        sigma = np.sqrt((np.sum(r * r, axis=0) + np.sum(q * q, axis=0)) / 4.0)
    return np.where(np.isfinite(sigma), sigma, 0.0)


def _noise_level(evaluate, h0: np.ndarray, pol: _Policy, eps_f: float, f0: np.ndarray) -> _Noise:
    """Probe at ``h0 * 2**(probe - log2_h0)``; where the residual looks large,
    probe again 2**10 times closer.  A fast feature of f (truncation) makes
    the residual collapse like ``delta**5``, by 2**50; rounding jitter shrinks
    far less (deterministic noise can hide at tiny steps), so the closer
    probe replaces the first only after a collapse of more than 2**20."""
    every = np.arange(h0.size)
    delta = np.ldexp(h0, pol.log2_probe - pol.log2_h0)
    sigma = _probe(evaluate, every, delta, f0)
    again = every[sigma > 4 * NOISE_ULPS * eps_f * np.abs(f0)]
    if again.size:
        closer = _probe(evaluate, again, np.ldexp(delta[again], -10), f0[again])
        sigma[again] = np.where(closer < np.ldexp(sigma[again], -20), closer, sigma[again])
    return _Noise(eps_f, sigma)


def _one_sided(fp, fm, f0, h, noise: _Noise, rtol):
    """Kink flag, one-sided derivative interval and its uncertainty (3 finest levels).

    Also flags a *suspect*: left and right differ beyond rounding but not
    consistently across levels, as when a kink lies inside the step range
    but not at x; finer steps settle it.
    """
    F, B = (fp - f0) / h, (f0 - fm) / h
    nF, nB = (noise(fp) + noise(f0)) / h, (noise(fm) + noise(f0)) / h
    R, L = 2 * F[1:] - F[:-1], 2 * B[1:] - B[:-1]  # rows: previous, finest
    nR, nL = 2 * nF[1:] + nF[:-1], 2 * nB[1:] + nB[:-1]
    jump, jump_prev = R[1] - L[1], R[0] - L[0]
    unc = np.abs(jump - jump_prev) + nR[1] + nL[1]
    significant = (np.abs(jump) > rtol * np.maximum(np.abs(R[1]), np.abs(L[1]))) & (
        np.abs(jump) > KINK_FACTOR * (nR[1] + nL[1]))
    kink = significant & (np.abs(jump) > KINK_FACTOR * unc)
    side_err = np.maximum(np.abs(R[1] - R[0]) + nR[1], np.abs(L[1] - L[0]) + nL[1])
    return kink, significant & ~kink, np.fmin(R[1], L[1]), np.fmax(R[1], L[1]), side_err


def _analyse(fp, fm, h, depth, f0, noise: _Noise, rtol) -> tuple[_FD, np.ndarray]:
    """Table, error estimate and kink test; also whether finer levels might help.

    They might if the rounding term at the finest level is below the error
    and either the winning level is among the two finest (the error was still
    falling), or the error is gross (``> sqrt(rtol) * |value|``: the coarse
    levels do not resolve f at all, e.g. ``sin(1000 x)``), or a kink is
    suspected near x.
    """
    n = int(depth.max(initial=1))  # rows below every element's depth are NaN: leave them out
    fp, fm, h = fp[:n], fm[:n], h[:n]
    with np.errstate(all="ignore"):
        D = (fp - fm) / (2 * h)
        rnd = (noise(fp) + noise(fm)) / (2 * h)
        value, error, level = _ridders(D, rnd)
        fine = [_finest3(a, depth) for a in (fp, fm, h)]
        kink, suspect, lower, upper, side_err = _one_sided(*fine[:2], f0, fine[2], noise, rtol)
        falling = (level >= depth - 2) | (error > np.sqrt(rtol) * np.abs(value)) | suspect
        helps = ~np.isfinite(value) | (falling & (16.0 * _finest3(rnd, depth)[-1] < error))
    return _FD(value, error, kink, lower, upper, side_err), helps


def _fd_engine(evaluate, f0, h0, pol: _Policy, eps_f, rtol) -> _FD:
    """Richardson tables for all elements; ``evaluate(idx, h)`` takes steps ``h`` of shape
    (levels, len(idx)) and returns ``(f(+h), f(-h), realised h)`` in that shape for the
    elements ``idx`` (every level at once, so that f can be evaluated in one batch).

    Every element gets ``pol.n_levels`` levels.  An element
    whose estimate is not yet good enough to test at ``rtol``
    (``SAFETY * err > rtol * |value|``, or no finite entry because f left its
    domain) gets further, finer levels while they can still help (see
    ``_analyse``), up to ``pol.max_levels``.
    """
    m = h0.size
    fp, fm, h = (np.full((pol.max_levels, m), np.nan) for _ in range(3))
    depth = np.zeros(m, dtype=int)

    def add_level(idx: np.ndarray) -> None:
        rows = depth[idx]
        fp[rows, idx], fm[rows, idx], h[rows, idx] = (v[0] for v in evaluate(idx, np.ldexp(h0[idx], -rows)[None]))
        depth[idx] += 1

    every = np.arange(m)
    noise = _noise_level(evaluate, h0, pol, eps_f, f0)
    first = np.arange(pol.n_levels)
    fp[first], fm[first], h[first] = evaluate(every, np.ldexp(h0, -first[:, None]))
    depth[:] = pol.n_levels
    out, helps = _analyse(fp, fm, h, depth, f0, noise, rtol)
    todo = every
    while True:
        value, error = out.value[todo], out.error[todo]
        unresolved = ~np.isfinite(value) | (SAFETY * error > rtol[todo] * np.abs(value))
        todo = todo[unresolved & helps[todo] & (depth[todo] < pol.max_levels)]
        if todo.size == 0:
            return out
        add_level(todo)
        sub, sub_helps = _analyse(fp[:, todo], fm[:, todo], h[:, todo], depth[todo], f0[todo],
                                  noise.take(todo), rtol[todo])
        for dst, src in zip(out, sub):
            dst[todo] = src
        helps[todo] = sub_helps


# ------------------------------------------------------------ the screen
class _Screen(NamedTuple):
    """Outcome of the 4-point screen, per element."""

    fd: _FD
    suspect: np.ndarray  # left/right slopes differ like a kink: the table must decide
    trunc_bound: np.ndarray  # the truncation part of ``fd.error``
    round_bound: np.ndarray  # the rounding part of ``fd.error``


def _screen(fp: np.ndarray, fm: np.ndarray, h: np.ndarray, f0: np.ndarray, eps_f: float,
            rtol: np.ndarray) -> _Screen:
    """One Richardson step on two central differences; rows of ``fp, fm, h`` are the
    steps ``h_1`` and ``h_2 ~ h_1 / 2`` (realised half-widths), columns the elements.

    ``D_k = (f(x+h_k) - f(x-h_k)) / (2 h_k)``; with ``r = h_1/h_2`` the step
    ``T = D_2 + (D_2 - D_1) / (r**2 - 1)`` removes the ``h**2`` term, leaving ``O(h**4)``.
    Error bound ``e = e_trunc + e_round`` with ``dD = |D_1 - D_2|``:
    ``e_trunc = dD * min(r**2 / (r**2 - 1), dD / |T|)`` (Ridders' bound ``|T - D_1|``, or,
    when the terms of ``D(h) = f' + c_1 h**2 + c_2 h**4 + ...`` shrink at the rate their
    first two show, ``|c_2 h**4| ~ |c_1 h**2|**2 / |f'|``, whichever is smaller) and
    ``e_round = (r**2 nu_2 + nu_1) / (r**2 - 1)``, ``nu_k = (nu(f(x+h_k)) + nu(f(x-h_k))) / (2 h_k)``,
    ``nu(f) = NOISE_ULPS * eps_f * |f|`` (f trusted to its last bits: f noisier than that
    fails the screen's comparison and gets the table, which measures the noise).
    """
    with np.errstate(all="ignore"):
        D = (fp - fm) / (2 * h)
        r2 = (h[0] / h[1]) ** 2
        dD = D[0] - D[1]
        value = D[1] - dD / (r2 - 1)
        nu = NOISE_ULPS * eps_f * (np.abs(fp) + np.abs(fm)) / (2 * h)
        e_round = (r2 * nu[1] + nu[0]) / (r2 - 1)
        e_trunc = np.abs(dD) * np.fmin(r2 / (r2 - 1), np.abs(dD) / np.abs(value))
        e_trunc = np.where(dD == 0, 0.0, e_trunc)  # 0/0 when f ignores the element
        error = np.where(np.isfinite(value), e_trunc + e_round, np.inf)
        suspect, lower, upper, side_err = _screen_kink(fp, fm, h, f0, eps_f, rtol)
    fd = _FD(value, error, np.zeros(value.shape, bool), lower, upper, side_err)
    return _Screen(fd, suspect, e_trunc, e_round)


def _screen_kink(fp, fm, h, f0, eps_f, rtol):
    """Does f look kinked within the steps?  ``R = 2 F_2 - F_1`` and ``L = 2 B_2 - B_1``
    (one-sided differences as in the kink test of the table) differ by
    ``R - L = (4 S_2 - S_1) / h_1`` with the second differences ``S_k = f(x+h_k) + f(x-h_k) - 2 f(x)``.
    A smooth f gives ``S_1 ~ 4 S_2`` (``S ~ f'' h**2``), a kink ``S_1 ~ 2 S_2`` (``S ~ |jump| h``),
    so a jump is suspect when significant (as in the table's test) and
    ``|4 S_2 - S_1| > |S_1| / 4``.  Returns suspect, lower, upper and their uncertainty.
    """
    F, B = (fp - f0) / h, (f0 - fm) / h
    nu0 = NOISE_ULPS * eps_f * np.abs(f0)
    nF = (NOISE_ULPS * eps_f * np.abs(fp) + nu0) / h
    nB = (NOISE_ULPS * eps_f * np.abs(fm) + nu0) / h
    R, L = 2 * F[1] - F[0], 2 * B[1] - B[0]
    nR, nL = 2 * nF[1] + nF[0], 2 * nB[1] + nB[0]
    jump = R - L
    S1 = fp[0] + fm[0] - 2 * f0
    significant = (np.abs(jump) > rtol * np.maximum(np.abs(R), np.abs(L))) & (
        np.abs(jump) > KINK_FACTOR * (nR + nL))
    linear = np.abs(jump) * h[0] > 0.25 * np.abs(S1)
    suspect = (significant & linear) | ~np.isfinite(jump)
    return suspect, np.fmin(R, L), np.fmax(R, L), np.abs(jump) + nR + nL


def _screen_then_table(evaluate, evaluate_pair, f0, h_screen, h0, pol: _Policy, eps_f, rtol,
                       refine_rule) -> tuple[_FD, np.ndarray]:
    """Screen every element with 4 evaluations (``evaluate_pair(idx, h)`` returns
    ``fp, fm, h`` with rows for the steps ``h`` and ``h/2``), then run the full table
    (:func:`_fd_engine`, from ``h0``) on the elements ``refine_rule(screen)`` selects.
    Returns the merged estimates and the refined mask.
    """
    every = np.arange(h_screen.size)
    fp, fm, h = evaluate_pair(every, h_screen)
    sc = _screen(fp, fm, h, f0, eps_f, rtol)
    refine = refine_rule(sc)
    fd = sc.fd
    if refine.any():
        idx = np.flatnonzero(refine)
        sub = _fd_engine(lambda j, s: evaluate(idx[j], s), f0[idx], h0[idx], pol, eps_f, rtol[idx])
        for dst, src in zip(fd, sub):
            dst[idx] = src
    return fd, refine


def _judge_against(analytic: np.ndarray, rtol: np.ndarray, atol: Any):
    """The screen's refinement rule when the analytic values are known.

    An element goes to the table if the comparison rule fails on the screen's
    estimate (the table, not the screen, may declare a failure), if the slopes
    look kinked, if f was non-finite, or if the truncation bound dominates the
    error and leaves it too wide to test at ``rtol`` (``SAFETY * e > rtol *
    max(|a|, |T|)``; finer steps and higher orders can shrink truncation, not rounding).
    """
    def rule(sc: _Screen) -> np.ndarray:
        cmp = _compare(analytic, sc.fd, rtol, atol)
        with np.errstate(all="ignore"):
            scale = np.maximum(np.abs(analytic), np.abs(sc.fd.value))
            loose = (SAFETY * sc.fd.error > rtol * scale) & (sc.trunc_bound > sc.round_bound)
        return ~cmp.ok | sc.suspect | loose | ~np.isfinite(sc.fd.value)

    return rule


# ------------------------------------------------------- calling the user
def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"


def _describe(out: Any) -> str:
    if isinstance(out, np.ndarray):
        return f"an array of shape {out.shape} and dtype {out.dtype}"
    return f"a {type(out).__name__}"


class _ScalarF:
    """Calls the user's f (or f_many, f at a list of points), counts calls, maps domain
    errors to NaN."""

    def __init__(self, f: Callable[[Any], Any], f_many: Callable[[list], Any] | None = None):
        self.f, self.f_many, self.calls, self.nonfinite, self.out_eps = f, f_many, 0, 0, 0.0

    def base(self, x: Any) -> float:
        try:
            with np.errstate(all="ignore"):
                out = self.f(x)
        except Exception as exc:
            raise GradcheckInputError(f"f(x) raised {_one_line(exc)} (at the unperturbed x)") from exc
        value = self._scalar(out)
        if not math.isfinite(value):
            raise GradcheckInputError(f"f(x) is {value} at the unperturbed x; it must be finite")
        self.out_eps = _eps(np.asarray(out).dtype)
        return value

    def __call__(self, x: Any) -> float:
        self.calls += 1
        try:
            with np.errstate(all="ignore"):
                out = self.f(x)
        except (ArithmeticError, ValueError):  # stepped outside f's domain
            out = math.nan
        value = self._scalar(out)
        self.nonfinite += not math.isfinite(value)
        return value

    def many(self, xs: list) -> np.ndarray:
        """f at each point of xs, as one by one would give them: in one call of f_many
        when there is one. Where f_many raises a domain error (ArithmeticError,
        ValueError), the points are taken one by one, so that only the point outside
        the domain is NaN."""
        if self.f_many is None or len(xs) < 2:
            return np.array([self(x) for x in xs], dtype=np.float64)
        try:
            with np.errstate(all="ignore"):
                outs = list(self.f_many(xs))
        except (ArithmeticError, ValueError):
            return np.array([self(x) for x in xs], dtype=np.float64)
        if len(outs) != len(xs):
            raise GradcheckInputError(f"f_many returned {len(outs)} values for {len(xs)} points")
        values = np.array([self._scalar(out) for out in outs], dtype=np.float64)
        self.count(values)
        return values

    def count(self, values: np.ndarray) -> None:
        """Book calls made outside ``__call__`` (the screen's loop calls f directly)."""
        self.calls += values.size
        self.nonfinite += int(np.count_nonzero(~np.isfinite(values)))

    @staticmethod
    def _scalar(out: Any) -> float:
        arr = np.asarray(out)
        if arr.ndim != 0 or arr.dtype.kind not in "fiu":
            raise GradcheckInputError(f"f(x) must return a real scalar, got {_describe(out)}")
        return float(arr)


# ------------------------------------------------------------- parameters
def _as_float_array(a: Any, what: str) -> np.ndarray:
    try:
        arr = np.asarray(a)
    except (ValueError, TypeError) as exc:
        raise GradcheckInputError(f"{what} is not an array ({_one_line(exc)})") from exc
    if arr.dtype.kind != "f":
        raise GradcheckInputError(
            f"{what} must have a real floating dtype, got {arr.dtype} (use .astype(np.float64))")
    if not np.all(np.isfinite(arr)):
        raise GradcheckInputError(f"{what} contains non-finite values")
    return np.array(arr, dtype=arr.dtype, order="C", copy=True)


class _Params:
    """x as a list of named float arrays, plus the way back to x's structure."""

    def __init__(self, x: Any, names: Any = None):
        if isinstance(x, Mapping):
            self.kind, self.keys = "dict", list(x)
            leaves, labels = [x[k] for k in self.keys], [str(k) for k in self.keys]
        elif isinstance(x, (list, tuple)):
            self.kind, self.keys = type(x).__name__, list(range(len(x)))
            leaves, labels = list(x), [f"param[{i}]" for i in self.keys]
        else:
            self.kind, self.keys, leaves, labels = "array", [None], [x], ["x"]
        if not leaves:
            raise GradcheckInputError("x is empty: pass an array, a dict or a list of arrays")
        self.names = self._names(names, labels)
        self.arrays = [_as_float_array(a, f"x{self.path(i)}") for i, a in enumerate(leaves)]
        self.sizes = [a.size for a in self.arrays]
        if sum(self.sizes) == 0:
            raise GradcheckInputError("x has no elements")
        self.offsets = np.cumsum([0] + self.sizes)

    def _names(self, names: Any, labels: list[str]) -> list[str]:
        if names is None:
            return labels
        names = [names] if isinstance(names, str) else [str(n) for n in names]
        if len(names) != len(labels):
            raise GradcheckInputError(f"names has {len(names)} entries but x has {len(labels)} parameters")
        if len(set(names)) != len(names):
            raise GradcheckInputError(f"names must be unique, got {names}")
        return names

    def path(self, p: int) -> str:
        return "" if self.kind == "array" else f"[{self.keys[p]!r}]"

    def rebuild(self, arrays: list[np.ndarray]) -> Any:
        if self.kind == "dict":
            return dict(zip(self.keys, arrays))
        if self.kind == "array":
            return arrays[0]
        return list(arrays) if self.kind == "list" else tuple(arrays)

    def copies(self) -> list[np.ndarray]:
        return [a.copy() for a in self.arrays]

    def split(self, flat: np.ndarray) -> list[np.ndarray]:
        return [flat[self.offsets[p]:self.offsets[p + 1]].reshape(a.shape)
                for p, a in enumerate(self.arrays)]

    def label(self, p: int, index: tuple[int, ...]) -> str:
        return self.names[p] + (f"[{', '.join(map(str, index))}]" if index else "")

    def flat_label(self, g: int) -> str:
        p = int(np.searchsorted(self.offsets, g, side="right") - 1)
        idx = np.unravel_index(g - self.offsets[p], self.arrays[p].shape)
        return self.label(p, tuple(int(i) for i in idx))

    def eps(self) -> float:
        return max(_eps(a.dtype) for a in self.arrays)

    def gradient(self, g: Any) -> list[np.ndarray]:
        """Validate grad_f's output against x; float64 leaves."""
        return [self._leaf(p, leaf) for p, leaf in enumerate(self._leaves(g))]

    def _leaves(self, g: Any) -> list[Any]:
        if self.kind == "dict":
            if not isinstance(g, Mapping):
                raise GradcheckInputError(f"grad_f(x) must return a dict like x, got {_describe(g)}")
            missing = [k for k in self.keys if k not in g]
            extra = [k for k in g if k not in self.keys]
            if missing or extra:
                raise GradcheckInputError(
                    f"grad_f(x) keys differ from x: missing {missing}, unexpected {extra}")
            return [g[k] for k in self.keys]
        if self.kind == "array":
            return [g]
        if not isinstance(g, (list, tuple)) or len(g) != len(self.keys):
            raise GradcheckInputError(
                f"grad_f(x) must return a list of {len(self.keys)} arrays like x, got {_describe(g)}"
                + (f" of length {len(g)}" if isinstance(g, (list, tuple)) else ""))
        return list(g)

    def _leaf(self, p: int, leaf: Any) -> np.ndarray:
        where, shape = f"grad_f(x){self.path(p)}", self.arrays[p].shape
        try:
            arr = np.asarray(leaf)
        except (ValueError, TypeError) as exc:
            raise GradcheckInputError(f"{where} is not an array ({_one_line(exc)})") from exc
        if arr.dtype.kind not in "fiu":
            raise GradcheckInputError(f"{where} has dtype {arr.dtype}; expected real numbers")
        if arr.shape != shape:
            raise GradcheckInputError(f"{where} has shape {arr.shape} but x{self.path(p)} has shape {shape}")
        bad = ~np.isfinite(arr)
        if bad.any():
            first = tuple(int(i) for i in np.argwhere(bad)[0])
            raise GradcheckInputError(
                f"{where} contains {int(bad.sum())} non-finite value(s), first at "
                f"{self.label(p, first)} = {arr[first]}")
        return arr.astype(np.float64)


# ------------------------------------------------------------- evaluators
def _full_evaluator(fs: _ScalarF, params: _Params, work: list[np.ndarray]):
    """Perturb one element at a time, in place in ``work``, restoring it after."""
    flat = [a.reshape(-1) for a in work]  # views: work arrays are C-contiguous
    owner = np.repeat(np.arange(len(work)), params.sizes)
    local = np.concatenate([np.arange(n) for n in params.sizes])

    def evaluate(idx: np.ndarray, hs: np.ndarray):
        fp, fm, he = np.empty(hs.shape), np.empty(hs.shape), np.empty(hs.shape)
        for level, h in enumerate(hs):
            for t, (g, step) in enumerate(zip(idx, h)):
                arr, i = flat[owner[g]], local[g]
                x0 = arr[i]
                xp, xm = arr.dtype.type(float(x0) + step), arr.dtype.type(float(x0) - step)
                arr[i] = xp
                fp[level, t] = fs(params.rebuild(work))
                arr[i] = xm
                fm[level, t] = fs(params.rebuild(work))
                arr[i] = x0
                he[level, t] = (float(xp) - float(xm)) / 2
        return fp, fm, he

    return evaluate


def _full_pair_evaluator(fs: _ScalarF, params: _Params, work: list[np.ndarray]):
    """The screen's evaluations: ``f(x +- h)`` and ``f(x +- h/2)`` for each element in
    one pass, perturbing ``work`` in place and restoring it; the loop does nothing
    else, since at 4 evaluations an element its overhead competes with f itself."""
    flat = [a.reshape(-1) for a in work]
    owner = np.repeat(np.arange(len(work)), params.sizes)
    local = np.concatenate([np.arange(n) for n in params.sizes])
    x64 = np.concatenate([a.astype(np.float64).ravel() for a in params.arrays])

    def in_dtype(v: np.ndarray, idx: np.ndarray) -> np.ndarray:
        """``v`` (float64, columns = elements idx) rounded to each element's dtype."""
        for p, a in enumerate(params.arrays):
            if a.dtype != np.float64:
                sel = owner[idx] == p
                v[:, sel] = v[:, sel].astype(a.dtype).astype(np.float64)
        return v

    def evaluate_pair(idx: np.ndarray, h: np.ndarray):
        steps = np.stack([h, h / 2])
        xp, xm = in_dtype(x64[idx] + steps, idx), in_dtype(x64[idx] - steps, idx)
        out = [[], [], [], []]  # f(x + h), f(x - h), f(x + h/2), f(x - h/2)
        f, scalar, rebuild = fs.f, fs._scalar, params.rebuild
        same = work[0] if params.kind == "array" else None  # x is the work array itself
        cols = zip(owner[idx].tolist(), local[idx].tolist(), *(v.tolist() for v in (xp[0], xm[0], xp[1], xm[1])))
        with np.errstate(all="ignore"):
            for p, i, *moved in cols:
                arr = flat[p]
                x0 = arr[i]
                for row, value in zip(out, moved):
                    arr[i] = value
                    try:
                        y = f(rebuild(work) if same is None else same)
                    except (ArithmeticError, ValueError):  # stepped outside f's domain
                        y = math.nan
                    row.append(y if isinstance(y, float) else scalar(y))  # np.float64 is a float
                arr[i] = x0
        out = np.array(out, dtype=np.float64)
        fs.count(out)
        return out[0::2], out[1::2], (xp - xm) / 2

    return evaluate_pair


def _pair_of(evaluate):
    """The screen's ``evaluate_pair`` from ``evaluate``: steps ``h`` and ``h/2``."""
    def evaluate_pair(idx: np.ndarray, h: np.ndarray):
        return evaluate(idx, np.stack([h, h / 2]))

    return evaluate_pair


def _directional_evaluator(fs, params, V, g_flat):
    """Step along the directions ``V``; subtract the first-order effect of
    rounding x + s v to x's dtype (size <= eps*|x|/s relative, so a wrong g
    cannot hide a bug through it) so that every level sees exactly v."""
    x64 = [a.astype(np.float64).ravel() for a in params.arrays]

    def moved(delta: np.ndarray):
        parts = params.split(delta)
        new = [(x + d.ravel()).astype(a.dtype).reshape(a.shape)
               for x, d, a in zip(x64, parts, params.arrays)]
        dx = np.concatenate([n.astype(np.float64).ravel() - x for n, x in zip(new, x64)])
        return params.rebuild(new), dx

    def evaluate(idx: np.ndarray, hs: np.ndarray):
        """All levels and directions in one batch (``fs.many``), in the order one by one
        would take: level, direction, then + before -."""
        points, shifts = [], []
        for h in hs:
            for d, step in zip(idx, h):
                v = V[d]
                for sign in (1, -1):
                    x, dx = moved(sign * step * v)
                    points.append(x)
                    shifts.append(g_flat @ (dx - sign * step * v))
        values = (fs.many(points) - np.array(shifts)).reshape(hs.shape + (2,))
        return values[..., 0], values[..., 1], np.asarray(hs, dtype=np.float64)

    return evaluate


# ----------------------------------------------------------------- result
@dataclass
class GradcheckResult:
    """Outcome of :func:`gradcheck`.

    Array fields are dicts keyed by parameter name (full mode; arrays shaped
    like the parameter) or by ``"directions"`` (directional mode; one entry
    per direction, ``directions`` holds the vectors).  ``worst_index`` maps
    each key to the index with the largest ``abs_err / tolerance`` and
    :attr:`worst` picks the overall one; ``kinks``, ``failures`` and
    ``nonfinite`` list indices.  ``err_estimate`` is the uncertainty used in
    the comparison (at a kink, that of the one-sided derivatives);
    ``one_sided`` holds ``(lower, upper)``, the interval spanned by the left
    and right derivatives (at kinks ``abs_err`` is the analytic value's
    distance from it).  ``atol`` is per parameter (full) or per direction.
    ``str(result)`` is :meth:`report`.
    """

    ok: bool
    mode: str
    names: list[str]
    worst_index: dict[str, tuple[int, ...]]
    analytic: dict[str, np.ndarray]
    numeric: dict[str, np.ndarray]
    abs_err: dict[str, np.ndarray]
    rel_err: dict[str, np.ndarray]
    tolerance: dict[str, np.ndarray]
    err_estimate: dict[str, np.ndarray]
    kinks: dict[str, list[tuple[int, ...]]]
    failures: dict[str, list[tuple[int, ...]]]
    nonfinite: dict[str, list[tuple[int, ...]]]
    n_evaluations: int
    n_nonfinite_evaluations: int
    rtol: dict[str, float]
    atol: dict[str, Any]
    one_sided: dict[str, tuple[np.ndarray, np.ndarray]]
    safety: float = SAFETY
    directions: np.ndarray | None = None
    direction_components: list[list[tuple[str, float]]] = field(default_factory=list)

    @property
    def worst(self) -> tuple[str, tuple[int, ...]]:
        """(key, index) of the element closest to (or furthest beyond) its tolerance."""
        def ratio(name: str) -> float:
            i = self.worst_index[name]
            if not np.isfinite(self.numeric[name][i]):
                return -1.0  # only if all are non-finite; reported separately
            return _ratio(self.abs_err[name][i], self.tolerance[name][i])
        name = max(self.names, key=ratio)
        return name, self.worst_index[name]

    def label(self, name: str, index: tuple[int, ...]) -> str:
        if self.mode == "directional":
            return f"direction {index[0]}"
        return name + (f"[{', '.join(map(str, index))}]" if index else "")

    def report(self) -> str:
        """One paragraph: verdict, worst element with all numbers, kinks, NaNs."""
        return " ".join(s for s in (self._head(), self._worst_sentence(), self._extras()) if s)

    __str__ = report

    def _count(self, d: dict[str, list]) -> int:
        return sum(len(v) for v in d.values())

    def _head(self) -> str:
        unit = "element" if self.mode == "full" else "random direction"
        n = sum(a.size for a in self.analytic.values())
        verdict = "passed" if self.ok else "FAILED"
        bad = self._count(self.failures)
        tail = f", {bad} out of tolerance" if bad else ""
        return (f"gradcheck {verdict} ({self.mode} mode, {n} {unit}s checked with "
                f"{self.n_evaluations} evaluations of f{tail}):")

    def _worst_sentence(self) -> str:
        name, i = self.worst
        a, n, e = self.analytic[name][i], self.numeric[name][i], self.err_estimate[name][i]
        d, r, tol = self.abs_err[name][i], self.rel_err[name][i], self.tolerance[name][i]
        where, digits = self.label(name, i), _digits(r)
        what = "worst" if not self.ok else "closest to failing"
        if not np.isfinite(n):
            return f"the {what} is {where}: analytic {a:.8g}, but no numeric derivative exists there."
        if i in self.kinks[name]:
            lo, hi = (v[i] for v in self.one_sided[name])
            head = (f"the {what} is {where}, a kink: analytic {a:.{digits}g} vs one-sided derivatives "
                    f"[{lo:.{digits}g}, {hi:.{digits}g}], distance {d:.3e}")
            err_name, scale_name = "one-sided error estimate", "|one-sided|"
        else:
            head = (f"the {what} is {where}: analytic {a:.{digits}g} vs numeric {n:.{digits}g}, "
                    f"abs error {d:.3e}")
            err_name, scale_name = "FD error estimate", "|numeric|"
        atol = self.atol[name][i] if np.ndim(self.atol[name]) else self.atol[name]
        s = (f"{head}, rel error {r:.3e}, tolerance {tol:.3e} (atol {atol:.2e} + rtol "
             f"{self.rtol[name]:.1e} * max(|analytic|, {scale_name}) + {self.safety:g} * {err_name} "
             f"{e:.3e}).")
        if self.mode == "directional":
            comps = ", ".join(f"{lab} ({val:+.3f})" for lab, val in self.direction_components[i[0]])
            s += (" A directional check compares <grad, v> with d/ds f(x + s v) and cannot name a "
                  f"single element; the largest components of {where} are {comps}.")
        return s

    def _extras(self) -> str:
        out = []
        if self._count(self.kinks):
            labs = self._labels(self.kinks)
            out.append(f"{self._count(self.kinks)} kink(s) (left and right derivatives differ) were "
                       f"checked only against the one-sided derivatives: {labs}.")
        if self._count(self.nonfinite):
            labs = self._labels(self.nonfinite)
            out.append(f"f was non-finite at every finite-difference step for {labs}, so their "
                       "derivative could not be estimated.")
        if self.n_nonfinite_evaluations:
            out.append(f"{self.n_nonfinite_evaluations} perturbed evaluations of f were non-finite "
                       "and were discarded.")
        return " ".join(out)

    def _labels(self, d: dict[str, list]) -> str:
        labs = [self.label(k, i) for k in self.names for i in d[k]]
        more = f" and {len(labs) - _N_SHOWN} more" if len(labs) > _N_SHOWN else ""
        return ", ".join(labs[:_N_SHOWN]) + more


def _ratio(diff: float, tol: float) -> float:
    if not np.isfinite(diff):
        return math.inf
    return diff / tol if tol > 0 else (0.0 if diff == 0 else math.inf)


def _digits(rel: float) -> int:
    """Enough significant digits to show a relative difference ``rel``."""
    if not np.isfinite(rel) or rel <= 0:
        return 8
    return int(min(17, max(6, math.ceil(-math.log10(rel)) + 3)))


# ------------------------------------------------------------- comparison
class _Compared(NamedTuple):
    abs_err: np.ndarray
    rel_err: np.ndarray
    tolerance: np.ndarray
    ok: np.ndarray


def _compare(a, fd: _FD, rtol, atol) -> _Compared:
    """Apply the comparison rule (module docstring) elementwise."""
    n = fd.value
    with np.errstate(all="ignore"):
        diff = np.abs(a - n)
        tol = atol + rtol * np.maximum(np.abs(a), np.abs(n)) + SAFETY * fd.error
        # At a kink any value between the one-sided derivatives is correct.
        k_diff = np.maximum.reduce([fd.lower - a, a - fd.upper, np.zeros_like(a)])
        k_scale = np.maximum.reduce([np.abs(fd.lower), np.abs(fd.upper), np.abs(a)])
        k_tol = atol + rtol * k_scale + SAFETY * fd.side_error
        diff, tol = np.where(fd.kink, k_diff, diff), np.where(fd.kink, k_tol, tol)
        scale = np.where(fd.kink, k_scale, np.maximum(np.abs(a), np.abs(n)))
        rel = np.where(scale > 0, diff / scale, np.where(diff > 0, np.inf, 0.0))
        ok = (diff <= tol) & np.isfinite(n)
    return _Compared(diff, rel, tol, ok)


def _indices(mask: np.ndarray) -> list[tuple[int, ...]]:
    return [tuple(int(i) for i in ix) for ix in np.argwhere(mask)]


def _worst(cmp: _Compared, finite: np.ndarray) -> tuple[int, ...]:
    ratio = np.where(cmp.tolerance > 0, cmp.abs_err / np.where(cmp.tolerance > 0, cmp.tolerance, 1),
                     np.where(cmp.abs_err > 0, np.inf, 0.0))
    ratio = np.where(finite, ratio, -np.inf)  # non-finite entries are reported separately
    return tuple(int(i) for i in np.unravel_index(int(np.argmax(ratio)), ratio.shape))


def _default_atol(eps: float, scale: Any) -> Any:
    return ATOL_ULPS * eps * scale


# ----------------------------------------------------------- public API
def gradcheck(
    f: Callable[[Any], Any],
    grad_f: Callable[[Any], Any],
    x: Any,
    *,
    mode: str = "full",
    n_directions: int = 8,
    rtol: float | None = None,
    atol: float | None = None,
    seed: int = 0,
    raise_on_failure: bool = True,
    names: Any = None,
    max_step: float | None = None,
    f_many: Callable[[list], Any] | None = None,
) -> GradcheckResult:
    """Compare ``grad_f(x)`` with finite differences of the scalar ``f`` at ``x``.

    ``x`` is a float ndarray, a dict name -> ndarray, or a list/tuple of ndarrays
    (named ``param[i]`` unless ``names`` is given).  ``f(x)`` returns a real
    scalar; ``grad_f(x)`` returns arrays with the structure and shapes of ``x``.

    ``mode="full"`` differentiates every element (4 evaluations each for the screen of
    the module docstring; an element the screen cannot settle gets the table: ``2*K``
    more, ``K`` = 10 in float64, 6 in float32, plus 12 for the noise probe and any
    adaptive levels) and reports the worst element by name and index.
    ``mode="directional"`` draws ``n_directions`` random unit vectors over all
    parameters (``np.random.default_rng(seed)``), scales component ``i`` by
    ``2**floor(log2(max(1, |x_i|)))`` to get ``v``, and compares
    ``d/ds f(x + s v)`` with ``<grad_f(x), v>`` at the same cost per direction
    (independent of the number of parameters); it cannot localise an error to
    one element and reports the direction's largest components instead.

    The comparison rule, the error estimate and the kink handling are given in
    the module docstring; ``rtol``/``atol`` override the per-dtype defaults.
    ``max_step`` caps every step (the largest change of any element): a function defined
    only near ``x`` (a log loss needs 0 < y < 1) is never evaluated outside its domain.
    ``f_many(xs)``, if given, returns ``[f(x) for x in xs]``: the directional mode then
    evaluates each stage's points (the screen's ``4 * n_directions``, the noise probe's,
    each table level's) in one call of it, in the order one by one would take, for an f
    behind a process boundary where each call costs a round trip. The values and the
    verdict are those of one by one; full mode, which perturbs x in place one element at
    a time, calls ``f``.

    Bad input raises :class:`GradcheckInputError` (a ``ValueError``); a failed
    check raises :class:`GradcheckError` (an ``AssertionError``) whose message
    is ``result.report()``, unless ``raise_on_failure=False``.
    """
    if mode not in ("full", "directional"):
        raise GradcheckInputError(f"mode must be 'full' or 'directional', got {mode!r}")
    if max_step is not None and not (isinstance(max_step, (int, float)) and 0 < max_step < np.inf):
        raise GradcheckInputError(f"max_step must be a positive finite number, got {max_step!r}")
    if f_many is not None and not callable(f_many):
        raise GradcheckInputError(f"f_many must be callable, got {_describe(f_many)}")
    params = _Params(x, names)
    fs = _ScalarF(f, f_many)
    f0 = fs.base(params.rebuild(params.copies()))
    try:
        g_raw = grad_f(params.rebuild(params.copies()))
    except Exception as exc:
        raise GradcheckInputError(f"grad_f(x) raised {_one_line(exc)}") from exc
    grads = params.gradient(g_raw)
    eps_f = max(params.eps(), fs.out_eps)
    if mode == "full":
        result = _check_full(fs, params, grads, f0, eps_f, rtol, atol, max_step)
    else:
        if not isinstance(n_directions, (int, np.integer)) or n_directions < 1:
            raise GradcheckInputError(f"n_directions must be a positive int, got {n_directions!r}")
        result = _check_directional(fs, params, grads, f0, eps_f, rtol, atol, int(n_directions), seed, max_step)
    if not result.ok and raise_on_failure:
        raise GradcheckError(result.report(), result)
    return result


def _summary(a: np.ndarray, fd: _FD, rt: float, at: Any) -> dict[str, Any]:
    """Comparison of one parameter (or of all directions), keyed like ``_result``."""
    cmp = _compare(a, fd, rt, at)
    finite = np.isfinite(fd.value)
    return {"an": a, "nu": fd.value, "ae": cmp.abs_err, "re": cmp.rel_err, "tol": cmp.tolerance,
            "err": np.where(fd.kink, fd.side_error, fd.error), "worst": _worst(cmp, finite),
            "kink": _indices(fd.kink), "fail": _indices(~cmp.ok & finite),
            "nan": _indices(~finite), "rt": rt, "at": at, "one": (fd.lower, fd.upper)}


def _result(mode: str, names: list[str], parts: list[dict], fs: _ScalarF, **extra) -> GradcheckResult:
    d = lambda key: {n: p[key] for n, p in zip(names, parts)}  # noqa: E731
    ok = not any(p["fail"] or p["nan"] for p in parts)
    return GradcheckResult(
        ok=ok, mode=mode, names=list(names), worst_index=d("worst"), analytic=d("an"),
        numeric=d("nu"), abs_err=d("ae"), rel_err=d("re"), tolerance=d("tol"),
        err_estimate=d("err"), kinks=d("kink"), failures=d("fail"), nonfinite=d("nan"),
        n_evaluations=fs.calls + 1, n_nonfinite_evaluations=fs.nonfinite, rtol=d("rt"),
        atol=d("at"), one_sided=d("one"), **extra)


def _check_full(fs, params, grads, f0, eps_f, rtol, atol, max_step=None) -> GradcheckResult:
    rts = [_policy(arr.dtype).rtol if rtol is None else float(rtol) for arr in params.arrays]
    a_flat = np.concatenate([g.ravel() for g in grads])
    rt_flat = np.concatenate([np.full(arr.size, rt) for arr, rt in zip(params.arrays, rts)])

    def atols(numeric: np.ndarray) -> list[Any]:
        """Per parameter: the given atol, or ATOL_ULPS * eps * max(|analytic|, |numeric|)."""
        out = []
        for a, n, arr in zip(grads, params.split(numeric), params.arrays):
            scale = max(np.max(np.abs(a), initial=0.0), np.nanmax(np.abs(n), initial=0.0))
            out.append(_default_atol(_eps(arr.dtype), scale) if atol is None else float(atol))
        return out

    def atol_flat(numeric: np.ndarray) -> np.ndarray:
        return np.concatenate([np.full(arr.size, at) for arr, at in zip(params.arrays, atols(numeric))])

    # The screen's atol takes its scale from |analytic| alone: never above the final
    # atol, so an element the screen accepts passes the final comparison too.
    screen_atol = atol_flat(np.zeros_like(a_flat))
    fd = _numeric_full(fs, params, f0, eps_f, params.arrays, rtol, max_step,
                       _judge_against(a_flat, rt_flat, screen_atol))
    parts = [_summary(a, _FD(*(v.reshape(a.shape) for v in part)), rt, at)
             for a, part, rt, at in zip(grads, zip(*(params.split(v) for v in fd)), rts, atols(fd.value))]
    return _result("full", params.names, parts, fs)


def _numeric_full(fs, params, f0, eps_f, arrays, rtol, max_step=None, judge=None) -> _FD:
    """Full-mode engine over all elements of all parameters (flat order): the
    screen, then the table where ``judge`` says so; without a judge, the table everywhere."""
    pol = _policy_for_eps(eps_f)
    h0 = np.concatenate([_base_step(a, pol.log2_h0) for a in arrays])
    h_screen = np.concatenate([_base_step(a, pol.log2_screen) for a in arrays])
    if max_step is not None:
        h0, h_screen = np.minimum(h0, max_step), np.minimum(h_screen, max_step)
    kink_rtol = np.concatenate([np.full(a.size, _policy(a.dtype).rtol if rtol is None else rtol)
                                for a in arrays])
    work = params.copies()
    evaluate = _full_evaluator(fs, params, work)
    f0s = np.full(h0.size, f0)
    if judge is None:
        fd = _fd_engine(evaluate, f0s, h0, pol, eps_f, kink_rtol)
    else:
        fd, _ = _screen_then_table(evaluate, _full_pair_evaluator(fs, params, work), f0s, h_screen, h0,
                                   pol, eps_f, kink_rtol, judge)
    if any(not np.array_equal(w, a) for w, a in zip(work, arrays)):
        raise GradcheckInputError("f modified its input x in place; gradcheck needs f to leave x unchanged")
    return fd


def _check_directional(fs, params, grads, f0, eps_f, rtol, atol, n_dir, seed, max_step=None) -> GradcheckResult:
    g_flat = np.concatenate([g.ravel() for g in grads])
    V = np.random.default_rng(seed).standard_normal((n_dir, g_flat.size))
    V /= np.linalg.norm(V, axis=1, keepdims=True)
    # Scale each component like the full-mode step of its element, so a large
    # parameter does not force huge steps on small ones.
    V *= np.concatenate([_base_step(a, 0) for a in params.arrays])
    pol = _policy_for_eps(eps_f)
    worst_dtype = max((a.dtype for a in params.arrays), key=_eps)
    rt = _policy(worst_dtype).rtol if rtol is None else float(rtol)
    # a step s moves element i by s * |V_di|, more than s where |x_i| >= 2 (V_di up to s_i):
    # cap s so that no element moves by more than max_step
    cap = np.inf if max_step is None else max_step / np.maximum(1.0, np.max(np.abs(V), axis=1))
    h0 = np.minimum(np.ldexp(1.0, pol.log2_h0), cap) * np.ones(n_dir)
    h_screen = np.minimum(np.ldexp(1.0, pol.log2_screen), cap) * np.ones(n_dir)
    evaluate = _directional_evaluator(fs, params, V, g_flat)
    at = _default_atol(_eps(worst_dtype), np.abs(V) @ np.abs(g_flat)) if atol is None else float(atol)
    rts = np.full(n_dir, rt)
    fd, _ = _screen_then_table(evaluate, _pair_of(evaluate), np.full(n_dir, f0), h_screen, h0, pol, eps_f,
                               rts, _judge_against(V @ g_flat, rts, at))
    comps = [[(params.flat_label(int(j)), float(v[j])) for j in np.argsort(-np.abs(v))[:3]] for v in V]
    return _result("directional", ["directions"], [_summary(V @ g_flat, fd, rt, at)], fs,
                   directions=V, direction_components=comps)


class NumericGradient(NamedTuple):
    """Finite-difference gradient and its error estimate, structured like x."""

    value: Any
    error: Any


def numeric_gradient(f: Callable[[Any], Any], x: Any) -> NumericGradient:
    """Full-mode finite-difference gradient of the scalar ``f`` at ``x``.

    Returns ``(grad, err_estimate)`` with the structure of ``x`` (array, dict or
    list), float64 leaves.  Every element is found by the Richardson table of the
    module docstring (``2*K`` evaluations of ``f`` per element plus the noise probe:
    with no analytic value to compare with there is no screen); ``err_estimate`` is
    the Ridders error estimate plus the rounding term.  Elements where ``f`` was non-finite at every step come back NaN with
    an infinite error.
    """
    params = _Params(x)
    fs = _ScalarF(f)
    f0 = fs.base(params.rebuild(params.copies()))
    eps_f = max(params.eps(), fs.out_eps)
    fd = _numeric_full(fs, params, f0, eps_f, params.arrays, None)
    return NumericGradient(params.rebuild(params.split(fd.value)), params.rebuild(params.split(fd.error)))


class ElementwiseDerivative(NamedTuple):
    """Per-element derivative, error estimate and kink flag."""

    value: np.ndarray
    error: np.ndarray
    kink: np.ndarray


def elementwise_derivative(f: Callable[[np.ndarray], Any], z: Any,
                           f_many: Callable[[list], Any] | None = None) -> ElementwiseDerivative:
    """Derivative of an elementwise ``f`` (e.g. an activation) at every element of ``z``.

    Because ``f(z)[i]`` depends on ``z[i]`` only, perturbing the whole array by a
    per-element step ``h`` differentiates every element at once: one table level
    costs two calls of ``f``.  Steps follow ``|z_i|`` as in the module docstring,
    with the same Richardson table, error estimate and kink test, applied per
    element.  At a kink ``value`` is the mean of the one-sided derivatives.
    ``f_many(zs)``, if given, returns ``[f(z) for z in zs]``: every level of a stage (the
    noise probe's six, the table's first ones) is then evaluated in one call of it, with
    the values of one by one (see :func:`gradcheck`).
    """
    if f_many is not None and not callable(f_many):
        raise GradcheckInputError(f"f_many must be callable, got {_describe(f_many)}")
    z = _as_float_array(z, "z")
    call = _elementwise_caller(f, z, f_many)
    try:
        f0 = call(z, strict=True)
    except (ArithmeticError, ValueError) as exc:
        if isinstance(exc, GradcheckInputError):
            raise
        raise GradcheckInputError(f"f(z) raised {_one_line(exc)} (at the unperturbed z)") from exc
    if not np.all(np.isfinite(f0)):
        raise GradcheckInputError("f(z) is non-finite at the unperturbed z")
    eps_f = max(_eps(z.dtype), call.out_eps)
    pol = _policy_for_eps(eps_f)
    z64 = z.astype(np.float64).ravel()

    def evaluate(idx: np.ndarray, hs: np.ndarray):
        steps = np.zeros((len(hs), z.size))
        steps[:, idx] = hs
        zp, zm = (z64 + steps).astype(z.dtype), (z64 - steps).astype(z.dtype)
        he = (zp.astype(np.float64) - zm.astype(np.float64))[:, idx] / 2
        outs = call.many([v.reshape(z.shape) for pair in zip(zp, zm) for v in pair])  # level by level, + then -
        fp = np.array([out.ravel()[idx] for out in outs[0::2]])
        fm = np.array([out.ravel()[idx] for out in outs[1::2]])
        return fp, fm, he

    fd = _fd_engine(evaluate, f0.ravel(), _base_step(z, pol.log2_h0), pol, eps_f,
                    np.full(z.size, pol.rtol))
    return ElementwiseDerivative(*(np.asarray(v).reshape(z.shape) for v in fd[:3]))


def _elementwise_caller(f, z: np.ndarray, f_many=None):
    """f wrapped to check its output shape and return float64; remembers f's eps.
    ``call.many(args)`` is ``[call(a) for a in args]``, through one call of f_many when
    given (one by one where f_many raises a domain error, as in ``_ScalarF.many``)."""

    def checked(out) -> np.ndarray:
        out = np.asarray(out)
        if out.shape != z.shape or out.dtype.kind not in "fiu":
            raise GradcheckInputError(
                f"f must be elementwise: f(z) returned {_describe(out)} for z of shape {z.shape}")
        call.out_eps = max(call.out_eps, _eps(out.dtype))
        return out.astype(np.float64)

    def call(arg: np.ndarray, strict: bool = False) -> np.ndarray:
        try:
            with np.errstate(all="ignore"):
                out = np.asarray(f(arg))
        except (ArithmeticError, ValueError):
            if strict:
                raise
            return np.full(z.shape, np.nan)  # stepped outside f's domain
        return checked(out)

    def many(args: list) -> list[np.ndarray]:
        if f_many is None or len(args) < 2:
            return [call(a) for a in args]
        try:
            with np.errstate(all="ignore"):
                outs = [np.asarray(out) for out in f_many(args)]
        except (ArithmeticError, ValueError):
            return [call(a) for a in args]
        if len(outs) != len(args):
            raise GradcheckInputError(f"f_many returned {len(outs)} values for {len(args)} points")
        return [checked(out) for out in outs]

    call.out_eps = 0.0
    call.many = many
    return call
