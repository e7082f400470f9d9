"""The naive (textbook-arithmetic) spec functions the faithful trainers use.

Thin names over ``spec.numeric``: every body is printed from the spec's SymPy
expressions there (a Piecewise as one ``numpy.where``, the rbf's slope as
``-2*a*z``); nothing is typed here.
"""
from __future__ import annotations

from deltaspec.spec import numeric


def prime_za(name: str):
    """g'(z) as a naive function f(z, a) of z and a = g(z) (Roelants' -2 z h)."""
    return numeric.activation_prime(name, of="za")


def activation(name: str):
    """g(z), naive."""
    return numeric.activation(name, naive=True)


def prime_a(name: str):
    """g'(z) in terms of a = g(z), naive."""
    return numeric.activation_prime(name, of="a", naive=True)
