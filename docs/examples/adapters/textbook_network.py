"""A network class in the textbook style: column vectors, a list of weight matrices and
a list of bias columns, one sample at a time, the quadratic cost, sigmoid everywhere.

    net = Network([2, 3, 1])
    net.feedforward(np.array([[0.5], [-1.0]]))        # -> (1, 1)
    nabla_b, nabla_w = net.backprop(x, y)               # gradients of C_x = 1/2 ||a - y||^2

Written for docs/ADAPTERS.md (the adapter deltaspec.conformance.adapters.textbook); numpy only.
"""
import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_prime(z):
    s = sigmoid(z)
    return s * (1.0 - s)


class Network:
    def __init__(self, sizes, seed=0):
        rng = np.random.default_rng(seed)
        self.sizes = list(sizes)
        self.num_layers = len(self.sizes)
        # W[l] maps layer l's activations (a column of n_l) to layer l+1's: shape (n_{l+1}, n_l)
        self.weights = [rng.standard_normal((n_out, n_in)) / np.sqrt(n_in)
                        for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:])]
        self.biases = [rng.standard_normal((n_out, 1)) for n_out in self.sizes[1:]]

    def feedforward(self, a):
        for W, b in zip(self.weights, self.biases):
            a = sigmoid(W @ a + b)
        return a

    def backprop(self, x, y):
        """(nabla_b, nabla_w) for one sample: the gradients of C_x = 1/2 ||a_L - y||^2."""
        zs, activations = [], [x]
        for W, b in zip(self.weights, self.biases):
            zs.append(W @ activations[-1] + b)
            activations.append(sigmoid(zs[-1]))
        nabla_b = [None] * len(self.biases)
        nabla_w = [None] * len(self.weights)
        delta = self.cost_derivative(activations[-1], y) * sigmoid_prime(zs[-1])
        for l in range(len(self.weights) - 1, -1, -1):
            nabla_b[l] = delta
            nabla_w[l] = delta @ activations[l].T
            if l > 0:
                delta = (self.weights[l].T @ delta) * sigmoid_prime(zs[l - 1])
        return nabla_b, nabla_w

    def cost_derivative(self, output, y):
        return output - y

    def update_mini_batch(self, batch, eta):
        """One gradient step on the mean cost of the (x, y) pairs in ``batch``."""
        sum_b = [np.zeros(b.shape) for b in self.biases]
        sum_w = [np.zeros(W.shape) for W in self.weights]
        for x, y in batch:
            nabla_b, nabla_w = self.backprop(x, y)
            sum_b = [s + n for s, n in zip(sum_b, nabla_b)]
            sum_w = [s + n for s, n in zip(sum_w, nabla_w)]
        self.weights = [W - (eta / len(batch)) * n for W, n in zip(self.weights, sum_w)]
        self.biases = [b - (eta / len(batch)) * n for b, n in zip(self.biases, sum_b)]

    def sgd(self, data, epochs, batch_size, eta, seed=0):
        rng = np.random.default_rng(seed)
        for _ in range(epochs):
            order = rng.permutation(len(data))
            for start in range(0, len(data), batch_size):
                self.update_mini_batch([data[i] for i in order[start:start + batch_size]], eta)
