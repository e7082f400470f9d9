"""A correct implementation that handles the bias as a constant input: every layer's
input gets a column of ones and the bias is the last row of an augmented weight
matrix, W_aug = [W; b], so Z = [A, 1] @ W_aug.

Row layout; g' takes the pre-activation (PRIME_OF = "z"); backward quantities are in
the tutorial convention, error = target - output (SIGN = -1). At the interface the
augmented matrices are split back into (W, b) pairs; a layer without a bias gets no
ones column. numpy only.
"""
import numpy as np

LAYOUT = "row"
SIGN = -1
PRIME_OF = "z"

LEAK = 0.01


# ------------------------------------------------------------------ activations g(z) and g'(z)


def identity(z):
    return np.asarray(z) + 0


def identity_prime(z):
    return np.full(np.shape(z), 1.0)


def sigmoid(z):
    z = np.asarray(z)
    out = np.empty_like(z, dtype=np.result_type(z.dtype, np.float32))
    pos = z >= 0
    out[pos] = 1 / (1 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1 + ez)
    return out


def sigmoid_prime(z):
    s = sigmoid(z)
    return s - s * s


def tanh(z):
    return np.tanh(z)


def tanh_prime(z):
    t = np.tanh(z)
    return (1 - t) * (1 + t)


def relu(z):
    return np.clip(z, 0, None)


def relu_prime(z):
    return np.heaviside(z, 0.0)  # relu'(0) = 0


def leaky_relu(z):
    return np.maximum(z, LEAK * np.asarray(z))


def leaky_relu_prime(z):
    return np.where(np.asarray(z) > 0, 1.0, LEAK)


def softplus(z):
    return np.logaddexp(np.zeros((), np.asarray(z).dtype), z)


def softplus_prime(z):
    return sigmoid(z)


def rbf(z):
    return np.exp(-np.square(z))


def rbf_prime(z):
    return -2 * np.asarray(z) * rbf(z)


def softmax(z):
    z = z - np.max(z, axis=-1, keepdims=True)
    ez = np.exp(z)
    return ez / np.sum(ez, axis=-1, keepdims=True)


def g(name, z):
    return globals()[name](z)


def g_prime(name, z):
    return globals()[name + "_prime"](z)


# ------------------------------------------------------------------ losses; *_prime = -dE/dy


def _n(y):
    return y.shape[0] if y.ndim == 2 else 1


def half_sse(y, t):
    return float(0.5 * np.sum(np.square(t - y)))


def half_sse_prime(y, t):
    return t - y


def sse(y, t):
    return float(np.sum(np.square(t - y)))


def sse_prime(y, t):
    return 2 * (t - y)


def mse(y, t):
    return float(np.sum(np.square(t - y)) / y.size)


def mse_prime(y, t):
    return (2 / y.size) * (t - y)


def bce(y, t):
    return float(-np.sum(t * np.log(y) + (1 - t) * np.log1p(-y)) / y.size)


def bce_prime(y, t):
    return (t / y - (1 - t) / (1 - y)) / y.size


def cross_entropy(y, t):
    return float(-np.sum(t * np.log(y)) / _n(y))


def cross_entropy_prime(y, t):
    return t / (y * _n(y))


def error(loss, y, t):
    return globals()[loss + "_prime"](y, t)


# ------------------------------------------------------------------ deltas, -dE/dz


def output_delta(y, t, z, activation, loss):
    e = error(loss, y, t)
    if activation != "softmax":
        return e * g_prime(activation, z)
    if loss == "cross_entropy":
        return (t - y * np.sum(t, axis=-1, keepdims=True)) / _n(y)
    return y * e - y * np.sum(y * e, axis=-1, keepdims=True)


def hidden_delta(delta_next, W_next, z, a, activation):
    return np.matmul(delta_next, np.transpose(W_next)) * g_prime(activation, z)


# ------------------------------------------------------------------ the augmented network


def augment(params):
    """[(W_aug, has_bias)]: W_aug = [W; b] when the layer has a bias, else W."""
    return [(np.vstack([W, np.reshape(b, (1, -1))]) if b is not None else np.array(W, dtype=float),
             b is not None) for W, b in params]


def split(augmented):
    return [(W_aug[:-1], W_aug[-1]) if has_bias else (W_aug, None) for W_aug, has_bias in augmented]


def with_ones(A, has_bias):
    return np.hstack([A, np.ones((A.shape[0], 1))]) if has_bias else A


def run(augmented, X, activations):
    inputs, zs = [], []
    A = X
    for (W_aug, has_bias), name in zip(augmented, activations):
        inputs.append(with_ones(A, has_bias))
        zs.append(inputs[-1] @ W_aug)
        A = g(name, zs[-1])
    return inputs, zs, A


def forward(params, X, activations):
    return run(augment(params), X, activations)[2]


def errors_aug(augmented, X, T, activations, loss):
    """[-dE/dW_aug] for each layer."""
    inputs, zs, Y = run(augmented, X, activations)
    delta = output_delta(Y, T, zs[-1], activations[-1], loss)
    out = [None] * len(augmented)
    for l in reversed(range(len(augmented))):
        W_aug, has_bias = augmented[l]
        out[l] = inputs[l].T @ delta
        if l:
            W = W_aug[:-1] if has_bias else W_aug  # the ones column has no upstream
            delta = hidden_delta(delta, W, zs[l - 1], None, activations[l - 1])
    return out


def gradients(params, X, T, activations, loss):
    augmented = augment(params)
    errs = errors_aug(augmented, X, T, activations, loss)
    return split([(e, has_bias) for e, (_, has_bias) in zip(errs, augmented)])


def train_step(params, X, T, lr, activations, loss):
    augmented = augment(params)
    errs = errors_aug(augmented, X, T, activations, loss)
    return split([(W_aug + lr * e, has_bias) for e, (W_aug, has_bias) in zip(errs, augmented)])


def train(X, T, hidden, activations, loss, lr, epochs, seed):
    rng = np.random.default_rng(seed)
    sizes = [X.shape[1], *hidden, T.shape[1]]
    augmented = [(rng.uniform(-1, 1, (n_in + 1, n_out)) / np.sqrt(n_in), True)
                 for n_in, n_out in zip(sizes, sizes[1:])]
    for _ in range(epochs):
        errs = errors_aug(augmented, X, T, activations, loss)
        augmented = [(W_aug + lr * e, True) for e, (W_aug, _) in zip(errs, augmented)]
    return split(augmented)
