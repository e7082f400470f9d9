"""A regressor that only exposes a training step: no gradient function, just fit_batch.

Row layout (samples are rows): W[l] is (n_in, n_out), b[l] is (1, n_out); tanh in the
hidden layers, a linear output, and the cost 1/(2N) sum ||y - t||^2 (half the squared
error, averaged over the N samples). One call of fit_batch is one full-batch gradient
step, done in place, layer by layer from the output back.

Written for docs/ADAPTERS.md (the adapter deltaspec.conformance.adapters.update_only);
numpy only.
"""
import numpy as np


class Regressor:
    def __init__(self, sizes, seed=0):
        rng = np.random.default_rng(seed)
        self.W = [rng.normal(0.0, 1.0 / np.sqrt(n_in), (n_in, n_out)) for n_in, n_out in zip(sizes, sizes[1:])]
        self.b = [np.zeros((1, n_out)) for n_out in sizes[1:]]

    def predict(self, X):
        return self._forward(X)[-1]

    def _forward(self, X):
        outs = [X]
        for l, (W, b) in enumerate(zip(self.W, self.b)):
            z = outs[-1] @ W + b
            outs.append(z if l == len(self.W) - 1 else np.tanh(z))
        return outs

    def fit_batch(self, X, Y, lr):
        """One step down the mean cost; returns the cost before the step."""
        outs = self._forward(X)
        n = X.shape[0]
        delta = (outs[-1] - Y) / n
        for l in reversed(range(len(self.W))):
            grad_W = outs[l].T @ delta
            grad_b = delta.sum(axis=0, keepdims=True)
            if l > 0:
                delta = (delta @ self.W[l].T) * (1.0 - outs[l] ** 2)
            self.W[l] -= lr * grad_W
            self.b[l] -= lr * grad_b
        return 0.5 * np.sum((outs[-1] - Y) ** 2) / n

    def fit(self, X, Y, lr=0.1, epochs=100):
        return [self.fit_batch(X, Y, lr) for _ in range(epochs)]
