"""Seed 002: the CodeSignal lesson's ``NeuralNetwork`` class trained on XOR.

3-4-1 sigmoid, no bias vectors (X's constant third column is the hidden bias), full
batch, learning rate 0.1. The original draws ``weights1 = np.random.rand(3, 4)`` then
``weights2 = np.random.rand(4, 1)`` with no seed; here ``np.random.seed(seed)`` comes
first. The code trains 10000 epochs; the prose says 1500 (``epochs=1500``).

One epoch, op for op (``feedforward`` then ``backprop``):

    layer1 = g(X weights1);  output = g(layer1 weights2)
    error  = 2*(y - output)                       # sse's gradient, target - output sign
    d_weights2 = layer1^T (error * g'(output))
    d_weights1 = X^T (g'(layer1) * ((error * g'(output)) weights2^T))
    weights1 += lr * d_weights1;  weights2 += lr * d_weights2

g and g' are the spec's naive ``1/(1 + numpy.exp(-z))`` and ``a*(1 - a)`` (the
lesson's ``sigmoid_derivative`` takes the sigmoid's output). The products are
``reference.trainers.fixed_order.matmul``'s, summed left to right: the lesson
published no digits that could pin its BLAS's order, so the default order makes the
output the same on every machine. The original evaluates ``2*(self.y - self.output) *
sigmoid_derivative(self.output)`` twice with the same result; it is computed once.
"""
from __future__ import annotations

import numpy as np

from deltaspec.spec import numeric

from deltaspec.reference.trainers import fixed_order
from deltaspec.reference.trainers.printing import array
from deltaspec.reference.trainers.trajectory import Run, Trajectory

X_PRINTED = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]])
X = X_PRINTED.astype(np.float64)  # np.dot's arithmetic on the int X (see reference.trask.X)
Y = np.array([[0], [1], [1], [0]])
LEARNING_RATE = 0.1


def initial(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``np.random.seed(seed)``; weights1 = rand(3, 4); weights2 = rand(4, 1)."""
    np.random.seed(seed)
    return np.random.rand(X.shape[1], 4), np.random.rand(4, 1)


def predict(weights1, weights2, new_input):
    """The class's ``predict``: g(g(new_input weights1) weights2)."""
    sigmoid = numeric.activation("sigmoid", naive=True)
    return sigmoid(fixed_order.pre_activation(sigmoid(fixed_order.pre_activation(new_input, weights1)), weights2))


def train(seed: int = 1, epochs: int = 10000, record: int = 0) -> Run:
    """``nn = NeuralNetwork(X, Y); nn.train(epochs)``, then the lesson's printout."""
    sigmoid = numeric.activation("sigmoid", naive=True)
    sigmoid_derivative = numeric.activation_prime("sigmoid", of="a", naive=True)
    weights1, weights2 = initial(seed)
    traj = Trajectory(("weights1", "weights2"), record)
    traj.start(weights1, weights2)
    for epoch in range(epochs):
        layer1 = sigmoid(fixed_order.pre_activation(X, weights1))
        output = sigmoid(fixed_order.pre_activation(layer1, weights2))
        error = 2 * (Y - output)
        output_term = error * sigmoid_derivative(output)
        d_weights2 = fixed_order.weight_gradient(layer1, output_term)
        d_weights1 = fixed_order.weight_gradient(X, fixed_order.hidden_delta(output_term, weights2, sigmoid_derivative(layer1)))
        weights1 += LEARNING_RATE * d_weights1
        weights2 += LEARNING_RATE * d_weights2
        if epoch < record:
            traj.add(error, weights1, weights2)
    lines, predictions = ["", "Predictions:"], []
    for i, x in enumerate(X_PRINTED):
        predictions.append(predict(weights1, weights2, np.array([X[i]])))
        lines.append(f"Input: {x} ---> Prediction: {array(predictions[-1])}, Expected: {Y[i]}")
    values = {"predictions": np.concatenate(predictions)}
    return Run(lines, {"weights1": weights1, "weights2": weights2}, traj, values)
