"""Activations and their derivatives: values against the spec, derivatives against the
spec and against finite differences of the implementation's own activation, and the
properties every activation must have."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

from deltaspec.spec import numeric

from deltaspec.conformance.judging import diagnose, report
from deltaspec.conformance.judging.probing import probe_activation_prime, require
from deltaspec.conformance.gradcheck import elementwise_derivative
from deltaspec.conformance.judging.strategies import KINK_MARGIN, fd_settings, z_arrays

ACTS = numeric.ACTIVATIONS


@pytest.mark.capability("activation {name}")
@pytest.mark.parametrize("name", ACTS)
@given(z=z_arrays())
def test_activation_value(impl, name, z):
    """g(z) equals the spec's g on arrays of any shape."""
    require(impl, name)
    got = impl.activation(name, z)
    report.check(got, numeric.activation(name)(z), f"{name}(z)", report.describe_array("z", z),
                 diagnose.activation(name, z))


@pytest.mark.capability("derivative {name}_prime")
@pytest.mark.parametrize("name", ACTS)
@given(z=z_arrays())
def test_derivative_matches_spec(impl, name, z):
    """<act>_prime equals the spec's g'(z) (given g(z) when PRIME_OF = 'a')."""
    require(impl, f"{name}_prime")
    if impl.prime_of == "a" and not numeric.has_prime_of_a(name):
        pytest.skip(f"{name}'s derivative cannot be written in terms of its output (PRIME_OF = 'a')")
    got = impl.activation_prime(name, z)
    report.check(got, numeric.activation_prime(name)(z), f"{name}_prime", report.describe_array("z", z),
                 diagnose.activation_prime(name, z, impl.prime_of), probe=probe_activation_prime(impl, name))


@pytest.mark.capability("derivative {name}_prime")
@pytest.mark.parametrize("name", ACTS)
@fd_settings()
@given(z=z_arrays(-4.0, 4.0))
def test_derivative_matches_finite_differences(impl, name, z):
    """<act>_prime equals a Richardson central difference of the implementation's own <act>."""
    require(impl, name, f"{name}_prime")
    if impl.prime_of == "a" and not numeric.has_prime_of_a(name):
        pytest.skip(f"{name}'s derivative cannot be written in terms of its output (PRIME_OF = 'a')")
    z = np.atleast_1d(z)
    fd = elementwise_derivative(lambda v: impl.activation(name, v), z)
    smooth = ~fd.kink
    got = impl.activation_prime(name, z)
    report.check_fd(got[smooth], fd.value[smooth], fd.error[smooth], f"{name}_prime against finite "
                    f"differences of your {name}", report.describe_array("z", z),
                    diagnose.activation_prime(name, z[smooth], impl.prime_of),
                    probe=probe_activation_prime(impl, name))


@pytest.mark.capability("activation {name}")
@pytest.mark.parametrize("name", ACTS)
@given(z=z_arrays())
def test_shape_dtype_and_no_mutation(impl, name, z):
    """Shape kept, float32 kept as float32, the input left untouched."""
    require(impl, name)
    z32 = np.asarray(z, dtype=np.float32)
    before = z32.copy()
    out = impl.activation(name, z32)
    assert out.shape == z32.shape, f"{name} changed the shape {z32.shape} to {out.shape}"
    assert out.dtype == np.float32, f"{name} turned float32 input into {out.dtype}"
    assert np.array_equal(z32, before), f"{name} modified its input array in place"


@pytest.mark.capability("activation {name}")
@pytest.mark.parametrize("name", ACTS)
def test_finite_at_extremes(impl, name):
    """No NaN and no overflow at |z| = 800 (an exp(800) overflows)."""
    require(impl, name)
    z = np.array([-800.0, -40.0, 40.0, 800.0])
    out = impl.activation(name, z)
    assert np.all(np.isfinite(out)), f"{name} returned non-finite values at z = {z.tolist()}: {out.tolist()}"
    if impl.provides(f"{name}_prime") and (impl.prime_of == "z" or numeric.has_prime_of_a(name)):
        d = impl.activation_prime(name, z)
        assert np.all(np.isfinite(d)), f"{name}_prime returned non-finite values at z = {z.tolist()}"


@pytest.mark.capability("activation {name}")
@pytest.mark.parametrize("name", [n for n in ACTS if n not in ("rbf",)])
@given(z=z_arrays(-6.0, 6.0))
def test_monotone(impl, name, z):
    """Every catalog activation but rbf is non-decreasing."""
    require(impl, name)
    z = np.sort(np.atleast_1d(z).ravel())
    out = impl.activation(name, z)
    assert np.all(np.diff(out) >= -1e-15), f"{name} is not non-decreasing on sorted z"


@pytest.mark.capability("activation sigmoid")
@given(z=z_arrays())
def test_sigmoid_range_and_symmetry(impl, z):
    """0 <= sigmoid <= 1 and sigmoid(-z) = 1 - sigmoid(z)."""
    require(impl, "sigmoid")
    s, s_neg = impl.activation("sigmoid", z), impl.activation("sigmoid", -z)
    assert np.all((s >= 0) & (s <= 1)), "sigmoid left [0, 1]"
    np.testing.assert_allclose(s_neg, 1 - s, atol=1e-12, err_msg="sigmoid(-z) != 1 - sigmoid(z)")


@pytest.mark.capability("activation relu")
def test_kinks_are_reported_not_failed(impl):
    """At relu's kink the finite difference reports a kink; away from it, slopes are exact."""
    require(impl, "relu")
    fd = elementwise_derivative(lambda v: impl.activation("relu", v), np.array([0.0, 2 * KINK_MARGIN, -2 * KINK_MARGIN]))
    assert fd.kink.tolist() == [True, False, False]


@pytest.mark.capability("activation softmax")
@given(z=st.lists(st.floats(-30, 30), min_size=2, max_size=6).map(lambda v: np.array([v])))
def test_softmax(impl, z):
    """softmax rows: values against the spec, sum to 1, invariant to a constant shift."""
    require(impl, "softmax")
    got = impl.activation("softmax", z)
    report.check(got, numeric.softmax(z), "softmax", report.describe_array("z", z), diagnose.softmax(z))
    shifted = impl.activation("softmax", z + 700.0)
    assert np.all(np.isfinite(shifted)), "softmax overflowed for logits near 700: subtract the max first"
    np.testing.assert_allclose(shifted, got, rtol=1e-9, atol=1e-15, err_msg="softmax(z + c) != softmax(z)")
