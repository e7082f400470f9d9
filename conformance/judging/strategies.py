"""Hypothesis strategies for the conformance suite: arrays, targets and whole networks.

Generated pre-activations stay at least ``KINK_MARGIN`` away from the kinks of relu and
leaky_relu (at 0), so a derivative is never judged exactly where the spec had to choose a
convention; the gradient checker also detects kinks on its own.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import assume, strategies as st

from deltaspec.reference import network as refnet
from deltaspec.spec import numeric

KINK_MARGIN = 1e-3
KINKED = ("relu", "leaky_relu")
HIDDEN_OK = numeric.ACTIVATIONS
OUTPUT_FOR_LOSS = {
    "bce": ("sigmoid",),
    "cross_entropy": ("softmax",),
}


def shapes(max_dims: int = 3, max_side: int = 5):
    """Array shapes with 0..max_dims axes, each 1..max_side long."""
    return st.lists(st.integers(1, max_side), min_size=0, max_size=max_dims).map(tuple)


def _clear_of_kinks(v: float) -> bool:
    return abs(v) >= KINK_MARGIN


@functools.lru_cache(maxsize=None)
def floats_away_from_kinks(lo: float, hi: float):
    """Finite floats in [lo, hi] at least KINK_MARGIN from 0 (built once per range:
    hypothesis analyses every new filter, which costs more than the draws)."""
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False).filter(_clear_of_kinks)


def arrays(shape, lo: float = -6.0, hi: float = 6.0, elements=None):
    """Float64 arrays of ``shape`` with finite elements in [lo, hi], away from 0."""
    elements = elements if elements is not None else floats_away_from_kinks(lo, hi)
    size = int(np.prod(shape)) if shape else 1
    return st.lists(elements, min_size=size, max_size=size).map(
        lambda v: np.array(v, dtype=np.float64).reshape(shape))


@st.composite
def z_arrays(draw, lo: float = -6.0, hi: float = 6.0):
    """An array of any shape (0-d included) of pre-activations."""
    return draw(arrays(draw(shapes()), lo, hi))


@st.composite
def targets(draw, loss: str, shape):
    """Targets that make sense for the loss: probabilities for bce, one-hot rows for
    cross_entropy, anything finite otherwise."""
    if loss == "cross_entropy":
        n, k = shape
        classes = draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n))
        return np.eye(k)[classes]
    if loss == "bce":
        return draw(arrays(shape, elements=st.sampled_from([0.0, 1.0, 0.25, 0.8])))
    return draw(arrays(shape, -2.0, 2.0, elements=st.floats(-2, 2, allow_nan=False)))


@st.composite
def outputs(draw, loss: str, shape):
    """Network outputs y inside the loss's domain (0 < y < 1 for the log losses)."""
    if loss == "cross_entropy":
        return numeric.softmax(draw(arrays(shape, -3.0, 3.0)))
    if loss == "bce":
        return draw(arrays(shape, elements=st.floats(0.02, 0.98)))
    return draw(arrays(shape, -3.0, 3.0, elements=st.floats(-3, 3, allow_nan=False)))


# The activations and losses the implementation under test provides by name; network
# checks draw only from these (all of the catalog when it names none). The plugin sets it.
SCOPE = {"activations": numeric.OUTPUTS, "losses": numeric.LOSSES}


# Examples per finite-difference property: each example costs ~20-100 calls into the
# implementation (a process round trip each when isolated), and the exact comparison
# with the spec already runs the full example count. The plugin sets it per profile.
FD_EXAMPLES = {"quick": 4, "thorough": 100}
PROFILE = {"name": "quick"}


def fd_settings():
    """Hypothesis settings for a finite-difference property under the current profile."""
    from hypothesis import settings

    return settings(max_examples=FD_EXAMPLES[PROFILE["name"]])


def set_scope(activations, losses) -> None:
    """Restrict generated networks to what the implementation provides."""
    SCOPE["activations"] = tuple(activations) or numeric.OUTPUTS
    SCOPE["losses"] = tuple(losses) or numeric.LOSSES


def in_scope(*names: str) -> bool:
    return all(n in SCOPE["activations"] or n in SCOPE["losses"] for n in names)


@dataclass
class Case:
    """A network and a batch: params [(W, b)], X (N, n_0), T (N, n_L), per-layer
    activations and the loss."""

    params: list
    X: np.ndarray
    T: np.ndarray
    activations: list
    loss: str

    def describe(self) -> str:
        sizes = [self.X.shape[1]] + [W.shape[1] for W, _ in self.params]
        bias = "with biases" if self.params[0][1] is not None else "without biases"
        return (f"a {'-'.join(map(str, sizes))} network ({', '.join(self.activations)}; "
                f"loss {self.loss}; batch {self.X.shape[0]}; {bias})")


def _kink_free(case: Case) -> bool:
    """Every relu / leaky_relu pre-activation at least KINK_MARGIN from 0."""
    A = case.X
    for (W, b), act in zip(case.params, case.activations):
        Z = A @ W + (0 if b is None else b)
        if act in KINKED and np.min(np.abs(Z)) < KINK_MARGIN:
            return False
        A = refnet.activate(act, Z)
    return True


@st.composite
def networks(draw, losses=None, hidden=None, max_depth: int = 4,
             max_width: int = 8, max_batch: int = 16, bias=None):
    """Whole problems: depth 1-4, widths 1-8, batch 1-16, any activations and loss in SCOPE."""
    hidden = [a for a in (hidden or HIDDEN_OK) if a in SCOPE["activations"]]
    losses = [l for l in (losses or numeric.LOSSES) if l in SCOPE["losses"]
              and set(OUTPUT_FOR_LOSS.get(l, hidden)) & set(SCOPE["activations"])]
    if not hidden or not losses:
        pytest.skip("not provided: no activation or loss of this check's kind")
    loss = draw(st.sampled_from(losses))
    depth = draw(st.integers(1, max_depth))
    sizes = draw(st.lists(st.integers(1, max_width), min_size=depth + 1, max_size=depth + 1))
    if loss == "cross_entropy":
        sizes[-1] = max(sizes[-1], 2)
    out_choices = [a for a in OUTPUT_FOR_LOSS.get(loss, numeric.ACTIVATIONS)
                   if a in SCOPE["activations"]]
    acts = [draw(st.sampled_from(hidden)) for _ in range(depth - 1)]
    acts.append(draw(st.sampled_from(list(out_choices))))
    with_bias = draw(st.booleans()) if bias is None else bias
    n = draw(st.integers(1, max_batch))
    params = []
    for n_in, n_out in zip(sizes, sizes[1:]):
        scale = 1.0 / np.sqrt(n_in)
        W = draw(arrays((n_in, n_out), elements=st.floats(-2 * scale, 2 * scale)))
        b = draw(arrays((n_out,), elements=st.floats(-0.5, 0.5))) if with_bias else None
        params.append((W, b))
    X = draw(arrays((n, sizes[0]), elements=st.floats(-2, 2)))
    T = draw(targets(loss, (n, sizes[-1])))
    case = Case(params, X, T, acts, loss)
    assume(_kink_free(case))
    if loss in ("bce", "cross_entropy"):
        Y = refnet.forward(params, X, acts)
        assume(np.all((Y > 1e-6) & (Y < 1 - 1e-6)))
    return case
