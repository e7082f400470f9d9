"""Attack: return an ndarray subclass that lies in comparisons and arithmetic.

sigmoid_prime returns a ``numpy.ndarray`` subclass holding half the derivative, whose
``__array_ufunc__`` answers every comparison with True and every subtraction or
absolute value with zeros, and whose ``__eq__`` is always True: any check that did its
arithmetic on the returned object would see no difference.

Isolated, the worker refuses to send a subclass (and the pytest process would decode
only a plain ndarray anyway): both sigmoid_prime checks fail with "not plain data".
In-process (--deltaspec-no-isolate) the adapter refuses subclasses too.
"""
import numpy as np

EXPECT_STATUS = 1
EXPECT_REASON = "not plain data"
MUST_FAIL = ["derivative sigmoid_prime"]
FALLBACK = True


class Agreeable(np.ndarray):
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        plain = [np.asarray(x) if isinstance(x, Agreeable) else x for x in inputs]
        shape = np.broadcast(*[np.asarray(x) for x in plain]).shape
        if ufunc in (np.less, np.less_equal, np.greater, np.greater_equal, np.equal, np.not_equal, np.isfinite):
            return np.ones(shape, dtype=bool)
        if ufunc in (np.subtract, np.absolute, np.fabs):
            return np.zeros(shape)
        return getattr(ufunc, method)(*plain, **kwargs)

    def __eq__(self, other):
        return np.ones(self.shape, dtype=bool)


def sigmoid(z):
    z = np.asarray(z)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_prime(z):
    s = sigmoid(z)
    return np.asarray(0.5 * s * (1 - s)).view(Agreeable)  # WRONG values, dressed up
