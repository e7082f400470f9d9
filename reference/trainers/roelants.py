"""Seed 004: Roelants, "How to implement a neural network (3/5)": one RBF hidden unit.

The model is y = logistic(rbf(x * wh) + bo): a 1-1-1 network whose hidden unit has
weight wh and no bias, and whose output unit has bias bo and no weight. Loss: the
mean cross-entropy (bce). Data: ``np.random.seed(4)``, then 20 blue samples
``randn(20, 1) * 0.5 + 0``, 10 red ``randn(10, 1) * 0.5 - 2`` and 10 red
``randn(10, 1) * 0.5 + 2``, stacked in that order; t = 1 for blue, 0 for red. Start
wh = 2.3, bo = 1.4, learning rate 2.0; the code runs 20 iterations (the prose says 50).

One update, ``backprop_update``, op for op:

    zh = x * wh;  h = rbf(zh);  y = logistic(h + bo)
    grad_output = y - t                      # dxi_i/dz_o per sample (bce + logistic)
    d_bo = lr * grad_output
    d_wh = lr * (x * -2 * zh * h * grad_output)
    wh, bo = float(mean(wh - d_wh)), float(mean(bo - d_bo))

rbf and logistic are the spec's naive ``numpy.exp(-z**2)`` and ``1/(1 + numpy.exp(-z))``.
The RBF slope -2 z h is the spec's g'(z) written with a = g(z),
``reference.naive_forms.prime_za("rbf")`` = ``-2*a*z``. Roelants multiplies x in
first, ``((x*-2)*zh)*h``; since g'(z, a) is linear in z, that is g'(x*zh, h), and
because scaling by -2 is exact the two round identically: ``prime_za(x*zh, h)``
reproduces the original bit for bit. The printed loss is the notebook's own
``-np.mean(t*np.log(y) + (1-t)*np.log(1-y))`` (the spec's bce, but reduced as
the notebook reduces it; tests check the two agree).
"""
from __future__ import annotations

import functools

import numpy as np

from deltaspec.spec import numeric

from deltaspec.reference.trainers.naive_forms import prime_za
from deltaspec.reference.trainers.printing import number
from deltaspec.reference.trainers.trajectory import Run, Trajectory

DATA_SEED = 4
SAMPLES_PER_CLASS = 20
STD_DEV = 0.5
WH, BO = 2.3, 1.4
LEARNING_RATE = 2.0


def data(seed: int = DATA_SEED) -> tuple[np.ndarray, np.ndarray]:
    """(x, t), each (40, 1): blue (mean 0), red left (mean -2), red right (mean +2)."""
    np.random.seed(seed)
    blue = np.random.randn(SAMPLES_PER_CLASS, 1) * STD_DEV + 0
    red_left = np.random.randn(SAMPLES_PER_CLASS // 2, 1) * STD_DEV + -2
    red_right = np.random.randn(SAMPLES_PER_CLASS // 2, 1) * STD_DEV + 2
    x = np.vstack((blue, red_left, red_right))
    t = np.vstack((np.ones((blue.shape[0], 1)), np.zeros((red_left.shape[0] + red_right.shape[0], 1))))
    return x, t


@functools.lru_cache(maxsize=None)
def _functions():
    """(rbf, logistic, rbf'(z, a)): the spec's naive forms."""
    return numeric.activation("rbf", naive=True), numeric.activation("sigmoid", naive=True), prime_za("rbf")


def network(x, wh, bo):
    """y = logistic(rbf(x * wh) + bo), the notebook's ``nn``."""
    rbf, logistic, _ = _functions()
    return logistic(rbf(x * wh) + bo)


def notebook_loss(y, t) -> float:
    """The notebook's printed loss: -mean(t ln y + (1 - t) ln(1 - y)), its own reduction."""
    return float(-np.mean((t * np.log(y)) + ((1 - t) * np.log(1 - y))))


def update(x, t, wh: float, bo: float, learning_rate: float = LEARNING_RATE):
    """One ``backprop_update``; returns (wh, bo, grad_output)."""
    rbf, logistic, rbf_prime = _functions()
    zh = x * wh
    h = rbf(zh)
    y = logistic(h + bo)
    grad_output = y - t
    d_bo = learning_rate * grad_output
    d_wh = learning_rate * (rbf_prime(x * zh, h) * grad_output)
    return float(np.mean(wh - d_wh)), float(np.mean(bo - d_bo)), grad_output


def train(seed: int = DATA_SEED, epochs: int = 20, record: int = 0) -> Run:
    """``epochs`` updates from wh = 2.3, bo = 1.4; prints the final loss and weights."""
    x, t = data(seed)
    wh, bo = WH, BO
    traj = Trajectory(("wh", "bo"), record)
    traj.start(wh, bo)
    for i in range(epochs):
        wh, bo, grad_output = update(x, t, wh, bo)
        if i < record:
            traj.add(grad_output, wh, bo)
    final_loss = notebook_loss(network(x, wh, bo), t)
    line = f"final loss is {number(final_loss)} for weights wh={number(wh)} and bo={number(bo)}"
    values = {"loss": final_loss, "wh": wh, "bo": bo}
    return Run([line], {"wh": np.array(wh), "bo": np.array(bo)}, traj, values)
