"""Seed 001: Tom Martin's ReLU XOR net ("Neural Networks from Scratch, Part 2").

The original is JavaScript (numjs); the seed copy has none of its code. The program
is: 2-3-1, ReLU hidden layer, linear output, no biases, fixed initial
weights, per-sample updates with alpha = 0.2 for 60 epochs, no random numbers.

For each sample, in order (op for op):

    h = relu(x W_ih);  o = h W_ho
    E += (o - t)^2                                  # before the update
    delta_o = o - t                                 # half squared error, no factor 2
    delta_h = relu'(h) * (delta_o W_ho^T)           # W_ho before its update
    W_ho -= alpha (h^T delta_o);  W_ih -= alpha (x^T delta_h)

After epochs 10, 20, ..., 60 it prints ``Error: E``, E being that epoch's summed
squared error. relu and relu' (of the output h, the same as of z since relu'(0) = 0)
are the spec's, as one ``numpy.where`` each (``reference.naive_forms``); the products
are ``reference.trainers.fixed_order.matmul``'s, summed left to right (the textbook
loop; nothing published pins another order).
"""
from __future__ import annotations

import numpy as np

from deltaspec.reference.trainers import fixed_order, naive_forms
from deltaspec.reference.trainers.printing import number
from deltaspec.reference.trainers.trajectory import Run, Trajectory

X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
T = np.array([[0], [1], [1], [0]])
W_IH = ((0.96003, 0.77081, 0.81631), (0.14657, 0.66646, -0.03392))
W_HO = ((0.70935,), (-0.94073,), (0.44186,))
ALPHA = 0.2
PRINT_EVERY = 10


def initial() -> tuple[np.ndarray, np.ndarray]:
    """The fixed start: W_ih (2, 3) and W_ho (3, 1)."""
    return np.array(W_IH), np.array(W_HO)


def train(epochs: int = 60, record: int = 0) -> Run:
    """``epochs`` epochs of per-sample descent; prints ``Error: E`` every 10th epoch."""
    relu, relu_prime = naive_forms.activation("relu"), naive_forms.prime_a("relu")
    W_ih, W_ho = initial()
    traj = Trajectory(("W_ih", "W_ho"), record)
    traj.start(W_ih, W_ho)
    lines, errors, step = [], {}, 0
    for epoch in range(1, epochs + 1):
        E = 0.0
        for n in range(X.shape[0]):
            x, t = X[n : n + 1], T[n : n + 1]
            h = relu(fixed_order.pre_activation(x, W_ih))
            o = fixed_order.pre_activation(h, W_ho)
            delta_o = o - t
            E += float(delta_o[0, 0] ** 2)
            delta_h = fixed_order.hidden_delta(delta_o, W_ho, relu_prime(h))
            W_ho -= ALPHA * fixed_order.weight_gradient(h, delta_o)
            W_ih -= ALPHA * fixed_order.weight_gradient(x, delta_h)
            if step < record:
                traj.add(delta_o, W_ih, W_ho)
            step += 1
        if epoch % PRINT_EVERY == 0:
            errors[epoch] = E
            lines.append("Error: " + number(E))
    return Run(lines, {"W_ih": W_ih, "W_ho": W_ho}, traj, {"errors": errors})
