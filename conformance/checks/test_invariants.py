"""Invariants any correct implementation keeps, whatever its internals, on every network
plan in scope."""
import numpy as np
import pytest

from deltaspec.conformance.judging import report
from deltaspec.conformance.judging.probing import probe_network, require
from deltaspec.reference import network as refnet
from deltaspec.spec import numeric


def _gradients_on(impl, case, batches: list) -> list:
    """The implementation's gradients on each (X, T) of ``batches``, the calls in one
    message; if one raises, the failure is diagnosed on the probe."""
    return [got for _, got in report.each(impl, "gradients", batches,
                                          lambda b: (case.params, b[0], b[1], case.activations, case.loss),
                                          lambda i, b: probe_network(i, case, "gradients"))]


@pytest.mark.capability("gradients")
def test_batch_gradient_is_weighted_sum_of_sample_gradients(impl, net, draws, scope, profile):
    """dE/dtheta over a batch of N = sum_i w dE_i/dtheta, with w = c(N, K) / c(1, K) the
    ratio of the loss's reduction constants (1 for a sum, 1/N for a mean over samples)."""
    require(impl, "gradients")
    if net.single:
        pytest.skip("a batch of one sample is its own sum")
    for _ in range(profile.fd_examples):
        case = draws.network(net, scope.widths, (2, min(6, max(2, scope.batch[1]))))
        n, k = case.T.shape
        w = numeric.loss_scale(case.loss, n, k) / numeric.loss_scale(case.loss, 1, k)
        whole, *parts = _gradients_on(impl, case, [(case.X, case.T)] + [(case.X[i:i + 1], case.T[i:i + 1])
                                                                          for i in range(n)])
        summed = [(w * sum(p[l][0] for p in parts), None if whole[l][1] is None else w * sum(p[l][1] for p in parts))
                  for l in range(len(whole))]
        report.check(whole, summed, "gradients over a batch = the reduction's sum of per-sample gradients",
                     case.describe(), label="dE/d")


@pytest.mark.capability("gradients")
def test_batch_permutation_changes_nothing(impl, net, draws, scope, profile):
    require(impl, "gradients")
    for _ in range(profile.fd_examples):
        case = draws.network(net, scope.widths, scope.batch)
        order = np.arange(case.X.shape[0])[::-1]
        a, b = _gradients_on(impl, case, [(case.X, case.T), (case.X[order], case.T[order])])
        report.check(b, a, "gradients of a reversed batch", case.describe(), label="dE/d")


@pytest.mark.capability("train_step")
def test_train_step_is_params_minus_lr_gradients(impl, net, draws, scope, profile):
    """train_step agrees with the implementation's own gradients."""
    require(impl, "train_step", "gradients")
    lr = 0.05
    for _ in range(profile.fd_examples):
        case = draws.network(net, scope.widths, scope.batch)
        (grads,) = _gradients_on(impl, case, [(case.X, case.T)])
        got = impl.train_step(case.params, case.X, case.T, lr, case.activations, case.loss)
        expected = [(W - lr * dW, None if b is None else b - lr * db) for (W, b), (dW, db) in zip(case.params, grads)]
        report.check(got, expected, "train_step against params - lr * your gradients", case.describe(),
                     label="new ")


def _descent_rate(case, loss, norm2: float, before: float) -> float | None:
    """A learning rate at which the reference's own step lowers the loss: the first-order
    guess 1e-3 E / |g|^2, halved while curvature (softmax, a kink crossed) defeats it;
    None when no rate down to 2^-30 of the guess does (nothing to judge then)."""
    lr = 1e-3 * max(before, 1e-3) / norm2
    for _ in range(30):
        params = refnet.train_step(case.params, case.X, case.T, lr, case.activations, case.loss)
        if loss(refnet.forward(params, case.X, case.activations), case.T) < before:
            return lr
        lr /= 2
    return None


@pytest.mark.capability("train_step")
def test_small_step_lowers_the_loss(impl, net, draws, scope, profile):
    """At a learning rate where the reference's step lowers the loss, so does train_step."""
    require(impl, "train_step")
    loss = numeric.loss(net.loss)
    for _ in range(profile.fd_examples):
        case = draws.network(net, scope.widths, scope.batch)
        grads = refnet.gradients(case.params, case.X, case.T, case.activations, case.loss)
        norm2 = sum(float(np.sum(dW**2)) + (0.0 if db is None else float(np.sum(db**2))) for dW, db in grads)
        if norm2 <= 1e-12:
            continue  # at a stationary point no step can lower the loss
        before = loss(refnet.forward(case.params, case.X, case.activations), case.T)
        lr = _descent_rate(case, loss, norm2, before)
        if lr is None:
            continue
        after_params = impl.train_step(case.params, case.X, case.T, lr, case.activations, case.loss)
        after = loss(refnet.forward(after_params, case.X, case.activations), case.T)
        assert after < before, (f"a train_step with small lr = {lr:.3g} raised the loss on {case.describe()}: "
                                f"{before:.10g} -> {after:.10g} (the spec's step lowers it)")
