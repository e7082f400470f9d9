"""Invariants any correct implementation keeps, whatever its internals."""
import numpy as np
import pytest
from hypothesis import assume, given

from deltaspec.spec import numeric

from deltaspec.conformance.judging import report
from deltaspec.conformance.judging.probing import require
from deltaspec.conformance.judging.strategies import networks

SUM_LOSSES = ("half_sse", "sse")


@pytest.mark.capability("gradients")
@given(case=networks(losses=SUM_LOSSES, max_batch=6))
def test_batch_gradient_is_sum_of_sample_gradients(impl, case):
    """For a sum-reduced loss, the batch gradient is the sum of per-sample gradients."""
    require(impl, "gradients")
    whole = impl.gradients(case.params, case.X, case.T, case.activations, case.loss)
    parts = [impl.gradients(case.params, case.X[i:i + 1], case.T[i:i + 1], case.activations, case.loss)
             for i in range(case.X.shape[0])]
    summed = [(sum(p[l][0] for p in parts), None if whole[l][1] is None else sum(p[l][1] for p in parts))
              for l in range(len(whole))]
    report.check(whole, summed, "gradients over a batch = sum of per-sample gradients", case.describe(),
                 label="dE/d")


@pytest.mark.capability("gradients")
@given(case=networks())
def test_batch_permutation_changes_nothing(impl, case):
    require(impl, "gradients")
    order = np.arange(case.X.shape[0])[::-1]
    a = impl.gradients(case.params, case.X, case.T, case.activations, case.loss)
    b = impl.gradients(case.params, case.X[order], case.T[order], case.activations, case.loss)
    report.check(b, a, "gradients of a reversed batch", case.describe(), label="dE/d")


@pytest.mark.capability("train_step")
@given(case=networks(max_depth=3))
def test_train_step_is_params_minus_lr_gradients(impl, case):
    """train_step agrees with the implementation's own gradients."""
    require(impl, "train_step", "gradients")
    lr = 0.05
    grads = impl.gradients(case.params, case.X, case.T, case.activations, case.loss)
    got = impl.train_step(case.params, case.X, case.T, lr, case.activations, case.loss)
    expected = [(W - lr * dW, None if b is None else b - lr * db) for (W, b), (dW, db) in zip(case.params, grads)]
    report.check(got, expected, "train_step against params - lr * your gradients", case.describe(), label="new ")


@pytest.mark.capability("train_step")
@given(case=networks(max_depth=3))
def test_small_step_lowers_the_loss(impl, case):
    require(impl, "train_step")
    loss = numeric.loss(case.loss)
    from deltaspec.reference import network as refnet

    grads = refnet.gradients(case.params, case.X, case.T, case.activations, case.loss)
    norm2 = sum(float(np.sum(dW**2)) + (0.0 if db is None else float(np.sum(db**2))) for dW, db in grads)
    assume(norm2 > 1e-12)  # at a stationary point no step can lower the loss
    before = loss(refnet.forward(case.params, case.X, case.activations), case.T)
    lr = 1e-3 * max(before, 1e-3) / norm2
    after_params = impl.train_step(case.params, case.X, case.T, lr, case.activations, case.loss)
    after = loss(refnet.forward(after_params, case.X, case.activations), case.T)
    assert after < before, (f"a train_step with small lr = {lr:.3g} raised the loss on {case.describe()}: "
                            f"{before:.10g} -> {after:.10g}")
