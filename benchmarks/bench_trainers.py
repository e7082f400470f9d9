"""Time each faithful trainer against the original loop it reproduces.

    python benchmarks/bench_trainers.py [--repeat 15] [--only NAME ...]

Both sides run in this process, under the same NumPy. The baselines below are the
original programs written out (Python 3, printing into a list instead of stdout),
with their own hand-written arithmetic; the trainers are ``reference``'s. For each
workload the repetitions are interleaved (baseline, trainer, then trainer,
baseline, ...), and the report gives the median time of each side and the median of
the per-repetition ratios trainer / baseline. Target: ratio <= 1.05.

The baselines call ``numpy.dot``, one BLAS call per product; the trainers sum each
product in a fixed order (``reference.trainers.fixed_order``: a few elementwise NumPy
calls per product) so that their digits do not depend on the BLAS kernel. Where the
products dominate (Trask's nets, class-xor, relu-xor) the ratio is that price.
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from deltaspec.reference.trainers import registry  # noqa: E402

# ------------------------------------------------------------------ the original loops


def nonlin(x, deriv=False):
    if deriv:
        return x * (1 - x)
    return 1 / (1 + np.exp(-x))


def original_eleven_line(seed, iterations):
    np.random.seed(seed)
    X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]])
    y = np.array([[0, 1, 1, 0]]).T
    syn0 = 2 * np.random.random((3, 4)) - 1
    syn1 = 2 * np.random.random((4, 1)) - 1
    for j in range(iterations):
        l1 = 1 / (1 + np.exp(-(np.dot(X, syn0))))
        l2 = 1 / (1 + np.exp(-(np.dot(l1, syn1))))
        l2_delta = (y - l2) * (l2 * (1 - l2))
        l1_delta = l2_delta.dot(syn1.T) * (l1 * (1 - l1))
        syn1 += l1.T.dot(l2_delta)
        syn0 += X.T.dot(l1_delta)
    return []


def original_two_layer(seed, iterations):
    X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]])
    y = np.array([[0, 0, 1, 1]]).T
    np.random.seed(seed)
    syn0 = 2 * np.random.random((3, 1)) - 1
    for _ in range(iterations):
        l0 = X
        l1 = nonlin(np.dot(l0, syn0))
        l1_error = y - l1
        l1_delta = l1_error * nonlin(l1, True)
        syn0 += np.dot(l0.T, l1_delta)
    return ["Output After Training:", str(l1)]


def original_three_layer(seed, iterations):
    X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]])
    y = np.array([[0], [1], [1], [0]])
    np.random.seed(seed)
    syn0 = 2 * np.random.random((3, 4)) - 1
    syn1 = 2 * np.random.random((4, 1)) - 1
    out = []
    for j in range(iterations):
        l0 = X
        l1 = nonlin(np.dot(l0, syn0))
        l2 = nonlin(np.dot(l1, syn1))
        l2_error = y - l2
        if (j % 10000) == 0:
            out.append("Error:" + str(np.mean(np.abs(l2_error))))
        l2_delta = l2_error * nonlin(l2, deriv=True)
        l1_error = l2_delta.dot(syn1.T)
        l1_delta = l1_error * nonlin(l1, deriv=True)
        syn1 += l1.T.dot(l2_delta)
        syn0 += l0.T.dot(l1_delta)
    return out


def original_alpha(alpha, hidden_size, seed, iterations):
    def sigmoid(x):
        output = 1 / (1 + np.exp(-x))
        return output

    def sigmoid_output_to_derivative(output):
        return output * (1 - output)

    X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]])
    y = np.array([[0], [1], [1], [0]])
    out = ["", "Training With Alpha:" + str(alpha)]
    np.random.seed(seed)
    synapse_0 = 2 * np.random.random((3, hidden_size)) - 1
    synapse_1 = 2 * np.random.random((hidden_size, 1)) - 1
    for j in range(iterations):
        layer_0 = X
        layer_1 = sigmoid(np.dot(layer_0, synapse_0))
        layer_2 = sigmoid(np.dot(layer_1, synapse_1))
        layer_2_error = layer_2 - y
        if (j % 10000) == 0:
            out.append("Error after " + str(j) + " iterations:" + str(np.mean(np.abs(layer_2_error))))
        layer_2_delta = layer_2_error * sigmoid_output_to_derivative(layer_2)
        layer_1_error = layer_2_delta.dot(synapse_1.T)
        layer_1_delta = layer_1_error * sigmoid_output_to_derivative(layer_1)
        synapse_1 -= alpha * (layer_1.T.dot(layer_2_delta))
        synapse_0 -= alpha * (layer_0.T.dot(layer_1_delta))
    return out


def original_roelants(seed, iterations):
    np.random.seed(seed=seed)
    x_blue = np.random.randn(20, 1) * 0.5 + 0
    x_red_left = np.random.randn(10, 1) * 0.5 + -2
    x_red_right = np.random.randn(10, 1) * 0.5 + 2
    x = np.vstack((x_blue, x_red_left, x_red_right))
    t = np.vstack((np.ones((20, 1)), np.zeros((20, 1))))

    def rbf(zh):
        return np.exp(-zh**2)

    def logistic(zo):
        return 1.0 / (1.0 + np.exp(-zo))

    def loss(y, t):
        return -np.mean((t * np.log(y)) + ((1 - t) * np.log(1 - y)))

    def gradient_output(y, t):
        return y - t

    def gradient_weight_hidden(x, zh, h, grad_hidden):
        return x * -2 * zh * h * grad_hidden

    def backprop_update(x, t, wh, bo, learning_rate):
        zh = x * wh
        h = rbf(zh)
        y = logistic(h + bo)
        grad_output = gradient_output(y, t)
        d_bo = learning_rate * grad_output
        d_wh = learning_rate * gradient_weight_hidden(x, zh, h, grad_output)
        return float(np.mean(wh - d_wh)), float(np.mean(bo - d_bo))

    wh, bo = 2.3, 1.4
    for _ in range(iterations):
        wh, bo = backprop_update(x, t, wh, bo, 2.0)
    final_loss = loss(logistic(rbf(x * wh) + bo), t)
    return [f"final loss is {final_loss:.2f} for weights wh={wh:.2f} and bo={bo:.2f}"]


def original_per_sample(seed, max_epoch):
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
    W_ih = np.random.randn(2, 2)
    W_ho = np.random.rand(2, 1)
    b_h = np.random.randn(1, 2)
    b_o = np.random.rand(1, 1)
    mse, epoch, learning_rate, out = float("inf"), 1, 0.1, []
    while mse > 1e-6 and epoch < max_epoch:
        errors, misclassifications = [], 0
        for x, y in zip(inputs, targets):
            x = np.reshape(x, (1, 2))
            net_h = x.dot(W_ih) + b_h
            out_h = activation(net_h)
            net_o = out_h.dot(W_ho) + b_o
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
            W_ih += learning_rate * x.T.dot(delta_h)
            b_h += learning_rate * delta_h
        new_mse = np.mean(errors)
        if epoch % 10 == 1:
            out.append("Error after epoch %d: %s" % (epoch, new_mse))
        if new_mse > mse and epoch > 20:
            learning_rate = max(learning_rate * 0.5, 1e-6)
            out.append("New learning rate: %s" % learning_rate)
        if 0 < mse - new_mse < 1e-6:
            break
        mse = new_mse
        epoch += 1
    out.append("Finished training after %d epochs. Misclassifications in last epoch: %f%%"
               % (epoch, misclassifications * 100.0 / len(inputs)))
    return out


def original_relu_xor(epochs):
    """Seed 001's JavaScript program (2-3-1 relu, fixed weights, alpha 0.2), written in NumPy."""
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    T = np.array([0, 1, 1, 0])
    W_ih = np.array([[0.96003, 0.77081, 0.81631], [0.14657, 0.66646, -0.03392]])
    W_ho = np.array([[0.70935], [-0.94073], [0.44186]])
    out = []
    for epoch in range(1, epochs + 1):
        E = 0.0
        for x, t in zip(X, T):
            x = x.reshape(1, 2)
            h = np.maximum(x.dot(W_ih), 0)
            o = h.dot(W_ho)
            E += (o[0, 0] - t) ** 2
            delta_o = o - t
            delta_h = delta_o.dot(W_ho.T) * (h > 0)
            W_ho -= 0.2 * h.T.dot(delta_o)
            W_ih -= 0.2 * x.T.dot(delta_h)
        if epoch % 10 == 0:
            out.append("Error: " + str(E))
    return out


def original_class_xor(seed, epochs):
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
            self.layer1 = sigmoid(np.dot(self.input, self.weights1))
            self.output = sigmoid(np.dot(self.layer1, self.weights2))

        def backprop(self):
            d_weights2 = np.dot(self.layer1.T, (2 * (self.y - self.output) * sigmoid_derivative(self.output)))
            d_weights1 = np.dot(
                self.input.T,
                (np.dot(2 * (self.y - self.output) * sigmoid_derivative(self.output), self.weights2.T)
                 * sigmoid_derivative(self.layer1)),
            )
            self.weights1 += self.learning_rate * d_weights1
            self.weights2 += self.learning_rate * d_weights2

        def train(self, epochs):
            for epoch in range(epochs):
                self.feedforward()
                self.backprop()

        def predict(self, new_input):
            layer1 = sigmoid(np.dot(new_input, self.weights1))
            return sigmoid(np.dot(layer1, self.weights2))

    X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]])
    Y = np.array([[0], [1], [1], [0]])
    np.random.seed(seed)
    nn = NeuralNetwork(X, Y)
    nn.train(epochs)
    out = ["", "Predictions:"]
    for i, x in enumerate(X):
        out.append(f"Input: {x} ---> Prediction: {nn.predict(np.array([x]))}, Expected: {Y[i]}")
    return out


# ------------------------------------------------------------------ workloads

# (label, trainer name, trainer options, baseline)
WORKLOADS = [
    ("eleven-line (5000 it.)", "eleven-line", {"epochs": 5000}, lambda: original_eleven_line(1, 5000)),
    ("two-layer (10000 it.)", "two-layer", {}, lambda: original_two_layer(1, 10000)),
    ("three-layer (5000 it.)", "three-layer", {"epochs": 5000}, lambda: original_three_layer(1, 5000)),
    ("three-layer alpha 10, hidden 32 (3000 it.)", "three-layer", {"alpha": 10, "hidden": 32, "epochs": 3000},
     lambda: original_alpha(10, 32, 1, 3000)),
    ("rbf (200 it.)", "rbf", {"epochs": 200}, lambda: original_roelants(4, 200)),
    ("per-sample-bias --faithful (5 epochs)", "per-sample-bias", {"epochs": 6, "faithful": True},
     lambda: original_per_sample(1, 6)),
    ("per-sample-bias corrected (5 epochs)", "per-sample-bias", {"epochs": 6}, lambda: original_per_sample(1, 6)),
    ("relu-xor (300 epochs)", "relu-xor", {"epochs": 300}, lambda: original_relu_xor(300)),
    ("class-xor (3000 epochs)", "class-xor", {"epochs": 3000}, lambda: original_class_xor(1, 3000)),
]


def _time(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def machine() -> str:
    """Platform, CPU count, Python and NumPy versions."""
    cpu = platform.processor() or platform.machine()
    return (f"{platform.platform()}; {cpu}; {os.cpu_count()} CPUs; Python {platform.python_version()}; "
            f"NumPy {np.__version__}")


def measure(workload, repeat: int):
    """Interleaved repetitions; (median baseline s, median trainer s, median ratio)."""
    _, name, options, baseline = workload
    trainer = registry.get(name)

    def run():
        return trainer.run(**options)

    baseline(), run()  # warm up (imports, spec's compiled functions, SymPy for rbf)
    base, mine, ratios = [], [], []
    for r in range(repeat):
        if r % 2:
            t_mine, t_base = _time(run), _time(baseline)
        else:
            t_base, t_mine = _time(baseline), _time(run)
        base.append(t_base)
        mine.append(t_mine)
        ratios.append(t_mine / t_base)
    return statistics.median(base), statistics.median(mine), statistics.median(ratios)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="repetitions per workload (default 15)")
    parser.add_argument("--only", nargs="*", help="trainer names to time")
    args = parser.parse_args(argv)
    print(f"machine: {machine()}")
    print(f"repetitions: {args.repeat}, interleaved; medians; target ratio <= 1.05")
    print(f"{'workload':44s} {'original s':>11s} {'trainer s':>10s} {'ratio':>6s}")
    for workload in WORKLOADS:
        if args.only and workload[1] not in args.only:
            continue
        base, mine, ratio = measure(workload, args.repeat)
        flag = "" if ratio <= 1.05 else "  (above target)"
        print(f"{workload[0]:44s} {base:11.4f} {mine:10.4f} {ratio:6.3f}{flag}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
