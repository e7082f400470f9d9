"""Faithful trainers against the original programs.

Each oracle below is the original loop, copied into Python 3 (print statements
become list appends, ``xrange`` becomes ``range``), with its own hand-written
arithmetic, except that each ``np.dot`` is a product in a stated summation order
(written here independently of ``reference.trainers.fixed_order``): the 2015 BLAS's
for Trask, left to right for the others. The point of these tests is that the
trainers, built from the spec's naive compiled functions and the fixed-order
products, do the same arithmetic bit for bit. Published outputs are compared on the
digits that were published.
"""
from __future__ import annotations

import numpy as np
import pytest

from deltaspec.reference.trainers import class_xor, fixed_order, naive_forms, per_sample, relu_xor, roelants, trask
from deltaspec.reference.trainers.naive_forms import prime_za
from deltaspec.spec import numeric

# ------------------------------------------------------------------ the products


def dot(A, B):
    """A B with each entry summed left to right over the inner index, as a loop over k."""
    A, B = np.asarray(A, dtype=float), np.asarray(B, dtype=float)
    out = A[:, 0:1] * B[0:1, :]
    for k in range(1, A.shape[1]):
        out = out + A[:, k : k + 1] * B[k : k + 1, :]
    return out


def dot_2015(A, B):
    """``np.dot`` as Trask's 2015 NumPy and BLAS summed it. A C-contiguous A times one
    column went to gemv in dot form: an SSE2 kernel with 4 partial sums S_r over
    k = r mod 4, returning (S_0 + S_2) + (S_1 + S_3); every other product (gemm, or gemv
    on a transposed A, which runs over k as axpy) left to right."""
    if B.shape[1] != 1 or not A.flags.c_contiguous:
        return dot(A, B)
    terms = np.asarray(A, dtype=float) * np.asarray(B, dtype=float).T
    # times a column of ones (exact), dot sums each S_r's terms left to right
    S = [dot(terms[:, r::4], np.ones((terms[:, r::4].shape[1], 1))) for r in range(min(4, terms.shape[1]))]
    lanes = [S[r] + S[r + 2] if r + 2 < len(S) else S[r] for r in range(min(2, len(S)))]
    return lanes[0] + lanes[1] if len(lanes) == 2 else lanes[0]


# ------------------------------------------------------------------ the originals


def trask_nonlin(x, deriv=False):
    if deriv:
        return x * (1 - x)
    return 1 / (1 + np.exp(-x))


def oracle_two_layer(iterations=10000):
    X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]])
    y = np.array([[0, 0, 1, 1]]).T
    np.random.seed(1)
    syn0 = 2 * np.random.random((3, 1)) - 1
    for _ in range(iterations):
        l0 = X
        l1 = trask_nonlin(dot_2015(l0, syn0))
        l1_error = y - l1
        l1_delta = l1_error * trask_nonlin(l1, True)
        syn0 += dot_2015(l0.T, l1_delta)
    return syn0, l1


def oracle_three_layer(iterations=60000):
    X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]])
    y = np.array([[0], [1], [1], [0]])
    np.random.seed(1)
    syn0 = 2 * np.random.random((3, 4)) - 1
    syn1 = 2 * np.random.random((4, 1)) - 1
    printed = []
    for j in range(iterations):
        l0 = X
        l1 = trask_nonlin(dot_2015(l0, syn0))
        l2 = trask_nonlin(dot_2015(l1, syn1))
        l2_error = y - l2
        if (j % 10000) == 0:
            printed.append(np.mean(np.abs(l2_error)))
        l2_delta = l2_error * trask_nonlin(l2, deriv=True)
        l1_error = dot_2015(l2_delta, syn1.T)
        l1_delta = l1_error * trask_nonlin(l1, deriv=True)
        syn1 += dot_2015(l1.T, l2_delta)
        syn0 += dot_2015(l0.T, l1_delta)
    return syn0, syn1, printed


def oracle_eleven_lines(iterations):
    np.random.seed(1)  # the listing has none; the trainer takes a seed
    X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]])
    y = np.array([[0, 1, 1, 0]]).T
    syn0 = 2 * np.random.random((3, 4)) - 1
    syn1 = 2 * np.random.random((4, 1)) - 1
    for j in range(iterations):
        l1 = 1 / (1 + np.exp(-(dot_2015(X, syn0))))
        l2 = 1 / (1 + np.exp(-(dot_2015(l1, syn1))))
        l2_delta = (y - l2) * (l2 * (1 - l2))
        l1_delta = dot_2015(l2_delta, syn1.T) * (l1 * (1 - l1))
        syn1 += dot_2015(l1.T, l2_delta)
        syn0 += dot_2015(X.T, l1_delta)
    return syn0, syn1


def oracle_alpha(alpha, hidden_size=4, iterations=60000):
    def sigmoid(x):
        output = 1 / (1 + np.exp(-x))
        return output

    def sigmoid_output_to_derivative(output):
        return output * (1 - output)

    X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]])
    y = np.array([[0], [1], [1], [0]])
    printed = ["", "Training With Alpha:" + str(alpha)]
    np.random.seed(1)
    synapse_0 = 2 * np.random.random((3, hidden_size)) - 1
    synapse_1 = 2 * np.random.random((hidden_size, 1)) - 1
    for j in range(iterations):
        layer_0 = X
        layer_1 = sigmoid(dot_2015(layer_0, synapse_0))
        layer_2 = sigmoid(dot_2015(layer_1, synapse_1))
        layer_2_error = layer_2 - y
        if (j % 10000) == 0:
            printed.append("Error after " + str(j) + " iterations:" + repr(np.mean(np.abs(layer_2_error)).item()))
        layer_2_delta = layer_2_error * sigmoid_output_to_derivative(layer_2)
        layer_1_error = dot_2015(layer_2_delta, synapse_1.T)
        layer_1_delta = layer_1_error * sigmoid_output_to_derivative(layer_1)
        synapse_1 -= alpha * (dot_2015(layer_1.T, layer_2_delta))
        synapse_0 -= alpha * (dot_2015(layer_0.T, layer_1_delta))
    return synapse_0, synapse_1, printed


def oracle_class_xor(seed, epochs):
    def sigmoid(x):
        return 1.0 / (1 + np.exp(-x))

    def sigmoid_derivative(x):
        return x * (1.0 - x)

    class NeuralNetwork:
        def __init__(self, x, y, learning_rate=0.1):
            self.input = x
            self.weights1 = np.random.rand(self.input.shape[1], 4)
            self.weights2 = np.random.rand(4, 1)
            self.y = y
            self.output = np.zeros(self.y.shape)
            self.learning_rate = learning_rate

        def feedforward(self):
            self.layer1 = sigmoid(dot(self.input, self.weights1))
            self.output = sigmoid(dot(self.layer1, self.weights2))

        def backprop(self):
            d_weights2 = dot(self.layer1.T, (2 * (self.y - self.output) * sigmoid_derivative(self.output)))
            d_weights1 = dot(
                self.input.T,
                (dot(2 * (self.y - self.output) * sigmoid_derivative(self.output), self.weights2.T)
                 * sigmoid_derivative(self.layer1)),
            )
            self.weights1 += self.learning_rate * d_weights1
            self.weights2 += self.learning_rate * d_weights2

        def train(self, epochs):
            for epoch in range(epochs):
                self.feedforward()
                self.backprop()

        def predict(self, new_input):
            layer1 = sigmoid(dot(new_input, self.weights1))
            output = sigmoid(dot(layer1, self.weights2))
            return output

    X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]])
    Y = np.array([[0], [1], [1], [0]])
    np.random.seed(seed)
    nn = NeuralNetwork(X, Y)
    nn.train(epochs)
    return nn, [nn.predict(np.array([x])) for x in X]


def oracle_roelants(iterations):
    np.random.seed(seed=4)
    x_blue = np.random.randn(20, 1) * 0.5 + 0
    x_red_left = np.random.randn(10, 1) * 0.5 + -2
    x_red_right = np.random.randn(10, 1) * 0.5 + 2
    x = np.vstack((x_blue, x_red_left, x_red_right))
    t = np.vstack((np.ones((20, 1)), np.zeros((20, 1))))

    def rbf(zh):
        return np.exp(-zh**2)

    def logistic(zo):
        return 1.0 / (1.0 + np.exp(-zo))

    def nn(x, wh, bo):
        return logistic(rbf(x * wh) + bo)

    def loss(y, t):
        return -np.mean((t * np.log(y)) + ((1 - t) * np.log(1 - y)))

    def gradient_weight_hidden(x, zh, h, grad_hidden):
        return x * -2 * zh * h * grad_hidden

    def backprop_update(x, t, wh, bo, learning_rate):
        zh = x * wh
        h = rbf(zh)
        y = logistic(h + bo)
        grad_output = y - t
        d_bo = learning_rate * grad_output
        d_wh = learning_rate * gradient_weight_hidden(x, zh, h, grad_output)
        return float(np.mean(wh - d_wh)), float(np.mean(bo - d_bo))

    wh, bo = 2.3, 1.4
    path = [(wh, bo)]
    for _ in range(iterations):
        wh, bo = backprop_update(x, t, wh, bo, 2.0)
        path.append((wh, bo))
    return path, loss(nn(x, wh, bo), t)


def oracle_per_sample(seed, max_epoch):
    """The 000 program with np.random.seed(seed) first and ``epoch < max_epoch``."""

    def get_target(x):
        return 1 if (x[0] > 0.5 and x[1] <= 0.5) or (x[0] <= 0.5 and x[1] > 0.5) else 0

    def activation(x):
        return 1 / (1 + np.exp(-x))

    def d_activation(x):
        return activation(x) * (1 - activation(x))

    np.random.seed(seed)
    inputs = np.random.randint(0, 2, (200, 2)).astype(float)
    inputs += np.random.randn(200, 2) / 10
    targets = np.apply_along_axis(get_target, 1, inputs)
    n_hidden = 2
    W_ih = np.random.randn(2, n_hidden)
    W_ho = np.random.rand(n_hidden, 1)
    b_h = np.random.randn(1, n_hidden)
    b_o = np.random.rand(1, 1)
    mse, epoch, learning_rate, printed = float("inf"), 1, 0.1, []
    while mse > 1e-6 and epoch < max_epoch:
        errors, misclassifications = [], 0
        for x, y in zip(inputs, targets):
            x = np.reshape(x, (1, 2))
            net_h = dot(x, W_ih) + b_h
            out_h = activation(net_h)
            net_o = dot(out_h, W_ho) + b_o
            prediction = activation(net_o)
            label = 1 if prediction > 0.5 else 0
            if label != y:
                misclassifications += 1
            error = 0.5 * np.square(y - prediction)
            errors.append(error)
            delta_o = (y - prediction) * d_activation(net_o)
            W_ho += learning_rate * delta_o * out_h.T
            b_o += learning_rate * delta_o
            delta_h = d_activation(net_h) * W_ho.T * delta_o
            W_ih += learning_rate * dot(x.T, delta_h)
            b_h += learning_rate * delta_h
        new_mse = np.mean(errors)
        if epoch % 10 == 1:
            printed.append("Error after epoch %d: %s" % (epoch, repr(float(new_mse))))
        if new_mse > mse and epoch > 20:
            learning_rate *= 0.5
            learning_rate = max(learning_rate, 1e-6)
            printed.append("New learning rate: %s" % learning_rate)
        if 0 < mse - new_mse < 1e-6:
            break
        mse = new_mse
        epoch += 1
    printed.append(
        "Finished training after %d epochs. Misclassifications in last epoch: %s%%"
        % (epoch, repr(misclassifications * 100.0 / len(inputs)))
    )
    return (W_ih, W_ho, b_h, b_o), printed


def oracle_relu_xor(epochs=60):
    """The JavaScript program (2-3-1 relu, fixed weights, alpha 0.2), written with plain NumPy."""
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    T = np.array([0, 1, 1, 0])
    W_ih = np.array([[0.96003, 0.77081, 0.81631], [0.14657, 0.66646, -0.03392]])
    W_ho = np.array([[0.70935], [-0.94073], [0.44186]])
    printed = []
    for epoch in range(1, epochs + 1):
        E = 0.0
        for x, t in zip(X, T):
            x = x.reshape(1, 2)
            h = np.maximum(dot(x, W_ih), 0)
            o = dot(h, W_ho)
            E += (o[0, 0] - t) ** 2
            delta_o = o - t
            delta_h = dot(delta_o, W_ho.T) * (h > 0)
            W_ho -= 0.2 * dot(h.T, delta_o)
            W_ih -= 0.2 * dot(x.T, delta_h)
        if epoch % 10 == 0:
            printed.append("Error: " + repr(float(E)))
    return (W_ih, W_ho), printed


# ------------------------------------------------------------------ naive spec functions


def test_naive_functions_are_the_tutorials_arithmetic():
    z = np.random.default_rng(0).normal(scale=4, size=1000)
    a = trask_nonlin(z)
    assert np.array_equal(numeric.activation("sigmoid", naive=True)(z), 1 / (1 + np.exp(-z)))
    assert np.array_equal(numeric.activation_prime("sigmoid", of="a", naive=True)(a), a * (1 - a))
    assert np.array_equal(numeric.activation_prime("sigmoid", of="a", naive=True)(a), a * (1.0 - a))
    assert np.array_equal(numeric.activation("rbf", naive=True)(z), np.exp(-(z**2)))
    assert np.array_equal(numeric.activation("relu", naive=True)(z), np.maximum(z, 0))
    relu, relu_prime = naive_forms.activation("relu"), naive_forms.prime_a("relu")
    assert np.array_equal(relu(z), numeric.activation("relu", naive=True)(z))
    assert np.array_equal(relu_prime(relu(z)), numeric.activation_prime("relu", of="a", naive=True)(relu(z)))
    assert np.array_equal(relu_prime(relu(z)), (np.maximum(z, 0) > 0) * 1.0)


def test_rbf_slope_in_z_and_a_is_roelants_product():
    rng = np.random.default_rng(1)
    x, wh, g = rng.normal(size=(400, 1)), 2.3, rng.normal(size=(400, 1))
    zh = x * wh
    h = np.exp(-(zh**2))
    assert np.array_equal(prime_za("rbf")(x * zh, h) * g, x * -2 * zh * h * g)
    assert np.allclose(prime_za("rbf")(zh, h), numeric.activation_prime("rbf")(zh), rtol=1e-15, atol=0)


def test_stored_errors_are_the_spec_loss_derivatives_bit_for_bit():
    """The residual lines the trainers keep from the originals are the spec's dE/dy up
    to the sign convention: y - t for half_sse, 2(y - t) for sse, per sample."""
    rng = np.random.default_rng(2)
    out, target = rng.random((50, 1)), rng.integers(0, 2, (50, 1)).astype(float)
    half, sse = numeric.loss_prime("half_sse"), numeric.loss_prime("sse")
    assert np.array_equal(target - out, -half(out, target))
    assert np.array_equal(out - target, half(out, target))
    assert np.array_equal(2 * (target - out), -sse(out, target))
    one = numeric.output_delta("bce", "sigmoid")
    for n in range(5):  # Roelants' grad_output is bce + logistic's delta of one sample
        assert np.array_equal(out[n : n + 1] - target[n : n + 1], one(out[n : n + 1], target[n : n + 1], None))


# ------------------------------------------------------------------ Trask (003)


def test_two_layer_is_the_original_and_prints_the_published_output():
    syn0, l1 = oracle_two_layer()
    run = trask.two_layer()
    assert np.array_equal(run.params["syn0"], syn0)
    assert np.array_equal(run.values["output"], l1)
    published = ["0.00966449", "0.00786506", "0.99358898", "0.99211957"]  # numpy's 8 decimals
    assert ["%.8f" % v for v in run.values["output"].ravel()] == published
    assert run.lines[0] == "Output After Training:" and len(run.lines) == 5


def test_two_layer_trajectory_is_the_originals():
    run = trask.two_layer(epochs=50, record=50)
    for k in (1, 7, 50):
        syn0, _ = oracle_two_layer(k)
        assert np.array_equal(run.trajectory.params[k][0], syn0)


PUBLISHED_PART1 = ["0.496410031903", "0.00858452565325", "0.00578945986251",
                   "0.00462917677677", "0.00395876528027", "0.00351012256786"]


def test_three_layer_is_the_original():
    syn0, syn1, printed = oracle_three_layer(10001)
    run = trask.three_layer(epochs=10001)
    assert np.array_equal(run.params["syn0"], syn0) and np.array_equal(run.params["syn1"], syn1)
    assert list(run.values["errors"].values()) == printed
    assert run.lines == ["Error:" + repr(float(e)) for e in printed]


def test_three_layer_prints_the_published_errors():
    run = trask.three_layer()
    # Python 2's str(float): 12 significant digits
    assert ["%.12g" % e for e in run.values["errors"].values()] == PUBLISHED_PART1


def test_eleven_line_net_is_the_listing_with_seed_one():
    syn0, syn1 = oracle_eleven_lines(2000)
    run = trask.eleven_line(epochs=2000)
    assert run.lines == []
    assert np.array_equal(run.params["syn0"], syn0) and np.array_equal(run.params["syn1"], syn1)


@pytest.mark.parametrize("alpha,hidden", [(0.1, 4), (10, 4), (1000, 4), (10, 32)])
def test_alpha_run_is_the_original(alpha, hidden):
    s0, s1, printed = oracle_alpha(alpha, hidden, 3000)
    run = trask.alpha_run(alpha, hidden, epochs=3000)
    assert np.array_equal(run.params["synapse_0"], s0) and np.array_equal(run.params["synapse_1"], s1)
    assert run.lines == printed


def test_alpha_one_is_part_one_exactly():
    """'As a clever eye might suspect, this had the exact convergence as if we had no
    alpha at all': layer_2 - y with -= 1*(...) is y - l2 with +=, bit for bit."""
    part1, part2 = trask.three_layer(epochs=500), trask.alpha_run(1, epochs=500)
    assert np.array_equal(part1.params["syn0"], part2.params["synapse_0"])
    assert np.array_equal(part1.params["syn1"], part2.params["synapse_1"])


# Trask, Part 2 (2015), as published: alpha -> printed errors at j = 0, 10000, ..., 50000.
PUBLISHED_SWEEP = {
    4: {
        0.001: ["0.496410031903", "0.495164025493", "0.493596043188", "0.491606358559", "0.489100166544", "0.485977857846"],
        0.01: ["0.496410031903", "0.457431074442", "0.359097202563", "0.239358137159", "0.143070659013", "0.0985964298089"],
        0.1: ["0.496410031903", "0.0428880170001", "0.0240989942285", "0.0181106521468", "0.0149876162722", "0.0130144905381"],
        1: PUBLISHED_PART1,
        10: ["0.496410031903", "0.00312938876301", "0.00214459557985", "0.00172397549956", "0.00147821451229", "0.00131274062834"],
        100: ["0.496410031903", "0.125476983855", "0.125330333528", "0.125267728765", "0.12523107366", "0.125206352756"],
        1000: ["0.496410031903", "0.5", "0.5", "0.5", "0.5", "0.5"],
    },
    32: {
        0.001: ["0.496439922501", "0.491049468129", "0.484976307027", "0.477830678793", "0.46903846539", "0.458029258565"],
        0.01: ["0.496439922501", "0.356379061648", "0.146939845465", "0.0880156127416", "0.065147819275", "0.0529658087026"],
        0.1: ["0.496439922501", "0.0305404908386", "0.0190638725334", "0.0147643907296", "0.0123892429905", "0.0108421669738"],
        1: ["0.496439922501", "0.00736052234249", "0.00497251705039", "0.00396863978159", "0.00338641021983", "0.00299625684932"],
        10: ["0.496439922501", "0.00224922117381", "0.00153852153014", "0.00123717718456", "0.00106119569132", "0.000942641990774"],
        100: ["0.496439922501", "0.5", "0.5", "0.5", "0.5", "0.5"],
        1000: ["0.496439922501", "0.5", "0.5", "0.5", "0.5", "0.5"],
    },
}
# Runs whose published digits were set by the 2015 machine's own arithmetic (chaotic):
# (hidden, alpha) -> how many leading significant digits match on every CPU. Hidden 32
# at alpha 10 amplifies the last bit of every exp and every sum: with the BLAS's
# summation order fixed it matches 8 digits where NumPy's exp is libm's, 3 where it is
# NumPy's AVX-512 exp. (Hidden 4 at alpha 100, also chaotic, matches in full.)
MACHINE_DEPENDENT = {(32, 10): 3}


def _matches(printed, published, digits=None):
    if digits is None:
        return ["%.12g" % e for e in printed] == published
    return all(float("%.*g" % (digits, e)) == float("%.*g" % (digits, float(p))) for e, p in zip(printed, published))


def test_published_alpha_ten_digits():
    run = trask.alpha_run(10)
    assert _matches(run.values["errors"].values(), PUBLISHED_SWEEP[4][10])
    # 'the best error with 4 hidden nodes was only 0.0013'
    assert "%.4f" % run.values["errors"][50000] == "0.0013"


def test_published_alpha_hundred_digits_pin_the_forward_summation_order(monkeypatch):
    """Alpha 100 is chaotic: by iteration 10000 the summation order of the forward
    product through synapse_1 shows in the 10th digit. The published number is the
    four-partial-sum order's (fixed_order.matvec); a left-to-right sum misses it."""
    published = PUBLISHED_SWEEP[4][100][:2]
    assert _matches(trask.alpha_run(100, epochs=10001).values["errors"].values(), published)
    monkeypatch.setattr(trask, "_forward", fixed_order.matmul)
    left_to_right = trask.alpha_run(100, epochs=10001).values["errors"].values()
    assert _matches(left_to_right, published, 9) and not _matches(left_to_right, published)


@pytest.mark.slow
@pytest.mark.parametrize("hidden", [4, 32])
def test_published_sweep_digits(hidden):
    run = trask.alpha_sweep(hidden=hidden)
    for alpha, published in PUBLISHED_SWEEP[hidden].items():
        printed = list(run.values["errors"][alpha].values())
        digits = MACHINE_DEPENDENT.get((hidden, alpha))
        assert _matches(printed, published, digits), (hidden, alpha)
        if digits is not None:  # documented: these do not match in full
            assert not _matches(printed, published), (hidden, alpha)


@pytest.mark.slow
def test_prose_best_error_with_32_nodes_rounds_as_published():
    """'the best error with 32 nodes is 0.0009' (alpha 10, after 50000 iterations),
    although this run's later digits depend on the machine (see above)."""
    best32 = trask.alpha_run(10, 32, epochs=50001).values["errors"][50000]
    assert "%.4f" % best32 == "0.0009"


# ------------------------------------------------------------------ CodeSignal (002)


@pytest.mark.parametrize("seed,epochs", [(1, 1500), (7, 3000)])
def test_class_xor_is_the_original(seed, epochs):
    nn, predictions = oracle_class_xor(seed, epochs)
    run = class_xor.train(seed, epochs)
    assert np.array_equal(run.params["weights1"], nn.weights1)
    assert np.array_equal(run.params["weights2"], nn.weights2)
    assert np.array_equal(run.values["predictions"], np.concatenate(predictions))
    assert run.lines[:2] == ["", "Predictions:"]
    assert run.lines[2] == f"Input: [0 0 1] ---> Prediction: [[{float(predictions[0][0, 0])!r}]], Expected: [0]"


# ------------------------------------------------------------------ Roelants (004)


@pytest.mark.parametrize("iterations", [20, 50])
def test_rbf_is_the_original_bit_for_bit(iterations):
    path, final_loss = oracle_roelants(iterations)
    run = roelants.train(epochs=iterations, record=iterations)
    assert [(float(w), float(b)) for w, b in run.trajectory.params] == path
    assert run.values["loss"] == final_loss


def test_rbf_prints_the_published_line():
    run = roelants.train()
    v = run.values
    assert f"final loss is {v['loss']:.2f} for weights wh={v['wh']:.2f} and bo={v['bo']:.2f}" == (
        "final loss is 0.52 for weights wh=1.12 and bo=-0.44"
    )
    assert run.lines == [f"final loss is {v['loss']!r} for weights wh={v['wh']!r} and bo={v['bo']!r}"]


def test_rbf_printed_loss_is_the_spec_bce():
    x, t = roelants.data()
    y = roelants.network(x, 1.1, -0.4)
    assert roelants.notebook_loss(y, t) == pytest.approx(numeric.loss("bce")(y, t), rel=1e-14)


# ------------------------------------------------------------------ per-sample net (000)


@pytest.mark.parametrize("seed,max_epoch", [(1, 4), (3, 3)])
def test_per_sample_faithful_is_the_original(seed, max_epoch):
    params, printed = oracle_per_sample(seed, max_epoch)
    run = per_sample.train(seed, max_epoch, faithful=True)
    for name, value in zip(("W_ih", "W_ho", "b_h", "b_o"), params):
        assert np.array_equal(run.params[name], value), name
    assert run.lines == printed


def test_per_sample_corrected_differs_from_the_original():
    faithful = per_sample.train(1, 3, faithful=True)
    corrected = per_sample.train(1, 3)
    assert not np.array_equal(faithful.params["W_ih"], corrected.params["W_ih"])
    assert np.array_equal(faithful.params["W_ih"].shape, corrected.params["W_ih"].shape)


def test_per_sample_error_is_the_spec_half_sse():
    rng = np.random.default_rng(3)
    for _ in range(20):
        y, prediction = rng.integers(0, 2), rng.random((1, 1))
        assert 0.5 * np.square(y - prediction)[0, 0] == numeric.loss("half_sse")(prediction, np.array([[y]]))


# ------------------------------------------------------------------ ReLU XOR (001)


def test_relu_xor_is_the_described_program():
    (W_ih, W_ho), printed = oracle_relu_xor()
    run = relu_xor.train()
    assert np.array_equal(run.params["W_ih"], W_ih) and np.array_equal(run.params["W_ho"], W_ho)
    assert run.lines == printed
    errors = list(run.values["errors"].values())
    assert errors == sorted(errors, reverse=True) and errors[-1] < 1e-4  # it learns XOR
