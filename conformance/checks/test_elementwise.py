"""Activations and their derivatives: values against the spec, derivatives against the
spec and against finite differences of the implementation's own activation, and the
properties every activation must have. One check per activation in scope."""
import numpy as np
import pytest

from deltaspec.conformance.gradcheck import elementwise_derivative
from deltaspec.conformance.judging import diagnose, report
from deltaspec.conformance.judging.draws import KINK_MARGIN
from deltaspec.conformance.judging.probing import probe_activation_prime, require
from deltaspec.spec import numeric


EXTREMES = np.array([-800.0, -40.0, 40.0, 800.0])
# at |z| = 40 a slope such as sigmoid' is 4e-18, below the rounding of a(1 - a): a correct
# form may give 0 there, a wrong one is off by far more than this
EXTREME_FLOOR = 1e-12


def _prime_judged(impl, name):
    if impl.prime_of == "a" and not numeric.has_prime_of_a(name):
        pytest.skip(f"{name}'s derivative cannot be written in terms of its output (PRIME_OF = 'a')")


@pytest.mark.capability("activation {activation}")
def test_activation_value(impl, activation, draws, profile):
    """g(z) equals the spec's g on arrays of any shape."""
    require(impl, activation)
    examples = [draws.z_array() for _ in range(profile.examples)]
    for z, got in report.each(impl, "elementwise", examples, lambda z: (activation, z)):
        report.check(got, numeric.activation(activation)(z), f"{activation}(z)",
                     report.describe_array("z", z), diagnose.activation(activation, z))


@pytest.mark.capability("derivative {derivative}_prime")
def test_derivative_matches_spec(impl, derivative, draws, profile):
    """<act>_prime equals the spec's g'(z) (given g(z) when PRIME_OF = 'a')."""
    name = derivative
    require(impl, f"{name}_prime")
    _prime_judged(impl, name)
    examples = [draws.z_array() for _ in range(profile.examples)]
    for z, got in report.each(impl, "activation_prime", examples, lambda z: (name, z)):
        report.check(got, numeric.activation_prime(name)(z), f"{name}_prime",
                     report.describe_array("z", z), diagnose.activation_prime(name, z, impl.prime_of),
                     probe=probe_activation_prime(impl, name))


@pytest.mark.capability("derivative {derivative}_prime")
def test_derivative_matches_finite_differences(impl, derivative, draws, profile):
    """<act>_prime equals a Richardson central difference of the implementation's own <act>."""
    name = derivative
    require(impl, name, f"{name}_prime")
    _prime_judged(impl, name)
    for _ in range(profile.fd_examples):
        z = np.atleast_1d(draws.z_array(-4.0, 4.0))
        fd = elementwise_derivative(lambda v: impl.activation(name, v), z,
                                    f_many=lambda zs: impl.activation_many(name, zs))
        smooth = ~fd.kink
        got = impl.activation_prime(name, z)
        report.check_fd(got[smooth], fd.value[smooth], fd.error[smooth], f"{name}_prime against finite "
                        f"differences of your {name}", report.describe_array("z", z),
                        diagnose.activation_prime(name, z[smooth], impl.prime_of),
                        probe=probe_activation_prime(impl, name))


@pytest.mark.capability("derivative {derivative}_prime")
def test_derivative_finite_at_extremes(impl, derivative):
    """No NaN and no overflow in g' at |z| = 800 (a naive form overflows exp(800)), and
    the spec's values there."""
    name = derivative
    require(impl, f"{name}_prime")
    _prime_judged(impl, name)
    z = EXTREMES
    d = impl.activation_prime(name, z)
    assert np.all(np.isfinite(d)), f"{name}_prime returned non-finite values at z = {z.tolist()}: {d.tolist()}"
    report.check(d, numeric.activation_prime(name)(z), f"{name}_prime", report.describe_array("z", z),
                 diagnose.activation_prime(name, z, impl.prime_of), floor=EXTREME_FLOOR)


@pytest.mark.capability("activation {activation}")
def test_shape_dtype_and_no_mutation(impl, activation, draws, scope):
    """Shape kept, the float32 input left untouched; float32 kept as float32 only when the
    assignment asks for it (dtype = "preserve"): computing in float64 is correct."""
    require(impl, activation)
    z32 = np.asarray(draws.z_array(), dtype=np.float32)
    before = z32.copy()
    out = impl.activation(activation, z32)
    assert out.shape == z32.shape, f"{activation} changed the shape {z32.shape} to {out.shape}"
    if scope.dtype == "preserve":
        assert out.dtype == np.float32, (f"{activation} turned float32 input into {out.dtype} (this assignment "
                                         "asks that float32 stays float32)")
    assert np.array_equal(z32, before), f"{activation} modified its input array in place"


@pytest.mark.capability("activation {activation}")
def test_finite_at_extremes(impl, activation):
    """No NaN and no overflow at |z| = 800 (an exp(800) overflows), and the spec's values."""
    require(impl, activation)
    z = EXTREMES
    out = impl.activation(activation, z)
    assert np.all(np.isfinite(out)), f"{activation} returned non-finite values at z = {z.tolist()}: {out.tolist()}"
    report.check(out, numeric.activation(activation)(z), f"{activation}(z)", report.describe_array("z", z),
                 diagnose.activation(activation, z), floor=EXTREME_FLOOR)


@pytest.mark.capability("activation {activation}")
def test_monotone(impl, activation, draws):
    """Every catalog activation but rbf is non-decreasing."""
    require(impl, activation)
    if activation == "rbf":
        pytest.skip("rbf is not monotone")
    z = np.sort(np.atleast_1d(draws.z_array()).ravel())
    out = np.asarray(impl.activation(activation, z), dtype=np.float64)
    assert np.all(np.diff(out) >= -1e-15), f"{activation} is not non-decreasing on sorted z"


@pytest.mark.capability("activation sigmoid")
def test_sigmoid_range_and_symmetry(impl, scope, draws, profile):
    """0 <= sigmoid <= 1 and sigmoid(-z) = 1 - sigmoid(z)."""
    if "sigmoid" not in scope.activations:
        pytest.skip("sigmoid is outside this run's scope")
    require(impl, "sigmoid")
    for _ in range(profile.examples):
        z = draws.z_array()
        s, s_neg = impl.activation("sigmoid", z), impl.activation("sigmoid", -z)
        rtol, atol = report.tolerances(s)
        assert np.all((s >= 0) & (s <= 1)), "sigmoid left [0, 1]"
        np.testing.assert_allclose(s_neg, 1 - s, atol=max(atol, 1e-12), err_msg="sigmoid(-z) != 1 - sigmoid(z)")


@pytest.mark.capability("activation relu")
def test_kinks_are_reported_not_failed(impl, scope):
    """At relu's kink the finite difference reports a kink; away from it, slopes are exact."""
    if "relu" not in scope.activations:
        pytest.skip("relu is outside this run's scope")
    require(impl, "relu")
    fd = elementwise_derivative(lambda v: impl.activation("relu", v), np.array([0.0, 2 * KINK_MARGIN, -2 * KINK_MARGIN]),
                                f_many=lambda zs: impl.activation_many("relu", zs))
    assert fd.kink.tolist() == [True, False, False]


@pytest.mark.capability("activation softmax")
def test_softmax(impl, scope, draws, profile):
    """softmax per row, on one row and on several: values against the spec, rows sum to 1,
    invariant to a constant shift (softmax over the wrong axis or the whole array fails)."""
    if "softmax" not in scope.activations:
        pytest.skip("softmax is outside this run's scope")
    require(impl, "softmax")
    for i in range(max(2, profile.examples)):
        rows = 1 if i == 0 else draws.integer(2, 6)
        z = draws.array((rows, draws.integer(2, 6)), -30.0, 30.0)
        got = impl.activation("softmax", z)
        report.check(got, numeric.softmax(z), "softmax", report.describe_array("z", z), diagnose.softmax(z))
        shifted = impl.activation("softmax", z + 700.0)
        assert np.all(np.isfinite(shifted)), "softmax overflowed for logits near 700: subtract the max first"
        rtol, _ = report.tolerances(got, shifted)
        np.testing.assert_allclose(shifted, got, rtol=max(rtol, 1e-9), atol=1e-15,
                                   err_msg="softmax(z + c) != softmax(z)")
