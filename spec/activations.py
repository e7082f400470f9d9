"""The activation catalog: every activation g(z) as a SymPy expression in one symbol z.

Each entry keeps two forms:

* ``expr``: the textbook definition, the one the spec renders and differentiates;
* ``stable``: a Piecewise rewrite of the same function whose branches never overflow
  when each branch is evaluated only where its condition holds. ``spec.derive`` proves
  ``stable == expr`` branch by branch; ``spec.numeric`` compiles ``stable``.

Kink conventions follow from the strict inequality in the definitions:
relu(z) = z if z > 0 else 0, so relu'(0) = 0; leaky_relu(z) = z if z > 0 else z/100,
so leaky_relu'(0) = 1/100.

softmax is vector-valued and lives in :data:`SOFTMAX`; it is output-layer only.
"""
from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

z = sp.Symbol("z", real=True)
a = sp.Symbol("a", real=True)

LEAKY_SLOPE = sp.Rational(1, 100)


@dataclass(frozen=True)
class Activation:
    """One catalog entry: g(z) symbolically, plus a branchwise-stable rewrite.

    ``kinks`` lists the points where g is not differentiable and ``kink_value`` the
    value the spec assigns to g' there.
    """

    name: str
    expr: sp.Expr
    stable: sp.Expr
    summary: str
    kinks: tuple = ()
    kink_convention: str = ""


def _piecewise_at_zero(pos, neg):
    """Piecewise((pos, z >= 0), (neg, True)): a branch per sign of z."""
    return sp.Piecewise((pos, z >= 0), (neg, True))


_sigmoid = 1 / (1 + sp.exp(-z))
_softplus = sp.log(1 + sp.exp(z))

CATALOG: dict[str, Activation] = {
    act.name: act
    for act in (
        Activation("identity", z, z, "g(z) = z: linear output layers"),
        Activation(
            "sigmoid",
            _sigmoid,
            # exp(-|z|) <= 1 on both branches, so nothing overflows.
            _piecewise_at_zero(1 / (1 + sp.exp(-z)), sp.exp(z) / (1 + sp.exp(z))),
            "the logistic function",
        ),
        Activation(
            "tanh",
            sp.tanh(z),
            # written with exp(-2|z|) so that its derivative, 4e^{-2|z|}/(1+e^{-2|z|})^2,
            # keeps full relative precision in the tails (1 - tanh^2 cancels to 0 there)
            _piecewise_at_zero((1 - sp.exp(-2 * z)) / (1 + sp.exp(-2 * z)),
                               (sp.exp(2 * z) - 1) / (sp.exp(2 * z) + 1)),
            "hyperbolic tangent",
        ),
        Activation(
            "relu",
            sp.Piecewise((z, z > 0), (0, True)),
            sp.Piecewise((z, z > 0), (0, True)),
            "rectified linear unit",
            kinks=(0,),
            kink_convention="relu'(0) = 0 (the z > 0 branch is strict)",
        ),
        Activation(
            "leaky_relu",
            sp.Piecewise((z, z > 0), (LEAKY_SLOPE * z, True)),
            sp.Piecewise((z, z > 0), (LEAKY_SLOPE * z, True)),
            "leaky ReLU with negative slope 0.01",
            kinks=(0,),
            kink_convention="leaky_relu'(0) = 0.01 (the z > 0 branch is strict)",
        ),
        Activation(
            "softplus",
            _softplus,
            # log(1+e^z) = z + log(1+e^-z): again exp(-|z|) <= 1 on both branches.
            _piecewise_at_zero(z + sp.log(1 + sp.exp(-z)), sp.log(1 + sp.exp(z))),
            "smooth ReLU, log(1 + e^z)",
        ),
        Activation("rbf", sp.exp(-(z**2)), sp.exp(-(z**2)), "Gaussian radial basis e^{-z^2}"),
    )
}


@dataclass(frozen=True)
class Softmax:
    """softmax over K logits: a_i = e^{z_i} / sum_j e^{z_j} (output layer only).

    The stable form subtracts m = max_j z_j, which leaves every a_i unchanged
    (``spec.derive.softmax_shift_invariance`` proves it).
    """

    name: str = "softmax"
    summary: str = "row-wise e^{z_i} / sum_j e^{z_j}; output layer only"

    @staticmethod
    def symbols(k: int):
        """The K logits z_1..z_K as real symbols."""
        return sp.symbols(f"z_1:{k + 1}", real=True)

    @staticmethod
    def expr(zs, shift=0):
        """[e^{z_i - shift} / sum_j e^{z_j - shift}]_i as a list of expressions."""
        exps = [sp.exp(zi - shift) for zi in zs]
        total = sp.Add(*exps)
        return [e / total for e in exps]


SOFTMAX = Softmax()

NAMES: tuple[str, ...] = tuple(CATALOG) + (SOFTMAX.name,)
ELEMENTWISE: tuple[str, ...] = tuple(CATALOG)


def get(name: str) -> Activation:
    """The catalog entry for an elementwise activation, or a one-line ValueError."""
    try:
        return CATALOG[name]
    except KeyError:
        if name == SOFTMAX.name:
            raise ValueError("softmax is vector-valued; use spec.activations.SOFTMAX") from None
        raise ValueError(f"unknown activation {name!r}; known: {', '.join(NAMES)}") from None
