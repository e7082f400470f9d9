"""The generic reference network: gradients against finite differences, the plugin
interface, and every faithful trainer as one configuration of it."""
from __future__ import annotations

import numpy as np
import pytest

from deltaspec.reference.trainers import equivalents, registry
from deltaspec.reference import network, implementation as plugin
from deltaspec.reference.network import Conventions, Network
from deltaspec.spec import numeric

try:
    from deltaspec.conformance.gradcheck import gradcheck
except ImportError:  # pragma: no cover - conformance is written by others
    gradcheck = None

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
XOR_T = np.array([[0], [1], [1], [0]], dtype=float)


def _flat(params):
    return [a for W, b in params for a in ((W,) if b is None else (W, b))]


def _unflat(arrays, like):
    out, it = [], iter(arrays)
    for _, b in like:
        W = next(it)
        out.append((W, None if b is None else next(it)))
    return out


def _central_difference(f, arrays, h=1e-6):
    """d f / d arrays by (f(x + h) - f(x - h)) / 2h, one element at a time."""
    grads = []
    for a in arrays:
        g = np.zeros_like(a)
        for idx in np.ndindex(a.shape):
            keep = a[idx]
            a[idx] = keep + h
            up = f(arrays)
            a[idx] = keep - h
            down = f(arrays)
            a[idx] = keep
            g[idx] = (up - down) / (2 * h)
        grads.append(g)
    return grads


def _case(sizes, activations, loss, bias, seed):
    rng = np.random.default_rng(seed)
    params = [
        (rng.normal(size=(m, n)), rng.normal(size=(1, n)) if bias else None)
        for m, n in zip(sizes[:-1], sizes[1:])
    ]
    X = rng.normal(size=(5, sizes[0]))
    if loss == "cross_entropy":
        T = np.eye(sizes[-1])[rng.integers(0, sizes[-1], 5)]
    elif loss == "bce":
        T = rng.integers(0, 2, (5, sizes[-1])).astype(float)
    else:
        T = rng.normal(size=(5, sizes[-1]))
    return params, X, T


CASES = [
    ([3, 4, 2], ["sigmoid", "sigmoid"], "half_sse", True),
    ([3, 4, 1], ["tanh", "sigmoid"], "bce", True),
    ([2, 5, 3, 2], ["relu", "leaky_relu", "identity"], "mse", True),
    ([2, 3, 3], ["softplus", "softmax"], "cross_entropy", True),
    ([1, 2, 1], ["rbf", "identity"], "sse", False),
    ([4, 3], ["tanh"], "sse", False),
    ([3, 2, 2, 1], ["sigmoid", "tanh", "identity"], "half_sse", False),
]


@pytest.mark.parametrize("sizes,activations,loss,bias", CASES)
def test_gradients_match_finite_differences(sizes, activations, loss, bias):
    params, X, T = _case(sizes, activations, loss, bias, seed=len(sizes) + len(loss))

    def energy(arrays):
        return numeric.loss(loss)(plugin.forward(_unflat(arrays, params), X, activations), T)

    def grad(arrays):
        return _flat(plugin.gradients(_unflat(arrays, params), X, T, activations, loss))

    arrays = [a.copy() for a in _flat(params)]
    if gradcheck is not None:
        assert gradcheck(energy, grad, arrays).ok
    numeric_grads = _central_difference(energy, [a.copy() for a in arrays])
    for g, n in zip(grad(arrays), numeric_grads):
        assert np.allclose(g, n, rtol=1e-5, atol=1e-7)


def test_bias_gradient_has_the_bias_shape_and_none_without_bias():
    params, X, T = _case([3, 4, 2], ["sigmoid", "identity"], "mse", True, seed=1)
    params = [(params[0][0], params[0][1].ravel()), (params[1][0], None)]
    grads = plugin.gradients(params, X, T, ["sigmoid", "identity"], "mse")
    assert grads[0][1].shape == (4,) and grads[1][1] is None


def test_train_step_is_theta_minus_lr_gradient_and_leaves_inputs_alone():
    params, X, T = _case([3, 4, 2], ["tanh", "sigmoid"], "half_sse", True, seed=2)
    before = [(W.copy(), b.copy()) for W, b in params]
    grads = plugin.gradients(params, X, T, ["tanh", "sigmoid"], "half_sse")
    new = plugin.train_step(params, X, T, 0.3, ["tanh", "sigmoid"], "half_sse")
    for (W, b), (W0, b0), (dW, db), (W1, b1) in zip(params, before, grads, new):
        assert np.array_equal(W, W0) and np.array_equal(b, b0)
        assert np.allclose(W1, W0 - 0.3 * dW, rtol=0, atol=1e-15)
        assert np.allclose(b1, b0 - 0.3 * db, rtol=0, atol=1e-15)


def test_train_solves_xor_from_several_seeds_and_is_deterministic():
    acts = ["tanh", "sigmoid"]
    for seed in (0, 1, 2):
        params = plugin.train(XOR_X, XOR_T, [4], acts, "bce", 1.0, 1500, seed)
        Y = plugin.forward(params, XOR_X, acts)
        assert np.array_equal(Y > 0.5, XOR_T > 0.5), seed
    again = plugin.train(XOR_X, XOR_T, [4], acts, "bce", 1.0, 20, 2)
    assert all(np.array_equal(a, b) for a, b in zip(_flat(again), _flat(plugin.train(XOR_X, XOR_T, [4], acts, "bce", 1.0, 20, 2))))


def test_plugin_namespace():
    assert (plugin.LAYOUT, plugin.SIGN, plugin.PRIME_OF) == ("row", 1, "z")
    z = np.linspace(-3, 3, 13).reshape(-1, 1)
    for name in numeric.ACTIVATIONS:
        assert np.array_equal(getattr(plugin, name)(z), numeric.activation(name)(z))
        assert np.array_equal(getattr(plugin, f"{name}_prime")(z), numeric.activation_prime(name)(z))
    y, t = np.full((2, 2), 0.3), np.eye(2)
    for name in numeric.LOSSES:
        assert getattr(plugin, name)(y, t) == numeric.loss(name)(y, t)
        assert np.array_equal(getattr(plugin, f"{name}_prime")(y, t), numeric.loss_prime(name)(y, t))
    assert np.allclose(plugin.softmax(np.zeros((2, 4))), 0.25)
    W = np.arange(6.0).reshape(2, 3)
    d = plugin.hidden_delta(np.ones((1, 3)), W, np.zeros((1, 2)), np.full((1, 2), 0.5), "sigmoid")
    assert np.allclose(d, 0.25 * W.sum(axis=1))


@pytest.mark.parametrize(
    "call,needle",
    [
        (lambda: plugin.forward([(np.ones((2, 3)), None)], XOR_X, ["swish"]), "unknown activation"),
        (lambda: plugin.gradients([(np.ones((2, 1)), None)], XOR_X, XOR_T, ["sigmoid"], "hinge"), "unknown loss"),
        (lambda: plugin.forward([(np.ones((3, 3)), None)], XOR_X, ["sigmoid"]), "features"),
        (lambda: plugin.forward([(np.ones((2, 3)), None), (np.ones((2, 1)), None)], XOR_X, ["tanh", "sigmoid"]), "expects"),
        (lambda: plugin.forward([(np.ones((2, 1)), None)], XOR_X, ["tanh", "sigmoid"]), "activations"),
        (lambda: plugin.train(XOR_X, XOR_T, [4], ["tanh"], "bce", 1.0, 1, 0), "activations"),
        (lambda: plugin.forward([(np.ones((2, 2)), None), (np.ones((2, 1)), None)], XOR_X, ["softmax", "sigmoid"]), "softmax"),
        (lambda: plugin.forward([(np.ones((2, 1)), np.ones(3))], XOR_X, ["sigmoid"]), "b of layer 1"),
        (lambda: plugin.gradients([(np.ones((2, 2)), None)], XOR_X, XOR_T, ["sigmoid"], "mse"), "shape"),
    ],
)
def test_bad_input_is_a_one_line_value_error(call, needle):
    with pytest.raises(ValueError) as info:
        call()
    assert needle in str(info.value) and "\n" not in str(info.value)


def test_sign_convention_does_not_change_a_bit():
    params, X, T = _case([3, 4, 1], ["sigmoid", "sigmoid"], "half_sse", True, seed=4)
    plus = Network.from_params(params, ["sigmoid", "sigmoid"], "half_sse", Conventions(sign=1))
    minus = Network.from_params(params, ["sigmoid", "sigmoid"], "half_sse", Conventions(sign=-1))
    for _ in range(20):
        plus.step(X, T, 0.5)
        minus.step(X, T, 0.5)
    assert all(np.array_equal(a, b) for a, b in zip(_flat(plus.params()), _flat(minus.params())))


def test_lr_scale_two_turns_half_sse_into_sse():
    params, X, T = _case([3, 4, 1], ["sigmoid", "sigmoid"], "half_sse", False, seed=5)
    half = Network.from_params(params, ["sigmoid", "sigmoid"], "half_sse", Conventions(lr_scale=2.0))
    sse = Network.from_params(params, ["sigmoid", "sigmoid"], "sse")
    half.train(X, T, 0.1, 30)
    sse.train(X, T, 0.1, 30)
    assert all(np.allclose(a, b, rtol=1e-13, atol=0) for a, b in zip(_flat(half.params()), _flat(sse.params())))


def test_bad_convention_is_a_one_line_value_error():
    with pytest.raises(ValueError, match="update must be one of"):
        Conventions(update="minibatch")


# ------------------------------------------------------------------ equivalence with the trainers

STEPS = 100
RTOL = 1e-12


def _max_relative_gap(faithful, generic):
    """max over steps and arrays of ||a - b||_inf / ||b||_inf."""
    gap = 0.0
    for f_state, g_state in zip(faithful, generic):
        for a, b in zip(f_state, g_state):
            a, b = np.asarray(a, float), np.asarray(b, float)
            gap = max(gap, float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300)))
    return gap


CONFIGS = [
    ("eleven-line", {}),
    ("two-layer", {}),
    ("three-layer", {}),
    ("three-layer", {"alpha": 10}),
    ("three-layer", {"alpha": 0.1, "hidden": 32}),
    ("rbf", {}),
    ("per-sample-bias", {}),
    ("per-sample-bias", {"seed": 5}),
    ("relu-xor", {}),
    ("class-xor", {}),
    ("class-xor", {"seed": 3}),
]


@pytest.mark.parametrize("name,options", CONFIGS, ids=[f"{n}{o or ''}" for n, o in CONFIGS])
def test_trainer_is_the_generic_network(name, options):
    trainer = registry.get(name)
    epochs = {"per-sample-bias": 2, "relu-xor": 25, "rbf": STEPS}.get(name, STEPS)
    run = trainer.run(**options, epochs=epochs, record=STEPS)
    eq = trainer.generic(**options)
    assert run.trajectory.names == eq.names
    faithful = run.trajectory.params
    assert len(faithful) == STEPS + 1
    generic = eq.trajectory(STEPS)
    assert _max_relative_gap(faithful[:1], generic[:1]) == 0.0  # same start
    assert _max_relative_gap(faithful, generic) <= RTOL
    assert _max_relative_gap(faithful[-1:], faithful[:1]) > 1e-6  # it did move


def test_the_quirk_is_not_the_gradient_but_the_corrected_mode_is():
    """Seed 000 backpropagates through W_ho already updated for the sample."""
    trainer = registry.get("per-sample-bias")
    faithful = trainer.run(epochs=2, faithful=True, record=STEPS).trajectory.params
    corrected = trainer.run(epochs=2, record=STEPS).trajectory.params
    true_gradient = trainer.generic().trajectory(STEPS)
    assert _max_relative_gap(faithful, true_gradient) > 1e-6
    assert _max_relative_gap(corrected, true_gradient) <= RTOL
    # the generic network's update order "after" is the quirk, within the same tolerance
    assert _max_relative_gap(faithful, trainer.generic(faithful=True).trajectory(STEPS)) <= RTOL
    assert _max_relative_gap(faithful[:2], corrected[:2]) > 0  # differs from the first sample on


def test_every_trainer_has_an_equivalence_test():
    assert {name for name, _ in CONFIGS} == set(registry.names())


def test_equivalents_use_only_catalog_names():
    for name in registry.names():
        net = registry.get(name).generic().network
        network.validate([(lay.W, lay.b) for lay in net.layers], [lay.activation for lay in net.layers], net.loss)
        assert net.loss in numeric.LOSSES


def test_generic_rbf_network_keeps_the_output_weight_fixed():
    eq = equivalents.rbf_net()
    traj = eq.trajectory(3)
    net = eq.network.copy().train(eq.X, eq.T, eq.lr, 3)
    assert net.layers[1].W[0, 0] == 1.0 and len(traj) == 4
