"""The seeds' statistical claims, tested over many seeds at once.

Each claim is checked with the seed program's own arithmetic, vectorised across
seeds: the weights of S seeds are stacked on a leading axis and trained together
(``numpy.matmul`` broadcasts over it), with the spec's naive sigmoid and its slope.
A first test per seed shows the vectorised loop is the faithful trainer, seed by
seed, so the statistics are about the programs themselves.
"""
from __future__ import annotations

import numpy as np
import pytest

from deltaspec.reference.trainers import class_xor, per_sample, trask
from deltaspec.spec import numeric

SIGMOID = numeric.activation("sigmoid", naive=True)
SLOPE = numeric.activation_prime("sigmoid", of="a", naive=True)


def _t(a):
    """Transpose the last two axes (a stacked matrix transpose)."""
    return np.swapaxes(a, -1, -2)


def _stack(arrays_per_seed):
    return [np.stack(parts) for parts in zip(*arrays_per_seed)]


# ------------------------------------------------------------------ 002: class XOR


def class_xor_many(seeds, epochs, checkpoints=()):
    """Seed 002's training for every seed at once; {epoch: outputs (S, 4, 1)}."""
    w1, w2 = _stack([class_xor.initial(s) for s in seeds])
    X, Y, lr = class_xor.X, class_xor.Y, class_xor.LEARNING_RATE
    outputs = {}
    for epoch in range(1, epochs + 1):
        layer1 = SIGMOID(X @ w1)
        output = SIGMOID(layer1 @ w2)
        term = 2 * (Y - output) * SLOPE(output)
        d_w2 = _t(layer1) @ term
        d_w1 = X.T @ ((term @ _t(w2)) * SLOPE(layer1))
        w1 += lr * d_w1
        w2 += lr * d_w2
        if epoch in checkpoints:
            outputs[epoch] = SIGMOID(SIGMOID(X @ w1) @ w2)
    return w1, w2, outputs


def _solved(outputs, targets):
    """Per seed: every output on the right side of 0.5."""
    return np.all((outputs > 0.5) == (targets > 0.5), axis=(-2, -1))


def test_class_xor_vectorised_is_the_trainer():
    w1, w2, _ = class_xor_many([0, 1, 7], 300)
    for k, seed in enumerate([0, 1, 7]):
        run = class_xor.train(seed, 300)
        assert np.allclose(w1[k], run.params["weights1"], rtol=1e-12, atol=1e-14)
        assert np.allclose(w2[k], run.params["weights2"], rtol=1e-12, atol=1e-14)


def test_class_xor_solves_xor_for_most_seeds_at_10000_epochs_far_fewer_at_1500():
    """The code trains 10000 epochs; the prose says 1500 'enables the correct prediction'."""
    seeds = range(200)
    _, _, outputs = class_xor_many(seeds, 10000, checkpoints=(1500, 10000))
    at_1500 = _solved(outputs[1500], class_xor.Y).mean()
    at_10000 = _solved(outputs[10000], class_xor.Y).mean()
    assert at_10000 >= 0.95  # 199 of 200 seeds
    assert at_1500 <= 0.40  # 50 of 200 seeds
    assert at_10000 - at_1500 >= 0.5


# ------------------------------------------------------------------ 003: hidden size


def trask_part2_many(seeds, alpha, hidden, iterations):
    """Part 2's net for every seed at once; the final mean |error| per seed."""
    s0, s1 = _stack([trask.initial([(3, hidden), (hidden, 1)], s) for s in seeds])
    X, y = trask.X, trask.Y_XOR
    for _ in range(iterations):
        layer_1 = SIGMOID(X @ s0)
        layer_2 = SIGMOID(layer_1 @ s1)
        layer_2_delta = (layer_2 - y) * SLOPE(layer_2)
        layer_1_delta = (layer_2_delta @ _t(s1)) * SLOPE(layer_1)
        s1 -= alpha * (_t(layer_1) @ layer_2_delta)
        s0 -= alpha * (X.T @ layer_1_delta)
    return np.mean(np.abs(SIGMOID(SIGMOID(X @ s0) @ s1) - y), axis=(-2, -1)), s0, s1


@pytest.mark.parametrize("alpha,hidden,iterations", [(1, 4, 200), (1, 32, 200), (10, 4, 200), (10, 32, 50)])
def test_trask_vectorised_is_the_trainer(alpha, hidden, iterations):
    """The vectorised loop sums in matmul's order, the trainer in its fixed order: they
    agree to rounding, which alpha 10 with 32 hidden units (chaotic) amplifies past
    1e-10 between iterations 100 and 200, so that run is compared after 50."""
    _, s0, s1 = trask_part2_many([1, 2], alpha, hidden, iterations)
    for k, seed in enumerate([1, 2]):
        run = trask.alpha_run(alpha, hidden, seed, epochs=iterations)
        assert np.allclose(s0[k], run.params["synapse_0"], rtol=1e-10, atol=1e-12)
        assert np.allclose(s1[k], run.params["synapse_1"], rtol=1e-10, atol=1e-12)


def test_hidden_32_reaches_a_lower_error_than_hidden_4():
    """'the best error with 32 nodes is 0.0009 whereas the best error with 4 hidden
    nodes was only 0.0013': at alpha 1, after 10000 iterations, for every seed tried."""
    seeds = range(40)
    err4, _, _ = trask_part2_many(seeds, 1, 4, 10000)
    err32, _, _ = trask_part2_many(seeds, 1, 32, 10000)
    assert np.all(err32 < err4)
    assert np.median(err32) < 0.9 * np.median(err4)


@pytest.mark.slow
def test_hidden_32_at_alpha_10_often_sticks():
    """At the prose's best alpha (10), 32 hidden units beat 4 only when they do not
    stick: about a third of the seeds end with a mean error above 0.1 (seed 1, the
    published run, does not)."""
    seeds = range(60)
    err4, _, _ = trask_part2_many(seeds, 10, 4, 10000)
    err32, _, _ = trask_part2_many(seeds, 10, 32, 10000)
    stuck = err32 > 0.1
    assert 0.1 < stuck.mean() < 0.6 and not np.any(err4 > 0.1)
    assert np.median(err32[~stuck]) < np.median(err4)


# ------------------------------------------------------------------ 000: per-sample net


def per_sample_many(seeds, max_epoch, faithful=True):
    """Seed 000's whole program for every seed at once (per-sample steps in lockstep,
    each seed with its own learning-rate halving and stopping rule).

    Returns (stop epoch, last epoch's misclassified share, MSE per epoch (S, E))."""
    setups = [per_sample.setup(s) for s in seeds]
    inputs = np.stack([s[0] for s in setups])
    targets = np.stack([s[1] for s in setups]).astype(float)
    W_ih, W_ho, b_h, b_o = _stack([s[2] for s in setups])
    S = len(setups)
    lr, mse = np.full(S, per_sample.LEARNING_RATE), np.full(S, np.inf)
    running, stop_epoch = np.ones(S, bool), np.full(S, max_epoch)
    mis_share, history = np.zeros(S), []
    for epoch in range(1, max_epoch):
        step = (lr * running)[:, None, None]  # stopped seeds take zero steps
        errors, mis = np.empty((S, inputs.shape[1])), np.zeros(S)
        for i in range(inputs.shape[1]):
            x, y = inputs[:, i : i + 1, :], targets[:, i, None, None]
            out_h = SIGMOID(x @ W_ih + b_h)
            prediction = SIGMOID(out_h @ W_ho + b_o)
            mis += ((prediction > 0.5) != (y > 0.5))[:, 0, 0]
            residual = y - prediction
            errors[:, i] = (0.5 * np.square(residual))[:, 0, 0]
            delta_o = residual * SLOPE(prediction)
            if not faithful:
                delta_h = SLOPE(out_h) * _t(W_ho) * delta_o
            W_ho += _t(out_h) @ (step * delta_o)
            b_o += step * delta_o
            if faithful:
                delta_h = SLOPE(out_h) * _t(W_ho) * delta_o
            W_ih += step * (_t(x) @ delta_h)
            b_h += step * delta_h
        new_mse = errors.mean(axis=1)
        history.append(np.where(running, new_mse, np.nan))
        mis_share = np.where(running, mis / inputs.shape[1], mis_share)
        halve = running & (new_mse > mse) & (epoch > per_sample.HALVE_AFTER)
        lr = np.where(halve, np.maximum(lr * 0.5, per_sample.MIN_LEARNING_RATE), lr)
        stop = running & (mse - new_mse > 0) & (mse - new_mse < per_sample.TOLERANCE)
        stop_epoch = np.where(stop, epoch, stop_epoch)
        mse = np.where(running & ~stop, new_mse, mse)
        running &= ~stop
        if not running.any():
            break
    return stop_epoch, mis_share, np.array(history).T


def test_per_sample_vectorised_is_the_trainer():
    seeds = [1, 3]
    _, _, history = per_sample_many(seeds, 4)
    for k, seed in enumerate(seeds):
        run = per_sample.train(seed, 4, faithful=True)
        assert np.allclose(history[k], run.values["mse"], rtol=1e-12, atol=0)


@pytest.mark.slow
@pytest.mark.parametrize("faithful", [True, False])
def test_per_sample_converges_in_about_500_epochs_when_it_converges(faithful):
    """'After about 500 epochs, the MSE converges to zero with an accuracy of 100%'
    and 'the net sometimes converges at errors around 0.12' (a local optimum).

    Over 120 seeds: about 70% stop with no misclassification, after 494 epochs at the
    earliest and about 610 at the median; the others stop in a local optimum (MSE
    0.05-0.13, 14-50% misclassified). The corrected gradient behaves the same."""
    stop_epoch, mis_share, history = per_sample_many(range(120), per_sample.MAX_EPOCHS, faithful)
    converged = mis_share == 0
    assert 0.5 < converged.mean() < 0.9
    assert 450 <= np.median(stop_epoch[converged]) <= 750
    assert np.all(stop_epoch[converged] >= 400) and np.all(stop_epoch < per_sample.MAX_EPOCHS)
    last = np.array([row[~np.isnan(row)][-1] for row in history[~converged]])
    assert np.all((last > 0.04) & (last < 0.13))


@pytest.mark.slow
def test_an_mse_of_0007_after_80_epochs_is_rare():
    """The prose's 'It reaches an MSE of 0.007 after 80 epochs' is one unseeded run:
    over 120 seeds fewer than 5% are that low at epoch 80 (the median is about 0.07)."""
    _, _, history = per_sample_many(range(120), 81)
    at_80 = history[:, 79]
    at_80 = at_80[~np.isnan(at_80)]  # a few seeds stop in their first epochs
    assert at_80.size > 100
    assert np.mean(at_80 <= 0.007) < 0.05
    assert 0.03 < np.median(at_80) < 0.12
