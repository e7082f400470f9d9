"""output_delta for every (loss, output activation) pair in scope, and hidden_delta for
every hidden activation in scope."""
import pytest

from deltaspec.conformance.judging import diagnose, report
from deltaspec.conformance.judging.probing import probe_hidden_delta, probe_output_delta, require
from deltaspec.spec import backprop, numeric


@pytest.mark.capability("output_delta")
def test_output_delta(impl, pair, draws, profile):
    """dE/dz_L for the output y = g(z) equals the spec's closed form."""
    require(impl, "output_delta")
    loss, act = pair
    examples = [draws.output_layer(loss, act) for _ in range(profile.examples)]
    for (y, t, z), got in report.each(impl, "output_delta", examples, lambda e: (*e, act, loss)):
        where = (f"loss {loss} with output activation {act}, {report.describe_array('z', z)}, "
                 f"{report.describe_array('t', t)}")
        report.check(got, numeric.output_delta(loss, act)(y, t, z), "output_delta", where,
                     diagnose.output_delta(loss, act, y, t, z), probe=probe_output_delta(impl, loss, act))


def _hidden_layer(draws, act):
    """(delta_next, W_next, z, a) of a hidden layer: batch, widths and values drawn."""
    n, width, width_next = draws.integer(1, 6), draws.integer(1, 6), draws.integer(1, 6)
    z = draws.array((n, width), -3.0, 3.0)
    W = draws.array((width, width_next), -1.5, 1.5)
    delta_next = draws.array((n, width_next), -1.0, 1.0)
    return delta_next, W, z, numeric.activation(act)(z)


@pytest.mark.capability("hidden_delta")
def test_hidden_delta(impl, hidden, draws, profile):
    """delta_l = g'(z_l) * (delta_{l+1} W_{l+1}^T)."""
    require(impl, "hidden_delta")
    act = hidden
    for (delta_next, W, z, a), got in report.each(impl, "hidden_delta", [_hidden_layer(draws, act) for _ in
                                                                         range(profile.examples)],
                                                  lambda e: (*e, act), lambda i, e: probe_hidden_delta(i, act)):
        expected = backprop.hidden_delta(delta_next, W, numeric.activation_prime(act)(z))
        where = (f"activation {act}, {report.describe_array('z', z)}, "
                 f"W_next of shape {W.shape}, delta_next of shape {delta_next.shape}")
        report.check(got, expected, "hidden_delta", where, diagnose.hidden_delta(delta_next, W, z, a, act),
                     probe=probe_hidden_delta(impl, act))
