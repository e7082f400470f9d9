"""What a trainer returns: the lines it printed and the trajectory it took.

A *step* is one parameter update: one full-batch iteration for the batch trainers,
one sample for the per-sample ones. A trainer records the first ``record`` steps
(recording copies the parameters, so it is off by default and free when off):

* ``params[k]``: the parameters after k steps (``params[0]`` is the start), as a
  tuple of arrays in the order given by ``names``;
* ``errors[k]``: the error array the original program stores in step k + 1 (its
  residual, with the original's sign), computed at ``params[k]``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Trajectory:
    """Per-step parameters and stored errors of one training run."""

    names: tuple[str, ...]
    record: int = 0
    params: list[tuple[np.ndarray, ...]] = field(default_factory=list)
    errors: list[np.ndarray] = field(default_factory=list)

    def start(self, *arrays) -> None:
        """Store the initial parameters (copied) when recording."""
        if self.record:
            self.params.append(tuple(np.array(a, dtype=float, copy=True) for a in arrays))

    def add(self, error, *arrays) -> None:
        """Store one step: the error computed in it and the parameters after it."""
        self.errors.append(np.array(error, dtype=float, copy=True))
        self.params.append(tuple(np.array(a, dtype=float, copy=True) for a in arrays))

    @property
    def steps(self) -> int:
        """How many steps were recorded."""
        return len(self.errors)


@dataclass
class Run:
    """A finished run: the printed lines, the final parameters, the trajectory.

    ``values`` holds the numbers behind the printed lines at full precision (e.g. the
    errors Trask prints), keyed by what they are, so tests need not parse text.
    """

    lines: list[str]
    params: dict[str, np.ndarray]
    trajectory: Trajectory
    values: dict[str, object] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """The printed output, one line each, with a final newline if not empty."""
        return "".join(line + "\n" for line in self.lines)
