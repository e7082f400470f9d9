"""Attack: crash the grader: a segmentation fault and a runaway recursion.

sigmoid_prime reads address 0 through ctypes (SIGSEGV, which no Python code can catch);
sigmoid, on the extreme inputs (|z| = 800), recurses without end.

Isolated, the segfault kills only the worker: each sigmoid_prime check fails with "the
implementation crashed (killed by SIGSEGV)", and the worker is restarted; the recursion
fails its check with "raised RecursionError". The run goes on and ends normally.
"""
import ctypes

import numpy as np

EXPECT_STATUS = 1
EXPECT_REASON = ["SIGSEGV", "RecursionError"]
MUST_FAIL = ["derivative sigmoid_prime"]
FALLBACK = True
PYTEST_ARGS = ["-k", "test_derivative_matches_spec or test_finite_at_extremes"]


def _down(n):
    return _down(n + 1) + 1


def sigmoid(z):
    z = np.asarray(z)
    if z.size and np.max(np.abs(z)) > 100:
        return _down(0)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_prime(z):
    return ctypes.string_at(0)  # strlen(NULL)
