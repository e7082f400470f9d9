"""The loss catalog: E(Y, T) = c * sum over all elements of l(y, t).

Every catalog loss is a per-element term l(y, t) times a reduction constant c, with
Y, T of shape (N, K) in the row layout (N samples, K outputs):

* half_sse      = 1/2 * sum (y - t)^2                      c = 1/2
* sse           =       sum (y - t)^2                      c = 1
* mse           = mean over all N*K elements of (y - t)^2  c = 1/(N K)
* bce           = -mean[t ln y + (1 - t) ln(1 - y)]        c = 1/(N K)
* cross_entropy = -(1/N) sum t ln y, after softmax         c = 1/N

``stable`` rewrites l so that 0 * ln 0 never appears: where t is exactly 0 or 1 only
the surviving log is evaluated (``spec.derive`` proves each branch equal to ``term``).
"""
from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

y = sp.Symbol("y", real=True)
t = sp.Symbol("t", real=True)
N = sp.Symbol("N", positive=True, integer=True)
K = sp.Symbol("K", positive=True, integer=True)


@dataclass(frozen=True)
class Loss:
    """One catalog entry: E = scale * sum l(y, t).

    ``scale`` is in the symbols N (samples) and K (outputs per sample);
    ``outputs`` names the output activations the loss is meant for (empty: any). It is
    the one statement of that pairing: ``spec.numeric.OUTPUT_FOR_LOSS`` is read from it.
    """

    name: str
    term: sp.Expr
    stable: sp.Expr
    scale: sp.Expr
    summary: str
    outputs: tuple[str, ...] = ()

    @property
    def reduction(self) -> str:
        """'sum' or 'mean', with the constant spelled out."""
        return {1: "sum", sp.Rational(1, 2): "half sum", 1 / (N * K): "mean over N*K elements",
                1 / N: "sum / N (mean over samples)"}[self.scale]


_bce = -(t * sp.log(y) + (1 - t) * sp.log(1 - y))
_ce = -t * sp.log(y)

CATALOG: dict[str, Loss] = {
    loss.name: loss
    for loss in (
        Loss("half_sse", (y - t) ** 2, (y - t) ** 2, sp.Rational(1, 2), "half sum of squared errors"),
        Loss("sse", (y - t) ** 2, (y - t) ** 2, sp.Integer(1), "sum of squared errors"),
        Loss("mse", (y - t) ** 2, (y - t) ** 2, 1 / (N * K), "mean squared error over all elements"),
        Loss(
            "bce",
            _bce,
            sp.Piecewise((-sp.log(1 - y), sp.Eq(t, 0)), (-sp.log(y), sp.Eq(t, 1)), (_bce, True)),
            1 / (N * K),
            "binary cross-entropy, mean over all elements",
            outputs=("sigmoid",),  # ln y and ln(1 - y) need y in (0, 1)
        ),
        Loss(
            "cross_entropy",
            _ce,
            sp.Piecewise((sp.Integer(0), sp.Eq(t, 0)), (_ce, True)),
            1 / N,
            "categorical cross-entropy, mean over samples",
            outputs=("softmax",),  # -sum t ln y is a cross-entropy when each row of y sums to 1
        ),
    )
}

NAMES: tuple[str, ...] = tuple(CATALOG)


def get(name: str) -> Loss:
    """The catalog entry, or a one-line ValueError naming the known losses."""
    try:
        return CATALOG[name]
    except KeyError:
        raise ValueError(f"unknown loss {name!r}; known: {', '.join(NAMES)}") from None
