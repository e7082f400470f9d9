"""forward, gradients and train_step on every network plan in scope: against the
reference (tight, both exact in float64) and against finite differences of the
implementation's own forward."""
import numpy as np
import pytest

from deltaspec.conformance.gradcheck import GradcheckError, gradcheck
from deltaspec.conformance.judging import diagnose, report
from deltaspec.conformance.judging.probing import probe_network, require
from deltaspec.reference import network as refnet
from deltaspec.spec import numeric


def cases(draws, net, scope, count):
    """``count`` networks of plan ``net``, widths and batch inside the scope's ranges."""
    return [draws.network(net, scope.widths, scope.batch) for _ in range(count)]


@pytest.mark.capability("forward")
def test_forward(impl, net, draws, scope, profile):
    require(impl, "forward")
    examples = cases(draws, net, scope, profile.examples)
    for case, got in report.each(impl, "forward", examples, lambda c: (c.params, c.X, c.activations),
                                 lambda i, c: probe_network(i, c, "forward")):
        report.check(got, refnet.forward(case.params, case.X, case.activations), "forward", case.describe(),
                     diagnose.forward(case), probe=probe_network(impl, case, "forward"))


@pytest.mark.capability("gradients")
def test_gradients_match_reference(impl, net, draws, scope, profile):
    require(impl, "gradients")
    examples = cases(draws, net, scope, profile.examples)
    for case, got in report.each(impl, "gradients", examples, lambda c: (c.params, c.X, c.T, c.activations, c.loss),
                                 lambda i, c: probe_network(i, c, "gradients"),
                                 lambda c: (lambda: diagnose.unsummed_bias(impl, c),)):
        expected = refnet.gradients(case.params, case.X, case.T, case.activations, case.loss)
        report.check(got, expected, "gradients (dE/dW, dE/db)", case.describe(), diagnose.gradients(case),
                     label="dE/d", probe=probe_network(impl, case, "gradients"))


def _flatten(params):
    return [p for pair in params for p in pair if p is not None]


def _unflatten(flat, like):
    out, i = [], 0
    for W, b in like:
        out.append((flat[i], None if b is None else flat[i + 1]))
        i += 1 if b is None else 2
    return out


@pytest.mark.capability("gradients")
def test_gradients_match_finite_differences(impl, net, draws, scope, profile):
    """dE/dtheta against directional finite differences of E(forward_impl(theta)), E the
    spec's loss: a broken backward pass fails here, a non-spec loss convention does not."""
    require(impl, "gradients", "forward")
    loss = numeric.loss(net.loss)
    for case in cases(draws, net, scope, profile.fd_examples):
        dtype = impl.forward(case.params, case.X, case.activations).dtype

        def energy(flat, case=case, dtype=dtype):
            """E in the precision the implementation computes in, so that the finite
            differences take that precision's steps and tolerances."""
            Y = impl.forward(_unflatten(flat, case.params), case.X, case.activations)
            return np.asarray(loss(Y, case.T), dtype=dtype)

        def energies(flats, case=case, dtype=dtype):
            """[energy(flat) for flat in flats], the forward calls in one batch."""
            Ys = impl.forward_many([_unflatten(flat, case.params) for flat in flats], case.X, case.activations)
            return [np.asarray(loss(Y, case.T), dtype=dtype) for Y in Ys]

        def grad(flat, case=case):
            return _flatten(impl.gradients(_unflatten(flat, case.params), case.X, case.T, case.activations,
                                           case.loss))

        try:
            gradcheck(energy, grad, [p.astype(dtype) for p in _flatten(case.params)], mode="directional",
                      n_directions=3, f_many=energies)
        except GradcheckError as exc:
            raise report.ConformanceFailure(f"gradients against finite differences of your forward on "
                                            f"{case.describe()}: {exc}", "fd_mismatch") from None


@pytest.mark.capability("train_step")
def test_train_step(impl, net, draws, scope, profile):
    """One full-batch step: theta - lr * dE/dtheta, inputs not mutated."""
    require(impl, "train_step")
    lr = 0.1
    examples = [(c, [(W.copy(), None if b is None else b.copy()) for W, b in c.params])
                for c in cases(draws, net, scope, profile.examples)]
    for (case, before), got in report.each(impl, "train_step", examples,
                                           lambda e: (e[0].params, e[0].X, e[0].T, lr, e[0].activations, e[0].loss)):
        grads = refnet.gradients(case.params, case.X, case.T, case.activations, case.loss)
        expected = [(W - lr * dW, None if b is None else b - lr * db) for (W, b), (dW, db) in zip(before, grads)]
        report.check(got, expected, f"train_step (lr = {lr})", case.describe(), diagnose.train_step(case, lr),
                     label="new ", probe=probe_network(impl, case, "train_step", lr))
