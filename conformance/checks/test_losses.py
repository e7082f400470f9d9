"""Losses and their derivatives: values and dE/dy against the spec and against finite
differences of the implementation's own loss. One check per loss in scope."""
import numpy as np
import pytest

from deltaspec.conformance.gradcheck import GradcheckError, gradcheck
from deltaspec.conformance.judging import diagnose, report
from deltaspec.conformance.judging.probing import probe_loss, probe_loss_prime, require
from deltaspec.spec import numeric

LOG_LOSSES = ("bce", "cross_entropy")  # defined only for 0 < y < 1


def _where(y, t):
    return f"{report.describe_array('y', y)}, {report.describe_array('t', t)}"


@pytest.mark.capability("loss {loss}")
def test_loss_value(impl, loss, draws, profile):
    require(impl, loss)
    examples = [draws.problem(loss) for _ in range(profile.examples)]
    for (y, t), got in report.each(impl, "loss", examples, lambda e: (loss, *e)):
        report.check(np.array(got), np.array(numeric.loss(loss)(y, t)), f"{loss}(y, t)",
                     _where(y, t), diagnose.loss(loss, y, t), probe=probe_loss(impl, loss))


@pytest.mark.capability("derivative {loss_derivative}_prime")
def test_loss_prime_matches_spec(impl, loss_derivative, draws, profile):
    name = loss_derivative
    require(impl, f"{name}_prime")
    examples = [draws.problem(name) for _ in range(profile.examples)]
    for (y, t), got in report.each(impl, "loss_prime", examples, lambda e: (name, *e)):
        report.check(got, numeric.loss_prime(name)(y, t), f"{name}_prime = dE/dy",
                     _where(y, t), diagnose.loss_prime(name, y, t), probe=probe_loss_prime(impl, name))


def max_step(loss: str, y: np.ndarray) -> float | None:
    """The largest finite-difference step that keeps every y inside the loss's domain:
    half the distance to 0 or 1 for the log losses, no limit otherwise."""
    if loss not in LOG_LOSSES:
        return None
    return 0.5 * float(min(np.min(y), np.min(1 - y)))


@pytest.mark.capability("derivative {loss_derivative}_prime")
def test_loss_prime_matches_finite_differences(impl, loss_derivative, draws, profile):
    """dE/dy against the implementation's own loss: tells a consistent non-spec loss
    convention (e.g. a mean where the spec sums) apart from a broken derivative. Steps
    stay inside the loss's domain."""
    name = loss_derivative
    require(impl, name, f"{name}_prime")
    for _ in range(profile.fd_examples):
        y, t = draws.problem(name)
        try:
            gradcheck(lambda v: impl.loss(name, v, t), lambda v: impl.loss_prime(name, v, t), y,
                      mode="directional", n_directions=2, max_step=max_step(name, y),
                      f_many=lambda ys: impl.loss_many(name, ys, t))
        except GradcheckError as exc:
            found = report.diagnose_with_probe(None, None, (), probe_loss_prime(impl, name))
            cause = f" Likely cause: {found.text}." if found else ""
            raise report.ConformanceFailure(f"{name}_prime against finite differences of your {name} on "
                                            f"{_where(y, t)}: {exc}{cause}", found.code if found else None) from None


@pytest.mark.capability("loss {loss}")
def test_loss_inputs_not_mutated(impl, loss):
    require(impl, loss)
    y, t = np.array([[0.2, 0.7], [0.6, 0.1]]), np.array([[0.0, 1.0], [1.0, 0.0]])
    y0, t0 = y.copy(), t.copy()
    impl.loss(loss, y, t)
    if impl.provides(f"{loss}_prime"):
        impl.loss_prime(loss, y, t)
    assert np.array_equal(y, y0) and np.array_equal(t, t0), f"{loss} modified its inputs in place"
