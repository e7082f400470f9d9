"""The compiled NumPy functions agree with SymPy and with finite differences, and are stable.

Three-way agreement for every catalog entry: the SymPy expression (evaluated in 40-digit
arithmetic), the compiled float64 function, and a central finite difference of the
compiled function (Richardson-extrapolated, ``conformance.gradcheck``).
"""

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

from deltaspec.conformance.gradcheck import elementwise_derivative
from deltaspec.spec import activations, derive, losses, numeric
from deltaspec.spec.activations import z

FD_RTOL = 1e-8
EXACT_RTOL = 1e-13  # compiled vs 100-digit SymPy: a few ulps of float64 ...
EPS = np.finfo(float).eps  # ... plus what the input's own rounding costs (see within_ulps)
MARGIN = 1e-3       # generated inputs keep this far from the kinks at 0

zs = st.floats(-40, 40, allow_nan=False).filter(lambda v: abs(v) > MARGIN)
z_arrays = st.lists(zs, min_size=1, max_size=8).map(np.array)


def exact(expr, var, values):
    """expr at each value in 100-digit arithmetic (1 - tanh(34)^2 needs ~50 digits to
    keep 15), rounded once to float64."""
    return np.array([float(sp.N(expr.subs(var, sp.Float(repr(float(v)), 100)), 100)) for v in values])


def within_ulps(got, expr, values):
    """|got - f| <= (1e-13 + 8 eps kappa) |f|, with kappa = |z f'(z) / f(z)| the relative
    condition number: rounding z by one ulp moves f by kappa ulps (exp(-z^2) at z = 25
    has kappa = 1250), which no implementation can avoid."""
    want = exact(expr, z, values)
    nonzero = want != 0
    kappa = np.abs(exact(z * sp.diff(expr, z) / expr, z, values[nonzero]))
    # below 2.2e-308 float64 is subnormal and keeps only an absolute spacing of 4.9e-324
    subnormal_floor = 1000 * np.finfo(float).smallest_subnormal
    bound = (EXACT_RTOL + 8 * EPS * kappa) * np.abs(want[nonzero]) + subnormal_floor
    return np.all(got[~nonzero] == 0) and np.all(np.abs(got[nonzero] - want[nonzero]) <= bound)


def rel_err(got, want):
    scale = np.maximum(np.abs(want), np.finfo(float).tiny)
    return np.abs(got - want) / scale


def _tail(name, sign):
    """g - L, L = lim g(z) as z -> sign*oo when finite and non-zero, compiled stable.

    Where g rounds to its asymptote in float64 (sigmoid(40) == 1.0), a finite difference
    of g measures rounding, not slope; g - L, compiled from the same expression, keeps
    the tail's digits, and has the same derivative."""
    act = activations.get(name)
    if act.kinks:
        return None  # piecewise linear: unbounded, nothing to shift
    limit = sp.limit(act.expr, z, sign * sp.oo)
    if not limit.is_finite or limit == 0:
        return None
    expr = act.stable - limit
    if isinstance(act.stable, sp.Piecewise):
        expr = sp.Piecewise(*[(sp.simplify(e - limit), c) for e, c in act.stable.args])
    return numeric.compile_expr(expr, ["z"])


@pytest.mark.parametrize("name", activations.ELEMENTWISE)
@settings(max_examples=40, deadline=None)
@given(values=z_arrays)
def test_activation_matches_sympy(name, values):
    got = numeric.activation(name)(values)
    assert within_ulps(got, activations.get(name).expr, values)


@pytest.mark.parametrize("name", activations.ELEMENTWISE)
@settings(max_examples=40, deadline=None)
@given(values=z_arrays)
def test_derivative_matches_sympy(name, values):
    got = numeric.activation_prime(name)(values)
    assert within_ulps(got, derive.activation_prime(name), values), (values, got)


@pytest.mark.parametrize("name", [n for n in activations.ELEMENTWISE if derive.activation_prime_a(n) is not None])
@settings(max_examples=40, deadline=None)
@given(values=st.lists(st.floats(-5, 5).filter(lambda v: abs(v) > MARGIN), min_size=1, max_size=8).map(np.array))
def test_derivative_of_output_matches(name, values):
    """g'_a(g(z)) == g'(z) numerically for |z| <= 5. Further out a = tanh(z) keeps few
    digits of 1 - |a|, so 1 - a^2 is ill-conditioned there whatever the code does:
    the reason the spec's default derivative takes z."""
    a = numeric.activation(name)(values)
    got = numeric.activation_prime(name, of="a")(a)
    want = exact(derive.activation_prime(name), z, values)
    assert np.all(rel_err(got, want) <= 1e-11)


@pytest.mark.parametrize("name", activations.ELEMENTWISE)
@settings(max_examples=30, deadline=None)
@given(values=z_arrays)
def test_derivative_matches_finite_difference(name, values):
    """Central differences of the compiled g agree with the compiled g' to 1e-8 relative,
    saturated tails included (there the difference is taken of g - L)."""
    prime = numeric.activation_prime(name)(values)
    for sign in (1, -1):
        side = (values > 0) if sign == 1 else (values < 0)
        if not side.any():
            continue
        tail = _tail(name, sign)
        f = tail if tail is not None else numeric.activation(name)
        fd = elementwise_derivative(f, values[side])
        assert not fd.kink.any()
        assert np.all(rel_err(fd.value, prime[side]) <= FD_RTOL), (values[side], fd.value, prime[side])


def test_fd_detects_the_relu_kink():
    fd = elementwise_derivative(numeric.activation("relu"), np.array([0.0, 1.0, -1.0]))
    assert fd.kink.tolist() == [True, False, False]


@pytest.mark.parametrize("name", losses.NAMES)
@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_loss_prime_matches_finite_difference(name, data):
    shape = data.draw(st.tuples(st.integers(1, 4), st.integers(1, 3)))
    y = np.array(data.draw(st.lists(st.floats(0.02, 0.98), min_size=shape[0] * shape[1],
                                    max_size=shape[0] * shape[1]))).reshape(shape)
    t = np.array(data.draw(st.lists(st.sampled_from([0.0, 1.0, 0.3]), min_size=y.size,
                                    max_size=y.size))).reshape(shape)
    loss, prime = numeric.loss(name), numeric.loss_prime(name)(y, t)
    for idx in np.ndindex(shape):
        def along(v, idx=idx):
            out = np.empty_like(v)
            for i, vi in enumerate(v.ravel()):
                yy = y.copy()
                yy[idx] = vi
                out.ravel()[i] = loss(yy, t)
            return out
        fd = elementwise_derivative(along, np.array([y[idx]]))
        assert rel_err(fd.value[0], prime[idx]) <= FD_RTOL


@pytest.mark.parametrize("name", losses.NAMES)
def test_loss_value_matches_sympy(name):
    rng = np.random.default_rng(0)
    y, t = rng.uniform(0.05, 0.95, (3, 2)), rng.choice([0.0, 1.0, 0.25], (3, 2))
    loss = losses.get(name)
    want = sum(float(sp.N((loss.scale * loss.term).subs(
        {losses.y: yi, losses.t: ti, losses.N: 3, losses.K: 2}), 30)) for yi, ti in zip(y.ravel(), t.ravel()))
    assert abs(numeric.loss(name)(y, t) - want) <= 1e-14 * abs(want)


@pytest.mark.parametrize("loss_name", losses.NAMES)
@pytest.mark.parametrize("act_name", activations.ELEMENTWISE)
def test_output_delta_is_chain_rule(loss_name, act_name):
    """The compiled closed-form delta equals loss_prime(y) * g'(z) numerically, on
    inputs inside the loss's domain (0 < y < 1 for bce, y > 0 for cross_entropy)."""
    rng = np.random.default_rng(1)
    logs = loss_name in ("bce", "cross_entropy")
    z_ = rng.uniform(0.1, 0.9, (4, 3)) if logs else rng.uniform(-2, 2, (4, 3))
    z_[np.abs(z_) < MARGIN] = 0.5
    y = numeric.activation(act_name)(z_)
    t = rng.choice([0.0, 1.0], (4, 3))
    inside = (y > 0) & (y < 1) if loss_name == "bce" else (y > 0) if logs else np.ones_like(y, bool)
    assert inside.sum() >= 6
    got = numeric.output_delta(loss_name, act_name)(y, t, z_)
    want = numeric.loss_prime(loss_name)(y, t) * numeric.activation_prime(act_name)(z_)
    np.testing.assert_allclose(got[inside], want[inside], rtol=1e-12, atol=1e-300)


@pytest.mark.parametrize("loss_name", losses.NAMES)
def test_softmax_delta_matches_jacobian(loss_name):
    """delta = J^T dE/dy with J = diag(y) - y y^T per sample."""
    rng = np.random.default_rng(2)
    logits = rng.normal(size=(5, 4))
    y = numeric.softmax(logits)
    t = np.eye(4)[rng.integers(0, 4, 5)]
    got = numeric.output_delta(loss_name, "softmax")(y, t, logits)
    grad = numeric.loss_prime(loss_name)(y, t)
    want = np.stack([(np.diag(yi) - np.outer(yi, yi)) @ gi for yi, gi in zip(y, grad)])
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-15)


EXTREME = np.array([-800.0, -710.0, -40.0, -1e-12, 0.0, 1e-12, 40.0, 710.0, 800.0])


@pytest.mark.parametrize("name", activations.ELEMENTWISE)
def test_stable_at_extremes(name):
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        for f in (numeric.activation(name), numeric.activation_prime(name)):
            assert np.all(np.isfinite(f(EXTREME)))


def test_sigmoid_and_softplus_tails_are_exact():
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        assert numeric.activation("sigmoid")(np.array([-800.0, 800.0])).tolist() == [0.0, 1.0]
        assert numeric.activation("softplus")(np.array([800.0]))[0] == 800.0
        assert numeric.activation("softplus")(np.array([-40.0]))[0] == pytest.approx(np.exp(-40.0), rel=1e-15)
    with np.errstate(over="ignore"):  # the naive form really does overflow: why stable exists
        assert np.isinf(np.exp(800.0))


def test_bce_near_and_at_the_boundary():
    y = np.array([[0.0, 1.0, 1e-300, 1 - 2**-52]])
    t = np.array([[0.0, 1.0, 0.0, 1.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        value = numeric.loss("bce")(y, t)
        grad = numeric.loss_prime("bce")(y, t)
    assert np.isfinite(value) and value >= 0
    assert np.all(np.isfinite(grad))
    # a confident wrong answer costs -ln(1e-300)/4 exactly, not NaN
    assert numeric.loss("bce")(np.array([[1e-300]]), np.array([[1.0]])) == pytest.approx(300 * np.log(10))


def test_softmax_large_logits():
    logits = np.array([[1000.0, 0.0, -1000.0], [800.0, 800.0, 800.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        y = numeric.softmax(logits)
    np.testing.assert_allclose(y, [[1, 0, 0], [1 / 3, 1 / 3, 1 / 3]], rtol=1e-15)
    np.testing.assert_allclose(numeric.softmax(logits.T, layout="column"), y.T)


def test_float32_is_preserved():
    z32 = np.linspace(-3, 3, 7, dtype=np.float32)
    for name in activations.ELEMENTWISE:
        assert numeric.activation(name)(z32).dtype == np.float32
        assert numeric.activation_prime(name)(z32).dtype == np.float32


def test_rbf_has_no_prime_of_output():
    assert not numeric.has_prime_of_a("rbf")
    with pytest.raises(ValueError, match="cannot be written in terms of its output"):
        numeric.activation_prime("rbf", of="a")


def test_unknown_names_raise_one_line_errors():
    for call in (lambda: numeric.activation("swish"), lambda: numeric.loss("hinge"),
                 lambda: numeric.output_delta("mse", "swish"), lambda: numeric.samples(np.ones(2), "diag")):
        with pytest.raises(ValueError) as info:
            call()
        assert "\n" not in str(info.value) and "unknown" in str(info.value)
