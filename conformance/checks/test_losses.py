"""Losses and their derivatives: values and dE/dy against the spec and against finite
differences of the implementation's own loss."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

from deltaspec.spec import numeric

from deltaspec.conformance.judging import diagnose, report
from deltaspec.conformance.judging.probing import probe_loss, probe_loss_prime, require
from deltaspec.conformance.gradcheck import GradcheckError, gradcheck
from deltaspec.conformance.judging.strategies import fd_settings, outputs, targets

LOSSES = numeric.LOSSES


@st.composite
def problems(draw, loss):
    shape = (draw(st.integers(1, 6)), draw(st.integers(2 if loss == "cross_entropy" else 1, 4)))
    return draw(outputs(loss, shape)), draw(targets(loss, shape))


def _where(y, t):
    return f"{report.describe_array('y', y)}, {report.describe_array('t', t)}"


@pytest.mark.capability("loss {name}")
@pytest.mark.parametrize("name", LOSSES)
@given(data=st.data())
def test_loss_value(impl, name, data):
    require(impl, name)
    y, t = data.draw(problems(name))
    got = impl.loss(name, y, t)
    report.check(np.array(got), np.array(numeric.loss(name)(y, t)), f"{name}(y, t)", _where(y, t),
                 diagnose.loss(name, y, t), probe=probe_loss(impl, name))


@pytest.mark.capability("derivative {name}_prime")
@pytest.mark.parametrize("name", LOSSES)
@given(data=st.data())
def test_loss_prime_matches_spec(impl, name, data):
    require(impl, f"{name}_prime")
    y, t = data.draw(problems(name))
    got = impl.loss_prime(name, y, t)
    report.check(got, numeric.loss_prime(name)(y, t), f"{name}_prime = dE/dy", _where(y, t),
                 diagnose.loss_prime(name, y, t), probe=probe_loss_prime(impl, name))


@pytest.mark.capability("derivative {name}_prime")
@pytest.mark.parametrize("name", LOSSES)
@fd_settings()
@given(data=st.data())
def test_loss_prime_matches_finite_differences(impl, name, data):
    """dE/dy against the implementation's own loss: tells a consistent non-spec loss
    convention (e.g. a mean where the spec sums) apart from a broken derivative."""
    require(impl, name, f"{name}_prime")
    y, t = data.draw(problems(name))
    try:
        # directional: 3 random directions cost ~60 calls where every element would cost
        # ~20 each; the per-element verdict is the comparison with the spec above
        gradcheck(lambda v: impl.loss(name, v, t), lambda v: impl.loss_prime(name, v, t), y,
                  mode="directional", n_directions=2)
    except GradcheckError as exc:
        found = report.diagnose_with_probe(None, None, (), probe_loss_prime(impl, name))
        cause = f" Likely cause: {found.text}." if found else ""
        raise report.ConformanceFailure(f"{name}_prime against finite differences of your {name} on "
                                        f"{_where(y, t)}: {exc}{cause}", found.code if found else None) from None


@pytest.mark.capability("loss {name}")
@pytest.mark.parametrize("name", LOSSES)
def test_loss_inputs_not_mutated(impl, name):
    require(impl, name)
    y, t = np.array([[0.2, 0.7], [0.6, 0.1]]), np.array([[0.0, 1.0], [1.0, 0.0]])
    y0, t0 = y.copy(), t.copy()
    impl.loss(name, y, t)
    if impl.provides(f"{name}_prime"):
        impl.loss_prime(name, y, t)
    assert np.array_equal(y, y0) and np.array_equal(t, t0), f"{name} modified its inputs in place"
