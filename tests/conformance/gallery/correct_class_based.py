"""A correct implementation organized as a small library: Activation and Loss objects,
a Dense layer that caches its input and pre-activation on the way forward and returns
the gradient with respect to its input on the way back, and a Network of layers with
fit() and an in-place SGD step.

The interface functions are thin wrappers over the classes, as a library author would
wire a plugin: ``sigmoid`` is the Sigmoid object itself (it is callable) and
``sigmoid_prime`` its bound ``derivative``; ``gradients`` builds a Network around the
given arrays and runs backward; ``train_step`` lets the optimizer update the layers in
place (the interface allows it) and returns the network's parameters.

Row layout, SIGN = +1, PRIME_OF = "z". numpy only.
"""
import numpy as np

LAYOUT = "row"
SIGN = 1
PRIME_OF = "z"


# ------------------------------------------------------------------ activations


class Activation:
    """g(z) through __call__, g'(z) through derivative(z)."""

    name = None

    def __call__(self, z):
        raise NotImplementedError

    def derivative(self, z):
        raise NotImplementedError

    def backward(self, z, grad_out):
        """dE/dz from dE/da for an element-wise activation."""
        return grad_out * self.derivative(z)

    def __repr__(self):
        return f"{type(self).__name__}()"


class Identity(Activation):
    name = "identity"

    def __call__(self, z):
        return np.array(z, dtype=float)

    def derivative(self, z):
        return np.ones(np.shape(z))


class Sigmoid(Activation):
    name = "sigmoid"

    def __call__(self, z):
        z = np.asarray(z, dtype=float)
        return np.exp(np.minimum(z, 0)) / (1 + np.exp(-np.abs(z)))

    def derivative(self, z):
        s = self(z)
        return s * (1 - s)


class Tanh(Activation):
    name = "tanh"

    def __call__(self, z):
        return np.tanh(z)

    def derivative(self, z):
        return 1 / np.cosh(z) ** 2


class ReLU(Activation):
    name = "relu"

    def __call__(self, z):
        return np.maximum(np.asarray(z, dtype=float), 0)

    def derivative(self, z):
        return np.greater(z, 0).astype(float)


class LeakyReLU(Activation):
    name = "leaky_relu"

    def __init__(self, negative_slope=0.01):
        self.negative_slope = negative_slope

    def __call__(self, z):
        z = np.asarray(z, dtype=float)
        return np.where(z > 0, z, self.negative_slope * z)

    def derivative(self, z):
        return np.where(np.asarray(z) > 0, 1.0, self.negative_slope)


class Softplus(Activation):
    name = "softplus"

    def __call__(self, z):
        return np.logaddexp(0, z)

    def derivative(self, z):
        return Sigmoid()(z)


class RBF(Activation):
    name = "rbf"

    def __call__(self, z):
        return np.exp(-np.square(z))

    def derivative(self, z):
        return -2 * np.asarray(z) * np.exp(-np.square(z))


class Softmax(Activation):
    name = "softmax"

    def __call__(self, z):
        z = np.asarray(z, dtype=float)
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)

    def backward(self, z, grad_out):
        """The Jacobian-vector product: a * (g - sum(a * g)) per row."""
        a = self(z)
        return a * (grad_out - np.sum(a * grad_out, axis=-1, keepdims=True))


ACTIVATIONS = {cls.name: cls() for cls in (Identity, Sigmoid, Tanh, ReLU, LeakyReLU, Softplus, RBF, Softmax)}


# ------------------------------------------------------------------ losses


class Loss:
    """value(y, t) -> float, gradient(y, t) -> dE/dy."""

    name = None

    def __call__(self, y, t):
        return self.value(y, t)


class HalfSSE(Loss):
    name = "half_sse"

    def value(self, y, t):
        return 0.5 * np.sum((y - t) ** 2)

    def gradient(self, y, t):
        return y - t


class SSE(Loss):
    name = "sse"

    def value(self, y, t):
        return np.sum((y - t) ** 2)

    def gradient(self, y, t):
        return 2 * (y - t)


class MSE(Loss):
    name = "mse"

    def value(self, y, t):
        return np.mean((y - t) ** 2)

    def gradient(self, y, t):
        return 2 * (y - t) / np.size(y)


class BinaryCrossEntropy(Loss):
    name = "bce"

    def value(self, y, t):
        return -np.mean(t * np.log(y) + (1 - t) * np.log1p(-y))

    def gradient(self, y, t):
        return (y - t) / (y * (1 - y)) / np.size(y)


class CrossEntropy(Loss):
    name = "cross_entropy"

    def value(self, y, t):
        return -np.sum(t * np.log(y)) / y.shape[0]

    def gradient(self, y, t):
        return -t / y / y.shape[0]


LOSSES = {cls.name: cls() for cls in (HalfSSE, SSE, MSE, BinaryCrossEntropy, CrossEntropy)}


# ------------------------------------------------------------------ layers and the network


class Dense:
    """a = activation(x @ W + b); b may be None."""

    def __init__(self, W, b, activation):
        self.W, self.b = W, b
        self.activation = ACTIVATIONS[activation] if isinstance(activation, str) else activation
        self.x = self.z = None
        self.dW = self.db = None

    def forward(self, x):
        self.x = x
        self.z = x @ self.W if self.b is None else x @ self.W + self.b
        return self.activation(self.z)

    def backward_from_delta(self, delta):
        """Store dW, db for this layer's delta; return dE/dx."""
        self.dW = self.x.T @ delta
        self.db = None if self.b is None else delta.sum(axis=0)
        return delta @ self.W.T

    def backward(self, grad_out):
        return self.backward_from_delta(self.activation.backward(self.z, grad_out))


class SGD:
    def __init__(self, lr):
        self.lr = lr

    def step(self, layers):
        for layer in layers:
            layer.W -= self.lr * layer.dW
            if layer.b is not None:
                layer.b -= self.lr * layer.db


class Network:
    def __init__(self, layers, loss=None):
        self.layers = layers
        self.loss = LOSSES[loss] if isinstance(loss, str) else loss

    @classmethod
    def from_params(cls, params, activations, loss=None):
        return cls([Dense(W, b, act) for (W, b), act in zip(params, activations)], loss)

    @classmethod
    def initialized(cls, sizes, activations, loss, seed):
        rng = np.random.default_rng(seed)
        layers = []
        for n_in, n_out, act in zip(sizes, sizes[1:], activations):
            limit = np.sqrt(6 / (n_in + n_out))
            layers.append(Dense(rng.uniform(-limit, limit, (n_in, n_out)), np.zeros(n_out), act))
        return cls(layers, loss)

    @property
    def params(self):
        return [(layer.W, layer.b) for layer in self.layers]

    def forward(self, X):
        for layer in self.layers:
            X = layer.forward(X)
        return X

    def output_delta(self, y, t, z, activation):
        activation = ACTIVATIONS[activation] if isinstance(activation, str) else activation
        if activation.name == "softmax" and self.loss.name == "cross_entropy":
            return (y * t.sum(axis=-1, keepdims=True) - t) / y.shape[0]
        if activation.name == "sigmoid" and self.loss.name == "bce":
            return (y - t) / np.size(y)
        return activation.backward(z, self.loss.gradient(y, t))

    def backward(self, y, T):
        """Fill every layer's dW, db."""
        last = self.layers[-1]
        grad = last.backward_from_delta(self.output_delta(y, T, last.z, last.activation))
        for layer in reversed(self.layers[:-1]):
            grad = layer.backward(grad)

    def gradients(self, X, T):
        self.backward(self.forward(X), T)
        return [(layer.dW, layer.db) for layer in self.layers]

    def fit(self, X, T, lr, epochs):
        optimizer = SGD(lr)
        for _ in range(epochs):
            self.gradients(X, T)
            optimizer.step(self.layers)
        return self


# ------------------------------------------------------------------ the plugin interface

identity, identity_prime = ACTIVATIONS["identity"], ACTIVATIONS["identity"].derivative
sigmoid, sigmoid_prime = ACTIVATIONS["sigmoid"], ACTIVATIONS["sigmoid"].derivative
tanh, tanh_prime = ACTIVATIONS["tanh"], ACTIVATIONS["tanh"].derivative
relu, relu_prime = ACTIVATIONS["relu"], ACTIVATIONS["relu"].derivative
leaky_relu, leaky_relu_prime = ACTIVATIONS["leaky_relu"], ACTIVATIONS["leaky_relu"].derivative
softplus, softplus_prime = ACTIVATIONS["softplus"], ACTIVATIONS["softplus"].derivative
rbf, rbf_prime = ACTIVATIONS["rbf"], ACTIVATIONS["rbf"].derivative
softmax = ACTIVATIONS["softmax"]

half_sse, half_sse_prime = LOSSES["half_sse"], LOSSES["half_sse"].gradient
sse, sse_prime = LOSSES["sse"], LOSSES["sse"].gradient
mse, mse_prime = LOSSES["mse"], LOSSES["mse"].gradient
bce, bce_prime = LOSSES["bce"], LOSSES["bce"].gradient
cross_entropy, cross_entropy_prime = LOSSES["cross_entropy"], LOSSES["cross_entropy"].gradient


def output_delta(y, t, z, activation, loss):
    return Network([], loss).output_delta(y, t, z, activation)


def hidden_delta(delta_next, W_next, z, a, activation):
    return ACTIVATIONS[activation].backward(z, delta_next @ W_next.T)


def forward(params, X, activations):
    return Network.from_params(params, activations).forward(X)


def gradients(params, X, T, activations, loss):
    return Network.from_params(params, activations, loss).gradients(X, T)


def train_step(params, X, T, lr, activations, loss):
    net = Network.from_params(params, activations, loss)
    net.fit(X, T, lr, epochs=1)
    return net.params


def train(X, T, hidden, activations, loss, lr, epochs, seed):
    net = Network.initialized([X.shape[1], *hidden, T.shape[1]], activations, loss, seed)
    return net.fit(X, T, lr, epochs).params
