"""Seeded value draws for the checks: arrays, targets, output layers and whole networks.

Which combination a check judges is fixed by ``coverage``; a Draws object only chooses
values. Its generator is seeded from the run's seed and the check's own name, so a check
sees the same examples whether the run is isolated or not, whatever else is loaded, and
whichever checks run before it.

Pre-activations stay at least ``KINK_MARGIN`` away from every kink the catalog names
(``numeric.KINKS``: relu and leaky_relu at 0), so a derivative is never judged exactly
where the spec had to choose a value.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np

from deltaspec.reference import network as refnet
from deltaspec.spec import numeric

KINK_MARGIN = 1e-3
KINKS = sorted({k for points in numeric.KINKS.values() for k in points})
BCE_TARGETS = (0.0, 1.0, 0.25, 0.8)
MAX_TRIES = 200


@dataclass
class Case:
    """A network and a batch: params [(W (n_in, n_out), b (n_out,) or None)], X (N, n_0),
    T (N, n_L), per-layer activations and the loss."""

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


def _away_from_kinks(x: np.ndarray) -> np.ndarray:
    """Elements closer than KINK_MARGIN to a kink k moved out to k +- KINK_MARGIN (side kept)."""
    for k in KINKS:
        near = np.abs(x - k) < KINK_MARGIN
        x = np.where(near, np.where(x < k, k - KINK_MARGIN, k + KINK_MARGIN), x)
    return x


class Draws:
    """Values for one check: ``Draws(seed, key)``, key the check's name with its parameters."""

    def __init__(self, seed: int, key: str):
        self.rng = np.random.default_rng([int(seed) % 2**32, zlib.crc32(key.encode())])

    # ------------------------------------------------------------ arrays

    def shape(self, max_dims: int = 3, max_side: int = 5) -> tuple[int, ...]:
        """0 to max_dims axes (a 0-d array included), each 1 to max_side long."""
        return tuple(int(s) for s in self.rng.integers(1, max_side + 1, size=self.rng.integers(0, max_dims + 1)))

    def array(self, shape, lo: float = -6.0, hi: float = 6.0, kinks: bool = False) -> np.ndarray:
        """Float64, uniform in [lo, hi]; away from 0 by KINK_MARGIN unless ``kinks``."""
        x = self.rng.uniform(lo, hi, size=shape)
        return np.asarray(x if kinks else _away_from_kinks(x), dtype=np.float64)

    def z_array(self, lo: float = -6.0, hi: float = 6.0) -> np.ndarray:
        """Pre-activations of any shape (0-d included)."""
        return self.array(self.shape(), lo, hi)

    def integer(self, lo: int, hi: int) -> int:
        return int(self.rng.integers(lo, hi + 1))

    # ------------------------------------------------------------ losses

    def targets(self, loss: str, shape) -> np.ndarray:
        """Probabilities for bce, one-hot rows for cross_entropy, any finite value otherwise."""
        if loss == "cross_entropy":
            n, k = shape
            return np.eye(k)[self.rng.integers(0, k, size=n)]
        if loss == "bce":
            return self.rng.choice(np.array(BCE_TARGETS), size=shape)
        return self.array(shape, -2.0, 2.0, kinks=True)

    def outputs(self, loss: str, shape) -> np.ndarray:
        """Outputs y inside the loss's domain (0 < y < 1 for the log losses)."""
        if loss == "cross_entropy":
            return numeric.softmax(self.array(shape, -3.0, 3.0))
        if loss == "bce":
            return self.rng.uniform(0.02, 0.98, size=shape)
        return self.array(shape, -3.0, 3.0, kinks=True)

    def problem(self, loss: str) -> tuple[np.ndarray, np.ndarray]:
        """(y, t) of shape (N, K), N in 1..6 (1 and more both drawn), K in 1..4 (2.. for cross_entropy)."""
        shape = (self.integer(1, 6), self.integer(2 if loss == "cross_entropy" else 1, 4))
        return self.outputs(loss, shape), self.targets(loss, shape)

    def output_layer(self, loss: str, act: str):
        """(y = g(z), t, z) for an output layer of shape (N, K) whose y is inside the loss's domain."""
        for _ in range(MAX_TRIES):
            n, k = self.integer(1, 6), self.integer(2 if act == "softmax" or loss == "cross_entropy" else 1, 4)
            z = self.array((n, k), -3.0, 3.0)
            y = numeric.activation(act)(z)
            if loss not in ("bce", "cross_entropy") or np.all((y > 1e-4) & (y < 1 - 1e-4)):
                return y, self.targets(loss, (n, k)), z
        raise RuntimeError(f"no output layer inside {loss}'s domain for {act} in {MAX_TRIES} draws")

    # ------------------------------------------------------------ networks

    def network(self, plan, widths=(1, 8), batch=(1, 16)) -> Case:
        """A Case for a coverage plan: widths and batch drawn inside the given ranges."""
        for _ in range(MAX_TRIES):
            case = self._network(plan, widths, batch)
            if _kink_free(case) and _inside_domain(case):
                return case
        raise RuntimeError(f"no network for {plan.id} met the kink and domain conditions in {MAX_TRIES} draws")

    def _network(self, plan, widths, batch) -> Case:
        lo, hi = widths
        sizes = [self.integer(lo, hi) for _ in range(plan.depth + 1)]
        if plan.activations[-1] == "softmax" or plan.loss == "cross_entropy":
            sizes[-1] = max(sizes[-1], 2)
        n = 1 if plan.single else self.integer(max(2, batch[0]), max(2, batch[1]))
        params = []
        for n_in, n_out in zip(sizes, sizes[1:]):
            scale = 1.0 / np.sqrt(n_in)
            W = self.array((n_in, n_out), -2 * scale, 2 * scale, kinks=True)
            b = self.array((n_out,), -0.5, 0.5, kinks=True) if plan.bias else None
            params.append((W, b))
        X = self.array((n, sizes[0]), -2.0, 2.0, kinks=True)
        return Case(params, X, self.targets(plan.loss, (n, sizes[-1])), list(plan.activations), plan.loss)


def _kink_free(case: Case) -> bool:
    """Every pre-activation of a kinked activation at least KINK_MARGIN from its kinks."""
    A = case.X
    for (W, b), act in zip(case.params, case.activations):
        Z = A @ W + (0 if b is None else b)
        kinks = numeric.KINKS.get(act, ())
        if any(np.min(np.abs(Z - k)) < KINK_MARGIN for k in kinks):
            return False
        A = refnet.activate(act, Z)
    return True


def _inside_domain(case: Case) -> bool:
    """Outputs strictly inside (0, 1), with room, where the loss takes logarithms."""
    if case.loss not in ("bce", "cross_entropy"):
        return True
    Y = refnet.forward(case.params, case.X, case.activations)
    return bool(np.all((Y > 1e-6) & (Y < 1 - 1e-6)))
