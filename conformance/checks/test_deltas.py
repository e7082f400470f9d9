"""output_delta for every (loss, output activation) pair, and hidden_delta."""
import numpy as np
import pytest
from hypothesis import assume, given, strategies as st

from deltaspec.spec import numeric

from deltaspec.conformance.judging import diagnose, report
from deltaspec.conformance.judging.probing import probe_hidden_delta, probe_output_delta, require
from deltaspec.conformance.judging.strategies import arrays, floats_away_from_kinks, in_scope, targets

PAIRS = [(loss, act) for loss in numeric.LOSSES for act in numeric.OUTPUTS
         if {"bce": ("sigmoid",), "cross_entropy": ("softmax", "sigmoid")}.get(loss, numeric.OUTPUTS).__contains__(act)]


@st.composite
def output_layers(draw, loss, act):
    n, k = draw(st.integers(1, 6)), draw(st.integers(2 if act == "softmax" else 1, 4))
    z = draw(arrays((n, k), -3.0, 3.0))
    y = numeric.activation(act)(z)
    if loss in ("bce", "cross_entropy"):
        assume(np.all((y > 1e-4) & (y < 1 - 1e-4)))
    return y, draw(targets(loss, (n, k))), z


@pytest.mark.capability("output_delta")
@pytest.mark.parametrize("loss, act", PAIRS)
@given(data=st.data())
def test_output_delta(impl, loss, act, data):
    """dE/dz_L for the output y = g(z) equals the spec's closed form."""
    require(impl, "output_delta")
    if not in_scope(loss, act):
        pytest.skip(f"not provided: {loss} or {act} (output_delta is checked on the provided names)")
    y, t, z = data.draw(output_layers(loss, act))
    got = impl.output_delta(y, t, z, act, loss)
    where = (f"loss {loss} with output activation {act}, {report.describe_array('z', z)}, "
             f"{report.describe_array('t', t)}")
    report.check(got, numeric.output_delta(loss, act)(y, t, z), "output_delta", where,
                 diagnose.output_delta(loss, act, y, t, z), probe=probe_output_delta(impl, loss, act))


@pytest.mark.capability("hidden_delta")
@pytest.mark.parametrize("act", numeric.ACTIVATIONS)
@given(data=st.data())
def test_hidden_delta(impl, act, data):
    """delta_l = g'(z_l) * (delta_{l+1} W_{l+1}^T)."""
    require(impl, "hidden_delta")
    if not in_scope(act):
        pytest.skip(f"not provided: {act} (hidden_delta is checked on the provided activations)")
    n, width, width_next = (data.draw(st.integers(1, 6)) for _ in range(3))
    z = data.draw(arrays((n, width), -3.0, 3.0))
    W = data.draw(arrays((width, width_next), -1.5, 1.5, elements=floats_away_from_kinks(-1.5, 1.5)))
    delta_next = data.draw(arrays((n, width_next), -1.0, 1.0, elements=floats_away_from_kinks(-1, 1)))
    a = numeric.activation(act)(z)
    got = report.attempt(lambda: impl.hidden_delta(delta_next, W, z, a, act), impl, lambda i: probe_hidden_delta(i, act))
    from deltaspec.spec import backprop

    expected = backprop.hidden_delta(delta_next, W, numeric.activation_prime(act)(z))
    where = (f"activation {act}, {report.describe_array('z', z)}, "
             f"W_next of shape {W.shape}, delta_next of shape {delta_next.shape}")
    report.check(got, expected, "hidden_delta", where, diagnose.hidden_delta(delta_next, W, z, a, act),
                 probe=probe_hidden_delta(impl, act))
