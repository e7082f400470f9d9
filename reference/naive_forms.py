"""Naive forms of the spec's functions that ``spec.numeric`` does not compile.

Both are printed from the spec's own SymPy expressions; nothing is typed here.

* :func:`prime_za`: g'(z) as a function of z *and* a = g(z). Roelants writes the
  RBF's slope that way, phi'(z) = -2 z h with h = phi(z), and
  ``spec.derive.activation_prime_a("rbf")`` is None (rightly: z and -z give the same
  h and opposite slopes). It is SymPy's g'(z) with every g(z) in it replaced by the
  symbol a, compiled by ``spec.numeric.compile_expr``: ``-2*a*z`` for the RBF.
* :func:`activation` and :func:`prime_a`: a Piecewise activation (relu) or slope as one
  ``numpy.where``, both branches evaluated everywhere, as a textbook program does.
  ``spec.numeric``'s naive form of a Piecewise falls back to its masked branch
  evaluator, about 45 us a call on a 1x3 array here against 5 us for the ``where``;
  the values are the same.

Deriving needs SymPy (about a second, once per process), so it happens on first use.
"""
from __future__ import annotations

import functools


@functools.lru_cache(maxsize=None)
def prime_za(name: str):
    """g'(z) as a naive function ``f(z, a)`` of z and a = g(z), derived from the spec.

    ValueError if the spec's g'(z) does not contain g(z) (then use
    ``spec.numeric.activation_prime``).
    """
    from spec import activations, derive, numeric

    act = activations.get(name)
    expr = derive.activation_prime(name).subs(act.expr, activations.a)
    if activations.a not in expr.free_symbols:
        raise ValueError(f"{name}'s derivative does not contain {name}(z); use activation_prime")
    return numeric.compile_expr(expr, [activations.z, activations.a], naive=True)


def _where_source(expr) -> str:
    """NumPy source for expr; a Piecewise becomes nested numpy.where, last case innermost."""
    import sympy as sp
    from sympy.printing.numpy import NumPyPrinter

    printer = NumPyPrinter({"fully_qualified_modules": True})
    if not isinstance(expr, sp.Piecewise):
        return printer.doprint(expr)
    *cases, (last, _) = expr.args
    source = _where_source(last)
    for branch, condition in reversed(cases):
        source = f"numpy.where({printer.doprint(condition)}, {_where_source(branch)}, {source})"
    return source


def _compile(source: str, param: str):
    import numpy

    return eval(f"lambda {param}: {source}", {"numpy": numpy})  # noqa: S307 - printed by SymPy


@functools.lru_cache(maxsize=None)
def activation(name: str):
    """g(z), naive: ``spec.numeric``'s naive form, a Piecewise g as one numpy.where."""
    import sympy as sp

    from spec import activations, numeric

    act = activations.get(name)
    if not act.expr.has(sp.Piecewise):
        return numeric.activation(name, naive=True)
    return _compile(_where_source(act.expr), "z")


@functools.lru_cache(maxsize=None)
def prime_a(name: str):
    """g'(z) in terms of a = g(z), naive; a Piecewise slope as one numpy.where."""
    import sympy as sp

    from spec import derive, numeric

    expr = derive.activation_prime_a(name)
    if expr is None or not expr.has(sp.Piecewise):
        return numeric.activation_prime(name, of="a", naive=True)
    return _compile(_where_source(expr), "a")
