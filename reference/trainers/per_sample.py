"""Seed 000: the per-sample XOR net with biases ("How do neural networks learn?").

2-2-1 sigmoid with bias vectors b_h and b_o, per-sample updates, learning rate 0.1,
loss 1/2 (y - prediction)^2 per sample. The original calls no ``np.random.seed``; here
``np.random.seed(seed)`` comes first, then the original's draws in its order:
``randint(0, 2, (200, 2))``, ``randn(200, 2) / 10`` noise, ``W_ih = randn(2, 2)``,
``W_ho = rand(2, 1)``, ``b_h = randn(1, 2)``, ``b_o = rand(1, 1)``. Targets come
from the noisy inputs (XOR with thresholds at 0.5).

For each sample, op for op:

    net_h = x W_ih + b_h;  out_h = g(net_h);  net_o = out_h W_ho + b_o;  prediction = g(net_o)
    error = 0.5 * (y - prediction)^2                     # kept for the epoch's MSE
    delta_o = (y - prediction) * g'(prediction)          # target - output sign, with +=
    W_ho += out_h^T (lr * delta_o);  b_o += lr * delta_o
    delta_h = g'(out_h) * W_ho^T * delta_o               # the original's association
    W_ih += lr * (x^T delta_h);  b_h += lr * delta_h

**The quirk.** The original computes delta_h *after* updating W_ho, so its hidden
update is not the gradient of the sample's loss. By default this trainer is
*corrected*: delta_h uses W_ho from before the update (the true gradient; every
other operation unchanged). ``faithful=True`` keeps the original's order.

``d_activation(net)`` recomputes ``activation(net) * (1 - activation(net))``; that is
g'(a) of the output the pass already has, so the spec's naive ``a*(1 - a)`` is applied
to ``prediction`` and ``out_h``: the same bits with fewer operations. The products
are ``reference.trainers.fixed_order.matmul``'s: with at most two terms per sum (two
inputs, two hidden units) every summation order gives the same bits, and the fixed
product also rules out a BLAS kernel's fused multiply-add.

Epochs: the learning rate halves (floored at 1e-6) when the epoch's MSE rises after
epoch 20; training stops when 0 < previous MSE - MSE < 1e-6, or at epoch ``epochs``
(2000). It prints the MSE when epoch % 10 == 1, each new learning rate, and a final
line with the epoch count and the last epoch's misclassification percentage.
"""
from __future__ import annotations

import numpy as np

from deltaspec.spec import numeric

from deltaspec.reference.trainers import fixed_order
from deltaspec.reference.trainers.printing import number
from deltaspec.reference.trainers.trajectory import Run, Trajectory

SIZE = 200
N_HIDDEN = 2
LEARNING_RATE = 0.1
HALVE_AFTER = 20
MIN_LEARNING_RATE = 1e-6
TOLERANCE = 1e-6
MAX_EPOCHS = 2000


def _target(x) -> int:
    """The original's ``get_target``: XOR of the two inputs thresholded at 0.5."""
    return 1 if (x[0] > 0.5 and x[1] <= 0.5) or (x[0] <= 0.5 and x[1] > 0.5) else 0


def setup(seed: int):
    """(inputs, targets, [W_ih, W_ho, b_h, b_o]) drawn in the original's order."""
    np.random.seed(seed)
    inputs = np.random.randint(0, 2, (SIZE, 2)).astype(float)
    inputs += np.random.randn(SIZE, 2) / 10
    targets = np.apply_along_axis(_target, 1, inputs)
    W_ih = np.random.randn(2, N_HIDDEN)
    W_ho = np.random.rand(N_HIDDEN, 1)
    b_h = np.random.randn(1, N_HIDDEN)
    b_o = np.random.rand(1, 1)
    return inputs, targets, [W_ih, W_ho, b_h, b_o]


def train(seed: int = 1, epochs: int = MAX_EPOCHS, faithful: bool = False, record: int = 0) -> Run:
    """The original program; ``faithful`` keeps its delta_h quirk (see the module doc)."""
    activation = numeric.activation("sigmoid", naive=True)
    d_activation = numeric.activation_prime("sigmoid", of="a", naive=True)
    inputs, targets, (W_ih, W_ho, b_h, b_o) = setup(seed)
    traj = Trajectory(("W_ih", "W_ho", "b_h", "b_o"), record)
    traj.start(W_ih, W_ho, b_h, b_o)
    lines, mses, step = [], [], 0
    mse, epoch, learning_rate, misclassifications = float("inf"), 1, LEARNING_RATE, 0
    while mse > TOLERANCE and epoch < epochs:
        errors, misclassifications = [], 0
        for x, y in zip(inputs, targets):
            x = np.reshape(x, (1, 2))
            net_h = fixed_order.pre_activation(x, W_ih, b_h)
            out_h = activation(net_h)
            net_o = fixed_order.pre_activation(out_h, W_ho, b_o)
            prediction = activation(net_o)
            label = 1 if prediction > 0.5 else 0
            if label != y:
                misclassifications += 1
            residual = y - prediction
            errors.append(0.5 * np.square(residual))
            delta_o = residual * d_activation(prediction)
            if not faithful:
                delta_h = d_activation(out_h) * W_ho.T * delta_o
            W_ho += fixed_order.weight_gradient(out_h, learning_rate * delta_o)
            b_o += learning_rate * delta_o
            if faithful:
                delta_h = d_activation(out_h) * W_ho.T * delta_o
            W_ih += learning_rate * fixed_order.weight_gradient(x, delta_h)
            b_h += learning_rate * delta_h
            if step < record:
                traj.add(residual, W_ih, W_ho, b_h, b_o)
            step += 1
        new_mse = np.mean(errors)
        mses.append(float(new_mse))
        if epoch % 10 == 1:
            lines.append("Error after epoch %d: %s" % (epoch, number(new_mse)))
        if new_mse > mse and epoch > HALVE_AFTER:
            learning_rate *= 0.5
            learning_rate = max(learning_rate, MIN_LEARNING_RATE)
            lines.append("New learning rate: %s" % number(learning_rate))
        if 0 < mse - new_mse < TOLERANCE:
            break
        mse = new_mse
        epoch += 1
    percent = misclassifications * 100.0 / len(inputs)
    lines.append(
        "Finished training after %d epochs. Misclassifications in last epoch: %s%%" % (epoch, number(percent))
    )
    values = {"epochs": epoch, "misclassification_percent": percent, "mse": mses}
    params = {"W_ih": W_ih, "W_ho": W_ho, "b_h": b_h, "b_o": b_o}
    return Run(lines, params, traj, values)
