"""Tests for the finite-difference gradient-check engine in conformance.gradcheck.

Every reference gradient below is written out by hand, so the tests measure the
engine against exact derivatives rather than against itself.
"""
from __future__ import annotations

import importlib

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from deltaspec.conformance.gradcheck import (
    GradcheckError,
    GradcheckInputError,
    GradcheckResult,
    elementwise_derivative,
    gradcheck,
    numeric_gradient,
)

# ``conformance.gradcheck`` the attribute is the function; the module is here.
gcmod = importlib.import_module("deltaspec.conformance.gradcheck")

HYPO = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ------------------------------------------------------------ test problems
def make_mlp(seed: int = 0, dtype=np.float64):
    """Two-layer tanh MLP with squared loss: (f, grad_f, params)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((5, 3)).astype(dtype)
    Y = rng.standard_normal((5, 2)).astype(dtype)
    params = {
        "W1": (0.8 * rng.standard_normal((3, 4))).astype(dtype),
        "b1": (0.3 * rng.standard_normal(4)).astype(dtype),
        "W2": (0.8 * rng.standard_normal((4, 2))).astype(dtype),
        "b2": (0.3 * rng.standard_normal(2)).astype(dtype),
    }

    def f(p):
        h = np.tanh(X @ p["W1"] + p["b1"])
        return 0.5 * np.sum((h @ p["W2"] + p["b2"] - Y) ** 2)

    def grad_f(p):
        h = np.tanh(X @ p["W1"] + p["b1"])
        d_out = h @ p["W2"] + p["b2"] - Y
        d_pre = (d_out @ p["W2"].T) * (1 - h**2)
        return {"W1": X.T @ d_pre, "b1": d_pre.sum(0), "W2": h.T @ d_out, "b2": d_out.sum(0)}

    return f, grad_f, params


def with_bug(grad_f, name, index, factor):
    """grad_f with one element (index) or a whole parameter (index=None) scaled."""

    def bad(p):
        g = {k: np.array(v, copy=True) for k, v in grad_f(p).items()}
        if index is None:
            g[name] = g[name] * factor
        else:
            g[name][index] *= factor
        return g

    return bad


def logsumexp(x):
    m = np.max(x)
    return m + np.log(np.sum(np.exp(x - m)))


def softmax_xent_problem():
    rng = np.random.default_rng(3)
    X, y = rng.standard_normal((6, 4)), rng.integers(0, 3, 6)
    W, b = rng.standard_normal((4, 3)), rng.standard_normal(3)

    def f(p):
        z = X @ p[0] + p[1]
        z = z - z.max(1, keepdims=True)
        return -np.mean(z[np.arange(6), y] - np.log(np.exp(z).sum(1)))

    def grad_f(p):
        z = X @ p[0] + p[1]
        s = np.exp(z - z.max(1, keepdims=True))
        s /= s.sum(1, keepdims=True)
        s[np.arange(6), y] -= 1
        s /= 6
        return [X.T @ s, s.sum(0)]

    return f, grad_f, [W, b]


SMOOTH_PROBLEMS = {
    "mlp-dict-f64": lambda: make_mlp(0),
    "mlp-dict-f32": lambda: make_mlp(1, np.float32),
    "logsumexp": lambda: (logsumexp, lambda x: np.exp(x - logsumexp(x)),
                          np.array([0.3, -2.0, 4.5, 1.0, -0.7])),
    "softmax-xent-list": softmax_xent_problem,
    "scalar-0d": lambda: (lambda x: float(np.sin(x) * np.exp(x)),
                          lambda x: np.cos(x) * np.exp(x) + np.sin(x) * np.exp(x), np.array(0.7)),
    "large-x": lambda: (lambda x: np.sum(np.sqrt(x)), lambda x: 0.5 / np.sqrt(x),
                        np.array([3.0e3, 7.5e5, 1.2e8])),
    "mixed-dtypes": lambda: (lambda p: float(np.sum(np.tanh(p["a"])) + np.sum(p["b"].astype(np.float64) ** 3)),
                             lambda p: {"a": 1 - np.tanh(p["a"]) ** 2, "b": 3 * p["b"].astype(np.float64) ** 2},
                             {"a": np.array([0.2, -1.3]), "b": np.array([0.5, 1.5], dtype=np.float32)}),
}


# ------------------------------------------------------ correct gradients pass
@pytest.mark.parametrize("mode", ["full", "directional"])
@pytest.mark.parametrize("problem", sorted(SMOOTH_PROBLEMS))
def test_correct_gradient_passes(problem, mode):
    f, grad_f, x = SMOOTH_PROBLEMS[problem]()
    result = gradcheck(f, grad_f, x, mode=mode)
    assert isinstance(result, GradcheckResult)
    assert result.ok
    assert not any(result.failures.values()) and not any(result.kinks.values())
    assert str(result).startswith(f"gradcheck passed ({mode} mode")


def test_parameter_names_follow_the_input_structure():
    f, grad_f, x = softmax_xent_problem()
    assert gradcheck(f, grad_f, x).names == ["param[0]", "param[1]"]
    assert gradcheck(f, grad_f, x, names=["W", "b"]).names == ["W", "b"]
    assert gradcheck(*make_mlp(0)).names == ["W1", "b1", "W2", "b2"]
    assert gradcheck(np.sum, np.ones_like, np.ones(3)).names == ["x"]


def test_numeric_gradient_keeps_the_structure_of_x():
    f, grad_f, p = make_mlp(0)
    value, error = numeric_gradient(f, p)
    assert set(value) == set(p) and set(error) == set(p)
    for k in p:
        assert value[k].shape == p[k].shape and np.all(error[k] > 0)
    f, grad_f, p = softmax_xent_problem()
    value, error = numeric_gradient(f, p)
    assert isinstance(value, list) and [v.shape for v in value] == [a.shape for a in p]


# ----------------------------------------------------------- accuracy floor
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_error_floor_float64_is_below_1e_12(seed):
    f, grad_f, p = make_mlp(seed)
    value, error = numeric_gradient(f, p)
    exact = grad_f(p)
    scale = max(np.max(np.abs(g)) for g in exact.values())
    floor = max(np.max(np.abs(value[k] - exact[k])) for k in p) / scale
    assert floor <= 1e-12, f"error floor {floor:.2e}"
    for k in p:  # elements of at least 10% of the scale, one by one
        big = np.abs(exact[k]) >= 0.1 * scale
        rel = np.abs(value[k] - exact[k])[big] / np.abs(exact[k])[big]
        assert np.all(rel <= 1e-12), f"{k}: per-element relative error {rel.max():.2e}"
        # the comparison rule relies on SAFETY * estimate bounding the error
        assert np.all(np.abs(value[k] - exact[k]) <= error[k] * gcmod.SAFETY)


def test_error_floor_float32_is_far_below_its_rtol():
    f32, _, p32 = make_mlp(4, np.float32)
    _, grad64, _ = make_mlp(4)
    value, _ = numeric_gradient(f32, p32)
    exact = grad64({k: v.astype(np.float64) for k, v in p32.items()})
    scale = max(np.max(np.abs(g)) for g in exact.values())
    floor = max(np.max(np.abs(value[k] - exact[k])) for k in p32) / scale
    assert floor <= 1e-4  # float32 rtol is 1e-3
    assert gcmod.default_tolerances(np.float32)[0] == 1e-3


# ------------------------------------------------------------ the screen
def _size(x):
    leaves = x.values() if isinstance(x, dict) else x if isinstance(x, list) else [x]
    return sum(np.size(v) for v in leaves)


@pytest.mark.parametrize("problem", sorted(set(SMOOTH_PROBLEMS) - {"mlp-dict-f64"}))
def test_the_screen_settles_smooth_gradients_with_four_evaluations_an_element(problem):
    f, grad_f, x = SMOOTH_PROBLEMS[problem]()
    assert gradcheck(f, grad_f, x).n_evaluations == 4 * _size(x) + 1
    assert gradcheck(f, grad_f, x, mode="directional").n_evaluations == 4 * 8 + 1


def make_gentle_mlp(seed: int):
    """The benchmark's kind of MLP (inputs in [-1, 1], weights scaled by 1/sqrt(fan-in),
    batch 16, tanh, half SSE): 3-6-2, as f of one flat vector."""
    rng = np.random.default_rng(seed)
    X, Y = rng.uniform(-1, 1, (16, 3)), rng.uniform(-1, 1, (16, 2))
    shapes = [(3, 6), (6,), (6, 2), (2,)]
    cuts = np.cumsum([0] + [int(np.prod(s)) for s in shapes])
    theta = np.concatenate([rng.uniform(-1, 1, int(np.prod(s))) / np.sqrt(s[0] if len(s) == 2 else 1)
                            for s in shapes])

    def unpack(t):
        return [t[a:b].reshape(s) for a, b, s in zip(cuts, cuts[1:], shapes)]

    def f(t):
        W1, b1, W2, b2 = unpack(t)
        return 0.5 * np.sum((np.tanh(X @ W1 + b1) @ W2 + b2 - Y) ** 2)

    def grad_f(t):
        W1, b1, W2, b2 = unpack(t)
        h = np.tanh(X @ W1 + b1)
        d = h @ W2 + b2 - Y
        dz = (d @ W2.T) * (1 - h**2)
        return np.concatenate([(X.T @ dz).ravel(), dz.sum(0), (h.T @ d).ravel(), d.sum(0)])

    return f, grad_f, theta


@pytest.mark.parametrize("seed", range(6))
def test_full_mode_error_floor_is_below_1e_12_on_benchmark_like_mlps(seed):
    f, grad_f, x = make_gentle_mlp(seed)
    result = gradcheck(f, grad_f, x)
    exact = grad_f(x)
    err = np.abs(result.numeric["x"] - exact)
    assert np.max(err) / np.max(np.abs(exact)) <= 1e-12
    assert np.all(err <= gcmod.SAFETY * result.err_estimate["x"])
    assert result.n_evaluations <= 4 * x.size + 1 + 128  # the table ran on a couple of elements at most


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_full_mode_numeric_keeps_every_element_testable_at_rtol(seed):
    """What full mode compares with: the screen's T, or the table's value where the
    screen's truncation bound was too wide to test at rtol (some elements of the steep
    first layer of make_mlp).  Large elements are then within rtol / SAFETY."""
    f, grad_f, p = make_mlp(seed)
    result = gradcheck(f, grad_f, p)
    exact = grad_f(p)
    scale = max(np.max(np.abs(g)) for g in exact.values())
    for k in p:
        err = np.abs(result.numeric[k] - exact[k])
        big = np.abs(exact[k]) >= 0.1 * scale
        assert np.all(err[big] / np.abs(exact[k][big]) <= result.rtol[k] / gcmod.SAFETY)
        assert np.all(err <= gcmod.SAFETY * result.err_estimate[k])
    assert result.n_evaluations <= 4 * _size(p) + 1 + 128  # the table ran on a couple of elements at most


def test_failures_come_from_the_table_not_the_screen():
    # The failing element was refined: its numeric value is the table's, as
    # numeric_gradient (the table everywhere) finds it.  (Its estimate agrees only
    # to rounding: the noise probe's fit is one matrix product over all elements.)
    f, grad_f, p = make_mlp(1)
    result = gradcheck(f, with_bug(grad_f, "b1", (2,), 1 + 1e-8), p, raise_on_failure=False)
    table = numeric_gradient(f, p)
    assert result.failures["b1"] == [(2,)]
    assert result.numeric["b1"][2] == table.value["b1"][2]
    assert result.err_estimate["b1"][2] == pytest.approx(table.error["b1"][2], rel=0.1)
    assert result.n_evaluations > 4 * _size(p) + 1


@pytest.mark.parametrize("mode", ["full", "directional"])
def test_max_step_bounds_every_evaluation(mode):
    x0 = np.array([0.3, 5.0, -40.0, 1e3])
    cap, seen = 1e-3, []

    def f(x):
        seen.append(np.max(np.abs(x - x0)))
        return np.sum(np.sin(x) + 0.01 * x**2)

    result = gradcheck(f, lambda x: np.cos(x) + 0.02 * x, x0, mode=mode, max_step=cap)
    assert result.ok and max(seen) <= cap * (1 + 1e-9)  # up to rounding x + h


# ------------------------------------------------------------ bug detection
@pytest.mark.parametrize("name,index", [("W1", (2, 1)), ("b1", (3,)), ("W2", (0, 1)), ("b2", (1,))])
def test_single_element_relative_error_1e_8_is_caught_and_named(name, index):
    f, grad_f, p = make_mlp(0)
    with pytest.raises(GradcheckError) as info:
        gradcheck(f, with_bug(grad_f, name, index, 1 + 1e-8), p)
    result = info.value.result
    assert not result.ok
    assert result.worst == (name, index)
    assert result.failures == {k: ([index] if k == name else []) for k in p}
    label = f"{name}[{', '.join(map(str, index))}]"
    message = str(info.value)
    assert label in message and "\n" not in message
    assert message == result.report()
    assert 0.9e-8 < result.rel_err[name][index] < 1.1e-8


@HYPO
@given(seed=st.integers(0, 50), which=st.integers(0, 25), rel=st.sampled_from([1e-8, -1e-8, 3e-8]))
def test_planted_error_is_found_anywhere(seed, which, rel):
    f, grad_f, p = make_mlp(seed)
    g = grad_f(p)
    names = [(k, tuple(int(i) for i in ix)) for k in p for ix in np.ndindex(p[k].shape)]
    name, index = names[which]
    scale = max(np.max(np.abs(v)) for v in g.values())
    assume(abs(g[name][index]) >= 1e-2 * scale)
    result = gradcheck(f, with_bug(grad_f, name, index, 1 + rel), p, raise_on_failure=False)
    assert not result.ok and result.worst == (name, index)


def test_errors_well_below_rtol_pass_and_threshold_is_about_rtol():
    f, grad_f, p = make_mlp(0)
    assert gradcheck(f, with_bug(grad_f, "W1", (2, 1), 1 + 3e-10), p).ok
    assert not gradcheck(f, with_bug(grad_f, "W1", (2, 1), 1 + 2e-9), p, raise_on_failure=False).ok


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("mode", ["full", "directional"])
@pytest.mark.parametrize("name,factor", [("b1", -1.0), ("W2", 2.0), ("W1", 0.5)])
def test_sign_flip_and_factor_two_are_caught(dtype, mode, name, factor):
    f, grad_f, p = make_mlp(2, dtype)
    with pytest.raises(GradcheckError) as info:
        gradcheck(f, with_bug(grad_f, name, None, factor), p, mode=mode)
    result = info.value.result
    if mode == "full":
        assert result.worst[0] == name
        assert all(not v for k, v in result.failures.items() if k != name)
    else:
        assert "cannot name a single element" in str(info.value)


def test_float32_catches_a_one_percent_error_in_one_element():
    f, grad_f, p = make_mlp(3, np.float32)
    result = gradcheck(f, with_bug(grad_f, "W1", (1, 2), 1.01), p, raise_on_failure=False)
    assert not result.ok and result.worst == ("W1", (1, 2))
    assert result.rtol["W1"] == 1e-3


def test_directional_report_names_largest_components():
    f, grad_f, p = make_mlp(0)
    result = gradcheck(f, with_bug(grad_f, "b2", None, -1.0), p, mode="directional",
                       n_directions=4, raise_on_failure=False)
    assert not result.ok and result.mode == "directional"
    d = result.worst[1][0]
    v = result.directions[d]
    assert np.isclose(np.linalg.norm(v), 1.0)  # all |x| < 2: no per-element scaling
    top = result.direction_components[d][0]
    assert abs(top[1]) == pytest.approx(np.max(np.abs(v)))
    assert f"direction {d}" in result.report() and top[0] in result.report()


def test_directional_directions_depend_only_on_seed():
    f, grad_f, p = make_mlp(0)
    a = gradcheck(f, grad_f, p, mode="directional", seed=7, n_directions=3)
    b = gradcheck(f, grad_f, p, mode="directional", seed=7, n_directions=3)
    c = gradcheck(f, grad_f, p, mode="directional", seed=8, n_directions=3)
    assert np.array_equal(a.directions, b.directions)
    assert not np.allclose(a.directions, c.directions)
    assert a.directions.shape == (3, 26)


# --------------------------------------------------------------- hypothesis
SMOOTH_1D = {
    "sin": (np.sin, np.cos),
    "tanh": (np.tanh, lambda x: 1 - np.tanh(x) ** 2),
    "gauss": (lambda x: np.exp(-x * x / 2), lambda x: -x * np.exp(-x * x / 2)),
    "softplus": (lambda x: np.logaddexp(0, x), lambda x: 1 / (1 + np.exp(-x))),
    "cube": (lambda x: x**3 / 3, lambda x: x**2),
}

values = st.floats(-3, 3, allow_nan=False, width=64)


@st.composite
def smooth_problem(draw):
    n = draw(st.integers(1, 6))
    x = np.array(draw(st.lists(values, min_size=n, max_size=n)))
    c = np.array(draw(st.lists(st.floats(-2, 2), min_size=n, max_size=n)))
    u = np.array(draw(st.lists(st.floats(-1, 1), min_size=n, max_size=n)))
    phi, dphi = SMOOTH_1D[draw(st.sampled_from(sorted(SMOOTH_1D)))]

    def f(x):
        return np.sum(c * phi(x)) + 0.5 * np.dot(u, x) ** 2

    def grad_f(x):
        return c * dphi(x) + np.dot(u, x) * u

    return f, grad_f, x


@HYPO
@given(problem=smooth_problem(), mode=st.sampled_from(["full", "directional"]))
def test_random_smooth_functions_never_fail(problem, mode):
    f, grad_f, x = problem
    result = gradcheck(f, grad_f, x, mode=mode, raise_on_failure=False)
    assert result.ok, result.report()


@HYPO
@given(problem=smooth_problem(), data=st.data())
def test_random_smooth_functions_planted_error_is_named(problem, data):
    f, grad_f, x = problem
    g = grad_f(x)
    i = data.draw(st.integers(0, x.size - 1))
    assume(abs(g[i]) >= 1e-2 * np.max(np.abs(g)) and abs(g[i]) > 1e-6)

    def bad(x):
        out = grad_f(x).copy()
        out[i] *= 1 + 1e-7
        return out

    result = gradcheck(f, bad, x, raise_on_failure=False)
    assert not result.ok and result.worst == ("x", (i,))


def test_loss_summing_large_cancelling_terms_does_not_fail():
    # f's rounding noise is ~big*eps, far above eps*|f|; the noise probe must see it.
    rng = np.random.default_rng(0)
    for _ in range(30):
        x = rng.standard_normal(12)
        big = 10.0 ** rng.uniform(2, 4.5)

        def f(x, big=big):
            return np.sum(big * x) - big * np.sum(x) + np.sum(np.sin(x))

        result = gradcheck(f, np.cos, x, raise_on_failure=False)
        assert result.ok, result.report()


# -------------------------------------------------------------------- kinks
def relu_problem(x):
    w = np.array([0.3, -0.7, 1.1, 0.4])[: x.size]

    def f(x):
        return np.sum(w * np.maximum(x, 0)) + 0.1 * np.sum(x**2)

    def grad_f(x, at_zero=0.0):
        return w * np.where(x > 0, 1.0, np.where(x == 0, at_zero, 0.0)) + 0.2 * x

    return f, grad_f


@pytest.mark.parametrize("at_zero", [0.0, 1.0, 0.5])
def test_relu_at_zero_is_a_kink_not_a_failure(at_zero):
    x = np.array([-1.0, 0.0, 0.5, 2.0])
    f, grad_f = relu_problem(x)
    result = gradcheck(f, lambda x: grad_f(x, at_zero), x)
    assert result.ok
    assert result.kinks == {"x": [(1,)]}
    lo, hi = (v[1] for v in result.one_sided["x"])
    assert lo == pytest.approx(-0.7, abs=1e-9) and hi == pytest.approx(0.0, abs=1e-9)
    assert "kink" in result.report()


@pytest.mark.parametrize("at_zero", [0.01, 1.0, 0.505])
def test_leaky_relu_at_zero_is_a_kink_not_a_failure(at_zero):
    w = np.array([0.3, -0.7, 1.1])

    def f(x):
        return np.sum(w * np.where(x > 0, x, 0.01 * x)) + 0.1 * np.sum(x**2)

    def grad_f(x):
        return w * np.where(x > 0, 1.0, np.where(x == 0, at_zero, 0.01)) + 0.2 * x

    x = np.array([0.5, 0.0, -2.0])
    result = gradcheck(f, grad_f, x)
    assert result.ok and result.kinks == {"x": [(1,)]}
    lo, hi = (v[1] for v in result.one_sided["x"])
    assert lo == pytest.approx(-0.7, abs=1e-9) and hi == pytest.approx(-0.007, abs=1e-9)


def test_wrong_value_at_a_kink_still_fails():
    x = np.array([-1.0, 0.0, 0.5, 2.0])
    f, grad_f = relu_problem(x)
    result = gradcheck(f, lambda x: grad_f(x, 3.0), x, raise_on_failure=False)
    assert not result.ok and result.worst == ("x", (1,))
    assert result.failures == {"x": [(1,)]}


@pytest.mark.parametrize("d", [0.07, 1e-3, 2e-4, 1e-5])
def test_kink_near_but_not_at_x_is_resolved(d):
    # The coarse steps cross the kink at x = d; only steps below d are valid.
    def f(x):
        return np.sum(3.0 * np.maximum(x - d, 0) + 0.5 * x**2 + np.sin(x))

    def grad_f(x):
        return 3.0 * (x > d) + x + np.cos(x)

    x = np.array([0.0, 0.2 * d, -0.5])
    value, error = numeric_gradient(f, x)
    assert np.all(np.abs(value - grad_f(x)) <= 1e-11) and np.all(error <= 1e-9)
    for dtype in (np.float64, np.float32):
        result = gradcheck(lambda x: f(x.astype(np.float64)).astype(dtype), grad_f, x.astype(dtype))
        assert result.ok and result.kinks == {"x": []}


def test_smooth_points_of_a_relu_are_checked_normally():
    x = np.array([-1.0, 0.25, 2.0])
    f, grad_f = relu_problem(x)
    assert gradcheck(f, grad_f, x).kinks == {"x": []}
    bad = gradcheck(f, lambda x: grad_f(x) * np.array([1, 1 + 1e-8, 1]), x, raise_on_failure=False)
    assert bad.failures == {"x": [(1,)]}


# ------------------------------------------------------- non-finite values
def test_steps_outside_the_domain_are_discarded_and_reported():
    x = np.array([0.05, 0.3, 2.0])
    result = gradcheck(lambda x: np.sum(np.log(x)), lambda x: 1 / x, x)
    assert result.ok and result.n_nonfinite_evaluations > 0
    assert "non-finite" in result.report()
    bad = gradcheck(lambda x: np.sum(np.log(x)), lambda x: 1 / x * np.array([1 + 1e-8, 1, 1]), x,
                    raise_on_failure=False)
    assert bad.failures == {"x": [(0,)]}


def test_f_non_finite_at_every_step_fails_clearly():
    x0 = np.array([0.5, 1.5])

    def f(x):
        return float(np.sum(x)) if np.array_equal(x, x0) else np.nan

    result = gradcheck(f, np.ones_like, x0, raise_on_failure=False)
    assert not result.ok and result.nonfinite == {"x": [(0,), (1,)]}
    assert "non-finite at every" in result.report()


# ---------------------------------------------------------------- bad input
BAD_INPUTS = [
    ("wrong shape", np.sum, lambda x: np.ones(3), np.ones(4), "has shape (3,) but x has shape (4,)"),
    ("nan gradient", np.sum, lambda x: np.full(4, np.nan), np.ones(4), "non-finite"),
    ("integer x", np.sum, np.ones_like, np.arange(4), "real floating dtype"),
    ("f not scalar", lambda x: x, np.ones_like, np.ones(4), "must return a real scalar"),
    ("f nan at x", lambda x: np.nan, np.ones_like, np.ones(2), "at the unperturbed x"),
    ("x not finite", np.sum, np.ones_like, np.array([1.0, np.inf]), "non-finite"),
    ("dict keys", lambda p: np.sum(p["a"]), lambda p: {"b": 1.0}, {"a": np.ones(2)}, "missing ['a']"),
    ("list length", lambda p: np.sum(p[0]), lambda p: [np.ones(2)], [np.ones(2), np.ones(3)], "list of 2"),
    ("grad not numeric", np.sum, lambda x: "abc", np.ones(2), "expected real numbers"),
    ("f raises", lambda x: x.nope, np.ones_like, np.ones(2), "f(x) raised AttributeError:"),
    ("grad raises", np.sum, lambda x: 1 / 0, np.ones(2), "grad_f(x) raised ZeroDivisionError"),
    ("empty", np.sum, np.ones_like, {}, "x is empty"),
]


@pytest.mark.parametrize("case,f,grad_f,x,expected", BAD_INPUTS, ids=[c[0] for c in BAD_INPUTS])
def test_bad_input_gives_one_clear_line(case, f, grad_f, x, expected):
    with pytest.raises(GradcheckInputError) as info:
        gradcheck(f, grad_f, x)
    message = str(info.value)
    assert expected in message and "\n" not in message
    assert isinstance(info.value, ValueError) and isinstance(info.value, GradcheckError)


def test_bad_mode_and_mutating_f_are_rejected():
    with pytest.raises(ValueError, match="mode must be"):
        gradcheck(np.sum, np.ones_like, np.ones(2), mode="fast")
    with pytest.raises(ValueError, match="n_directions"):
        gradcheck(np.sum, np.ones_like, np.ones(2), mode="directional", n_directions=0)

    def mutating(x):
        x *= 1.5
        return np.sum(x)

    with pytest.raises(GradcheckInputError, match="modified its input"):
        gradcheck(mutating, np.ones_like, np.ones(2))


# ------------------------------------------------------------------- report
def test_report_is_one_readable_paragraph():
    f, grad_f, p = make_mlp(0)
    result = gradcheck(f, with_bug(grad_f, "W2", (3, 0), 1 + 1e-6), p, raise_on_failure=False)
    text = result.report()
    assert str(result) == text and "\n" not in text and len(text) < 800
    i = (3, 0)
    for part in ("FAILED", "W2[3, 0]", "analytic", "numeric", "abs error", "rel error",
                 "tolerance", "error estimate", f"{result.analytic['W2'][i]:.9g}"[:8]):
        assert part in text, part
    passed = gradcheck(f, grad_f, p).report()
    assert passed.startswith("gradcheck passed") and "closest to failing" in passed


def test_gradcheck_error_is_an_assertion_error_carrying_the_result():
    f, grad_f, p = make_mlp(0)
    with pytest.raises(AssertionError) as info:
        gradcheck(f, with_bug(grad_f, "b1", None, 2.0), p)
    assert isinstance(info.value, GradcheckError)
    assert isinstance(info.value.result, GradcheckResult) and not info.value.result.ok


# ------------------------------------------------------- elementwise engine
def sigmoid(z):
    return 1 / (1 + np.exp(-z))


ELEMENTWISE = {
    "sigmoid": (sigmoid, lambda z: sigmoid(z) * (1 - sigmoid(z)), (-30, 5)),
    "tanh": (np.tanh, lambda z: 1 / np.cosh(z) ** 2, (-5, 5)),
    "softplus": (lambda z: np.logaddexp(0, z), sigmoid, (-30, 30)),
    "gauss": (lambda z: np.exp(-z * z), lambda z: -2 * z * np.exp(-z * z), (-20, 20)),
    "exp": (np.exp, np.exp, (-30, 30)),
}


@pytest.mark.parametrize("name", sorted(ELEMENTWISE))
def test_elementwise_derivative_reaches_1e_8(name):
    f, df, (lo, hi) = ELEMENTWISE[name]
    z = np.linspace(lo, hi, 1201)
    z = z[z != 0] if name == "gauss" else z  # derivative is exactly 0 there
    out = elementwise_derivative(f, z)
    exact = df(z)
    rel = np.abs(out.value - exact) / np.abs(exact)
    assert rel.max() <= 1e-8, f"{name}: max relative error {rel.max():.2e}"
    assert not out.kink.any()
    assert np.all(np.abs(out.value - exact) <= gcmod.SAFETY * out.error)


def test_elementwise_derivative_at_the_origin_of_gauss_is_zero_within_estimate():
    out = elementwise_derivative(lambda z: np.exp(-z * z), np.array([0.0]))
    assert abs(out.value[0]) <= out.error[0] * gcmod.SAFETY and out.error[0] < 1e-12


@pytest.mark.parametrize("f,at_zero", [(lambda z: np.maximum(z, 0), 0.5), (np.abs, 0.0)])
def test_elementwise_kinks_are_flagged(f, at_zero):
    z = np.array([-2.0, -0.5, 0.0, 0.5, 3.0])
    out = elementwise_derivative(f, z)
    assert out.kink.tolist() == [False, False, True, False, False]
    assert out.value[2] == pytest.approx(at_zero, abs=1e-9)  # mean of the one-sided derivatives
    assert out.value.shape == z.shape == out.error.shape


def test_elementwise_float32_and_shape():
    z = np.linspace(-2, 2, 12, dtype=np.float32).reshape(3, 4)
    out = elementwise_derivative(np.tanh, z)
    exact = 1 / np.cosh(z.astype(np.float64)) ** 2
    assert out.value.shape == (3, 4)
    assert np.max(np.abs(out.value - exact) / exact) <= 1e-4


def test_elementwise_rejects_non_elementwise_f():
    with pytest.raises(GradcheckInputError, match="elementwise"):
        elementwise_derivative(np.sum, np.ones(3))
    with pytest.raises(GradcheckInputError, match="real floating"):
        elementwise_derivative(np.tanh, np.arange(3))


# ------------------------------------------------- f_many: batches, same values
def _same(a, b) -> bool:
    """Equal field by field: arrays exactly (NaN equal to NaN), containers item by item."""
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, (np.ndarray, float, np.floating)):
        return np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True)
    return a == b


def _recording(f):
    """f, and the list of the points it was called at (flattened, as float64)."""
    seen = []

    def flat(x):
        leaves = x.values() if isinstance(x, dict) else x if isinstance(x, (list, tuple)) else [x]
        return np.concatenate([np.asarray(v, dtype=np.float64).ravel() for v in leaves])

    def g(x):
        seen.append(flat(x))
        return f(x)

    return g, seen


def _math_log_sum(x):
    """Raises ValueError outside the domain (math.log), as a scalar f may."""
    import math

    return sum(math.log(v) for v in np.ravel(x))


BATCH_PROBLEMS = {
    **SMOOTH_PROBLEMS,
    "mlp-one-element-wrong": lambda: (lambda f, g, p: (f, with_bug(g, "W1", (1, 2), 1 + 1e-7), p))(*make_mlp(2)),
    "relu-at-zero": lambda: (lambda x: np.sum(np.maximum(x, 0.0) * np.array([1.0, 2.0, 3.0])),
                             lambda x: (x > 0) * np.array([1.0, 2.0, 3.0]), np.array([0.0, 0.5, -0.25])),
    "log-leaving-its-domain": lambda: (lambda x: np.sum(np.log(x)), lambda x: 1 / x, np.array([1e-9, 0.3, 2.0])),
    "math-log-raising": lambda: (_math_log_sum, lambda x: 1 / x, np.array([1e-9, 0.3, 2.0])),
}


@pytest.mark.parametrize("problem", sorted(BATCH_PROBLEMS))
def test_f_many_gives_the_values_and_verdict_of_one_by_one(problem):
    """The directional mode through f_many: f sees the same points in the same order, and
    every field of the result is identical; the screen and each table stage are one batch."""
    f, grad_f, x = BATCH_PROBLEMS[problem]()
    one, seen_one = _recording(f)
    alone = gradcheck(one, grad_f, x, mode="directional", n_directions=3, raise_on_failure=False)
    inner, seen_many = _recording(f)
    batches = []

    def f_many(xs):
        batches.append(len(xs))
        return [inner(v) for v in xs]

    together = gradcheck(inner, grad_f, x, mode="directional", n_directions=3, raise_on_failure=False,
                         f_many=f_many)
    assert all(_same(getattr(alone, k), getattr(together, k)) for k in vars(alone)), problem
    if problem != "math-log-raising":  # there one batch raised and was taken one by one again
        assert _same(seen_one, seen_many)
        assert len(batches) + 1 < len(seen_one) and 12 in batches  # the screen: 4 points x 3 directions


@pytest.mark.parametrize("name, f, z", [
    ("sigmoid", lambda z: 1 / (1 + np.exp(-z)), np.array([[-3.0, 0.1], [2.5, 40.0]])),
    ("relu at its kink", lambda z: np.maximum(z, 0.0), np.array([0.0, 1e-3, -2.0])),
    ("log near 0", np.log, np.array([1e-12, 0.5, 3.0])),
    ("float32 tanh", np.tanh, np.array([0.3, -1.2], dtype=np.float32)),
])
def test_elementwise_f_many_gives_the_values_of_one_by_one(name, f, z):
    one, seen_one = _recording(f)
    alone = elementwise_derivative(one, z)
    inner, seen_many = _recording(f)
    batches = []

    def f_many(zs):
        batches.append(len(zs))
        return [inner(v) for v in zs]

    together = elementwise_derivative(inner, z, f_many=f_many)
    assert _same(tuple(alone), tuple(together)), name
    assert _same(seen_one, seen_many)
    assert 12 in batches and len(batches) + 1 < len(seen_one)  # the probe's six levels, + and -, in one


def test_f_many_that_is_not_a_batch_of_f_is_refused_in_one_line():
    f, grad_f, x = make_mlp(0)
    with pytest.raises(GradcheckInputError, match="f_many returned 1 values for 12 points"):
        gradcheck(f, grad_f, x, mode="directional", n_directions=3, f_many=lambda xs: [f(xs[0])])
    with pytest.raises(GradcheckInputError, match="f_many must be callable"):
        gradcheck(f, grad_f, x, mode="directional", f_many=3)
    with pytest.raises(GradcheckInputError, match="f_many returned 0 values"):
        elementwise_derivative(np.tanh, np.array([0.5, 1.0]), f_many=lambda zs: [])
