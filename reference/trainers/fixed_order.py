"""The faithful trainers' matrix products, in summation orders no BLAS decides.

``numpy.dot`` leaves the order of each inner sum, and the use of fused multiply-add,
to whichever OpenBLAS kernel the CPU selects, so its last bits vary between machines.
These products fix both. They use only NumPy's elementwise ``multiply`` and ``add``
(and ``add.accumulate``) on float64, which round every operation on its own on every
CPU: each term A[i,k] B[k,j] is rounded once, then the terms are added in the order
below, each addition rounded. The bits depend on the operands alone.

``matmul(A, B)``, A (m, n), B (n, p) -> (m, p), left to right over the inner index:

    C[i, j] = (...((A[i,0] B[0,j] + A[i,1] B[1,j]) + A[i,2] B[2,j]) + ...) + A[i,n-1] B[n-1,j]

the textbook loop: the order of the reference BLAS (``DGEMM`` adds ``B(l,j)*A(i,l)``
into ``C(i,j)`` for l = 1..n; ``DGEMV`` without transpose likewise) and of NumPy's
own non-BLAS dot. It is the trainers' default.

``matvec(A, b)``, A (m, n), b (n, 1) -> (m, 1), in four interleaved partial sums:

    S_r[i] = left-to-right sum of A[i,k] b[k] over k = r, r+4, r+8, ...   (r = 0..3)
    c[i]   = (S_0[i] + S_2[i]) + (S_1[i] + S_3[i])

the order of an SSE2 dot kernel with two lanes (k mod 2) and two accumulator
registers ((k div 2) mod 2), the registers added lane by lane, then the two lanes.
NumPy hands ``A @ b`` (row-major A, one column b) to the BLAS's ``gemv`` in dot
form, and Trask's Part 2 shows that his 2015 BLAS summed it this way. His alpha = 100
run (hidden 4) is chaotic: with ``matmul`` for its forward products it matches 9 of
the 12 published digits, with ``matvec`` all 12 at every print. His hidden-32 run at
alpha 10, more chaotic still, matches 8 digits with this order (and a libm ``exp``),
1 or 2 with the other dot orders tried (left to right; one two-lane register; 8 or
16 partial sums). Terms missing when n is not a multiple of 4 count as +0.0, which
changes no sum.

Signed zeros: a sum whose every term is -0.0 stays -0.0 in ``matmul`` (a loop started
from 0.0 gives +0.0) and can become +0.0 in ``matvec`` (through the padding); no
value or printed digit of the trainers depends on the sign of a zero sum.
"""
from __future__ import annotations

import numpy as np

MATVEC_ACCUMULATORS = 4  # 2 SSE2 lanes x 2 registers


def _check(A: np.ndarray, B: np.ndarray) -> None:
    if A.ndim != 2 or B.ndim != 2 or A.shape[1] != B.shape[0] or A.shape[1] == 0:
        raise ValueError(f"needs (m, n) and (n, p) arrays with n >= 1; got {A.shape} and {B.shape}")


def _sequential_sums(terms: np.ndarray) -> np.ndarray:
    """terms (m, n, p) -> (m, p): the sum over axis 1, left to right.

    ``numpy.add.accumulate`` stores every partial sum, out[:, k] = out[:, k-1] + terms[:, k],
    so its last entry is the left-to-right sum whatever the CPU (``numpy.add.reduce``
    may sum pairwise or in SIMD lanes; accumulate cannot)."""
    return np.add.accumulate(terms, axis=1)[:, -1, :]


def matmul(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """C = A B, A (m, n), B (n, p): each C[i, j] summed left to right over k = 0..n-1."""
    _check(A, B)
    if A.shape[1] == 1:  # one term per entry (an outer product): nothing to sum
        return A * B
    return _sequential_sums(A[:, :, None] * B)  # terms[i, k, j] = A[i, k] B[k, j]


def matvec(A: np.ndarray, b: np.ndarray) -> np.ndarray:
    """c = A b, A (m, n), b (n, 1), as (m, 1): (S_0 + S_2) + (S_1 + S_3), S_r the
    left-to-right sum of the terms with k = r (mod 4) (see the module doc)."""
    _check(A, b)
    if b.shape[1] != 1:
        raise ValueError(f"matvec needs one column b; got {b.shape}")
    terms = A * b.T  # terms[i, k] = A[i, k] b[k]
    m, n = terms.shape
    if n % MATVEC_ACCUMULATORS:
        terms = np.concatenate([terms, np.zeros((m, -n % MATVEC_ACCUMULATORS))], axis=1)
    if terms.shape[1] > MATVEC_ACCUMULATORS:  # term k = 4q + r sits at [i, q, r]: sum over q
        terms = _sequential_sums(terms.reshape(m, -1, MATVEC_ACCUMULATORS))
    lanes = terms[:, 0:2] + terms[:, 2:4]  # the two registers added: (S_0 + S_2, S_1 + S_3)
    return lanes[:, 0:1] + lanes[:, 1:2]


def pre_activation(a_prev, W, b=None):
    """Z = A_prev W (+ b), sequential: A_prev (N, n_in), W (n_in, n_out), b (1, n_out) or None."""
    z = matmul(a_prev, W)
    return z if b is None else z + b


def hidden_delta(delta_next, W_next, gprime):
    """delta = g' * (delta_next W_next^T): delta_next (N, n_next), W_next (n, n_next), g' (N, n)."""
    return gprime * matmul(delta_next, W_next.T)


def weight_gradient(a_prev, delta):
    """dE/dW = A_prev^T delta, A_prev (N, n_in), delta (N, n_out): summed over the samples in order."""
    return matmul(a_prev.T, delta)
