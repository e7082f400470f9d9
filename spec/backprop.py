"""The matrix rules of backpropagation, numerically, in both layouts.

Each function is the NumPy form of a rule that ``spec.derive.matrix_rules_proof``
proves on a symbolic network (the LaTeX is in ``spec.derive.RULES``):

row layout (samples are rows; X: (N, n_0), W_l: (n_{l-1}, n_l), b_l: (n_l,)):
    Z_l = A_{l-1} W_l + b_l
    delta_l = g'(Z_l) * (delta_{l+1} W_{l+1}^T)
    dE/dW_l = A_{l-1}^T delta_l,   dE/db_l = sum_n delta_l[n, :]

column layout (samples are columns; X: (n_0, N), W_l: (n_l, n_{l-1}), b_l: (n_l, 1)):
    Z_l = W_l A_{l-1} + b_l
    delta_l = g'(Z_l) * (W_{l+1}^T delta_{l+1})
    dE/dW_l = delta_l A_{l-1}^T,   dE/db_l = sum_n delta_l[:, n]
"""
from __future__ import annotations

import numpy as np

LAYOUTS = ("row", "column")


def _layout(layout: str) -> bool:
    """True for the column layout; a one-line ValueError for anything else."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; known: row, column")
    return layout == "column"


def pre_activation(a_prev, W, b=None, layout: str = "row"):
    """Z = A_prev W + b (row) or W A_prev + b (column); b may be None."""
    # numpy.dot, not @: the same bits on 2-D arrays, and cheaper on the tiny ones
    z = np.dot(W, a_prev) if _layout(layout) else np.dot(a_prev, W)
    return z if b is None else z + b


def hidden_delta(delta_next, W_next, gprime, layout: str = "row"):
    """delta_l = g'(Z_l) * (delta_{l+1} W_{l+1}^T) (row) or g'(Z_l) * (W_{l+1}^T delta_{l+1})."""
    back = np.dot(W_next.T, delta_next) if _layout(layout) else np.dot(delta_next, W_next.T)
    return gprime * back


def weight_gradient(a_prev, delta, layout: str = "row"):
    """dE/dW_l = A_{l-1}^T delta_l (row) or delta_l A_{l-1}^T (column)."""
    return np.dot(delta, a_prev.T) if _layout(layout) else np.dot(a_prev.T, delta)


def bias_gradient(delta, layout: str = "row"):
    """dE/db_l = delta_l summed over samples: shape (n_l,) in row, (n_l, 1) in column."""
    if _layout(layout):
        return np.sum(delta, axis=1, keepdims=True)
    return np.sum(delta, axis=0)
