"""Seed 003: Andrew Trask's "A Neural Network in 11 lines of Python" and its Part 2.

Faithful trainers: each reproduces the original's arithmetic op for op, with the
same legacy RNG calls (``np.random.seed`` then ``2*np.random.random(shape) - 1``, syn0
before syn1) and the same update order. What comes from where:

* the sigmoid and its slope are the spec's naive compiled functions:
  ``nonlin(x)`` is ``activation("sigmoid", naive=True)`` = ``1/(1 + numpy.exp(-z))``
  and ``nonlin(x, deriv=True)`` is ``activation_prime("sigmoid", of="a", naive=True)``
  = ``a*(1 - a)``, which takes the sigmoid's *output*;
* the products are :mod:`reference.trainers.fixed_order`'s, summed in the order the
  2015 NumPy and BLAS used, so no machine's BLAS decides the digits: a forward product
  through a one-column weight matrix (``np.dot(l1, syn1)``; ``np.dot(l0, syn0)`` in
  the 2-layer net), which NumPy sends to ``gemv`` in dot form, in ``matvec``'s four
  interleaved partial sums (an SSE2 dot kernel's); every other product
  (``np.dot(l0, syn0)`` with 4 or 32 columns, ``l2_delta.dot(syn1.T)``, the weight
  gradients ``l1.T.dot(l2_delta)`` and ``l0.T.dot(l1_delta)``) left to right
  (``matmul``);
* the stored error (``y - l2`` in Part 1, ``layer_2 - y`` in Part 2) and the printed
  metric (the mean absolute error) are the original's lines.

Loss differentiated: the full-batch summed half SSE (no 1/N); Part 1 steps with
learning rate 1, Part 2 with ``alpha``. Python 2's ``str(float)`` printed 12
significant digits; these print ``repr`` (see ``reference.printing``).

With these orders every published digit of Part 1 and of Part 2's sweep is matched,
alpha 100 (chaotic) included, except in the hidden-32 run at alpha 10. That run is
more chaotic still: its digits from the fourth on depend on the last bit of every
``exp`` as well as on every sum, so they were set by the 2015 machine's own libm and
BLAS. It matches 8 digits where NumPy's ``exp`` is libm's, 3 where it is NumPy's
AVX-512 version (tests/reference/test_trainers.py lists the digits).
"""
from __future__ import annotations

import numpy as np

from deltaspec.spec import numeric

from deltaspec.reference.trainers import fixed_order
from deltaspec.reference.trainers.printing import array, number
from deltaspec.reference.trainers.trajectory import Run, Trajectory

# The listings' X is an int array; np.dot casts it to float64, so it is kept as float64.
X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=np.float64)
Y_XOR = np.array([[0, 1, 1, 0]]).T
Y_FIRST_COLUMN = np.array([[0, 0, 1, 1]]).T
ALPHAS = (0.001, 0.01, 0.1, 1, 10, 100, 1000)
PRINT_EVERY = 10000


def _sigmoid():
    """(nonlin(x), nonlin(x, deriv=True)): the spec's naive sigmoid and a*(1 - a)."""
    return numeric.activation("sigmoid", naive=True), numeric.activation_prime("sigmoid", of="a", naive=True)


def _forward(a, W):
    """a W, (N, n) by (n, p), in the 2015 BLAS's order: ``matvec`` for one column
    (p = 1, NumPy's ``gemv`` in dot form), left to right (``matmul``) otherwise."""
    return fixed_order.matvec(a, W) if W.shape[1] == 1 else fixed_order.matmul(a, W)


def initial(shapes, seed: int = 1) -> list[np.ndarray]:
    """``np.random.seed(seed)``, then ``2*np.random.random(shape) - 1`` per shape, in order."""
    np.random.seed(seed)
    return [2 * np.random.random(shape) - 1 for shape in shapes]


def two_layer(seed: int = 1, epochs: int = 10000, record: int = 0) -> Run:
    """Part 1's 2-layer net: 3-1 sigmoid, y = [0,0,1,1], learning rate 1.

    Per iteration: l1 = g(l0 syn0); l1_error = y - l1; l1_delta = l1_error * g'(l1);
    syn0 += l0^T l1_delta. Prints "Output After Training:" and l1.
    """
    nonlin, slope = _sigmoid()
    (syn0,) = initial([(3, 1)], seed)
    traj = Trajectory(("syn0",), record)
    traj.start(syn0)
    l0, y = X, Y_FIRST_COLUMN
    for step in range(epochs):
        l1 = nonlin(_forward(l0, syn0))
        l1_error = y - l1
        l1_delta = l1_error * slope(l1)
        syn0 += fixed_order.weight_gradient(l0, l1_delta)
        if step < record:
            traj.add(l1_error, syn0)
    lines = ["Output After Training:", *array(l1).splitlines()]  # epochs >= 1, as in the original
    return Run(lines, {"syn0": syn0}, traj, {"output": l1})


def three_layer(seed: int = 1, epochs: int = 60000, record: int = 0, report: bool = True) -> Run:
    """Part 1's 3-layer net (also the 11-line net): 3-4-1 sigmoid, XOR, learning rate 1.

    Per iteration: l1 = g(l0 syn0); l2 = g(l1 syn1); l2_error = y - l2;
    l2_delta = l2_error * g'(l2); l1_delta = g'(l1) * (l2_delta syn1^T);
    syn1 += l1^T l2_delta; syn0 += l0^T l1_delta. Prints "Error:" + the mean |l2_error|
    at every 10000th iteration when ``report``.
    """
    nonlin, slope = _sigmoid()
    syn0, syn1 = initial([(3, 4), (4, 1)], seed)
    traj = Trajectory(("syn0", "syn1"), record)
    traj.start(syn0, syn1)
    l0, y = X, Y_XOR
    lines, errors = [], {}
    for j in range(epochs):
        l1 = nonlin(_forward(l0, syn0))
        l2 = nonlin(_forward(l1, syn1))
        l2_error = y - l2
        if report and j % PRINT_EVERY == 0:
            errors[j] = np.mean(np.abs(l2_error))
            lines.append("Error:" + number(errors[j]))
        l2_delta = l2_error * slope(l2)
        l1_delta = fixed_order.hidden_delta(l2_delta, syn1, slope(l1))
        syn1 += fixed_order.weight_gradient(l1, l2_delta)
        syn0 += fixed_order.weight_gradient(l0, l1_delta)
        if j < record:
            traj.add(l2_error, syn0, syn1)
    return Run(lines, {"syn0": syn0, "syn1": syn1}, traj, {"errors": errors})


def eleven_line(seed: int = 1, epochs: int = 60000, record: int = 0) -> Run:
    """The 11-line net. Its listing has no seed and prints nothing; with a seed its
    arithmetic is the 3-layer net's, line for line, so it runs that without printing."""
    return three_layer(seed, epochs, record, report=False)


def alpha_run(alpha, hidden: int = 4, seed: int = 1, epochs: int = 60000, record: int = 0) -> Run:
    """Part 2's net for one alpha: 3-hidden-1 sigmoid, XOR, error = layer_2 - y.

    Per iteration: layer_2_error = layer_2 - y; layer_2_delta = error * g'(layer_2);
    layer_1_delta = g'(layer_1) * (layer_2_delta synapse_1^T);
    synapse_1 -= alpha (layer_1^T layer_2_delta); synapse_0 -= alpha (layer_0^T layer_1_delta).
    Prints a blank line, "Training With Alpha:<alpha>", then "Error after <j>
    iterations:<mean |error|>" every 10000th iteration.
    """
    sigmoid, slope = _sigmoid()
    synapse_0, synapse_1 = initial([(3, hidden), (hidden, 1)], seed)
    traj = Trajectory(("synapse_0", "synapse_1"), record)
    traj.start(synapse_0, synapse_1)
    layer_0, y = X, Y_XOR
    lines, errors = ["", "Training With Alpha:" + number(alpha)], {}
    for j in range(epochs):
        layer_1 = sigmoid(_forward(layer_0, synapse_0))
        layer_2 = sigmoid(_forward(layer_1, synapse_1))
        layer_2_error = layer_2 - y
        if j % PRINT_EVERY == 0:
            errors[j] = np.mean(np.abs(layer_2_error))
            lines.append("Error after " + str(j) + " iterations:" + number(errors[j]))
        layer_2_delta = layer_2_error * slope(layer_2)
        layer_1_delta = fixed_order.hidden_delta(layer_2_delta, synapse_1, slope(layer_1))
        synapse_1 -= alpha * fixed_order.weight_gradient(layer_1, layer_2_delta)
        synapse_0 -= alpha * fixed_order.weight_gradient(layer_0, layer_1_delta)
        if j < record:
            traj.add(layer_2_error, synapse_0, synapse_1)
    return Run(lines, {"synapse_0": synapse_0, "synapse_1": synapse_1}, traj, {"errors": errors})


def alpha_sweep(alphas=ALPHAS, hidden: int = 4, seed: int = 1, epochs: int = 60000, record: int = 0) -> Run:
    """Part 2's program: :func:`alpha_run` for each alpha, reseeding each time.

    The trajectory and parameters are the last alpha's; ``values["errors"]`` maps each
    alpha to its printed errors."""
    runs = [alpha_run(alpha, hidden, seed, epochs, record) for alpha in alphas]
    lines = [line for run in runs for line in run.lines]
    values = {"errors": {alpha: run.values["errors"] for alpha, run in zip(alphas, runs)}}
    return Run(lines, runs[-1].params, runs[-1].trajectory, values)
