"""An object that keeps a network's parameters in two list attributes, one entry per
layer (``weights[l]``, ``biases[l]``), built fresh for every call.

The suite hands over params in the declared layout: W_l is (n_in, n_out) in the row
layout, (n_out, n_in) in the column layout. The object is built for the same sizes
(``build(sizes)``, a class taking a sizes list works as it is), its own arrays show
the shapes it expects, and the suite's arrays are put in their place: W exactly (a
mismatch is a layout or structure error, said in one line), b reshaped to the object's
own bias shape ((n_out, 1), (1, n_out) or (n_out,)). Nothing is computed here.
"""
from __future__ import annotations

import numpy as np
from deltaspec.conformance.adapters.declare import AdapterError, attribute, describe


def sizes_of(params, layout: str) -> list[int]:
    """[n_0, n_1, ..., n_L] from the weight shapes."""
    if layout == "column":
        return [params[0][0].shape[1], *(W.shape[0] for W, _ in params)]
    return [params[0][0].shape[0], *(W.shape[1] for W, _ in params)]


class Holder:
    """Moves params into and out of ``obj.<weights>`` and ``obj.<biases>``."""

    def __init__(self, build, weights: str = "weights", biases: str = "biases", layout: str = "row"):
        self.build, self.weights, self.biases, self.layout = build, weights, biases, layout

    def _lists(self, obj):
        Ws = attribute(obj, self.weights, "the list of weight matrices, one per layer", "weights")
        bs = attribute(obj, self.biases, "the list of bias vectors, one per layer", "biases")
        return Ws, bs

    def make(self, params):
        """A fresh object built for these sizes, holding copies of ``params``."""
        obj = self.build(sizes_of(params, self.layout))
        Ws, bs = self._lists(obj)
        name = describe(obj)
        if len(Ws) != len(params) or len(bs) != len(params):
            raise AdapterError(f"{name} built for {len(params)} layers has {len(Ws)} {self.weights} and "
                               f"{len(bs)} {self.biases}")
        new_W, new_b = [], []
        for l, ((W, b), W_own, b_own) in enumerate(zip(params, Ws, bs)):
            if np.shape(W_own) != W.shape:
                other = "column" if self.layout == "row" else "row"
                hint = f"; pass layout={other!r}" if np.shape(W_own) == W.T.shape else ""
                raise AdapterError(f"{name}.{self.weights}[{l}] has shape {np.shape(W_own)}, expected {W.shape} "
                                   f"in the {self.layout} layout{hint}")
            if b is None:
                raise AdapterError(f"{name} has a bias in every layer: a network without biases is outside "
                                   "what it runs (keep biases: [True] in SUPPORTS)")
            new_W.append(np.array(W, dtype=np.float64))
            new_b.append(np.array(b, dtype=np.float64).reshape(np.shape(b_own)))
        setattr(obj, self.weights, new_W)
        setattr(obj, self.biases, new_b)
        return obj

    def read(self, obj, like):
        """The object's params now, as [(W, b)] shaped like ``like`` (b back to its shape)."""
        Ws, bs = self._lists(obj)
        return [(np.asarray(W, dtype=np.float64), np.asarray(b, dtype=np.float64).reshape(b0.shape))
                for W, b, (_, b0) in zip(Ws, bs, like)]
