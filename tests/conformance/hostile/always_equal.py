"""Attack: return an object that equals everything.

sigmoid_prime returns an object whose ==, !=, <, <=, >, >= all answer True, whose
abs(), subtraction and arithmetic return itself, which pretends to be a float array
(dtype, shape, ``__array__`` returning zeros, ``__len__``, indexing), so that a naive
``assert got == expected`` or ``abs(got - expected) <= tol`` passes.

Isolated, the worker cannot send it (the wire carries plain data only): both
sigmoid_prime checks fail with "not plain data". In-process (--deltaspec-no-isolate) the adapter
refuses it too, without calling any of its methods.
"""
import numpy as np

EXPECT_STATUS = 1
EXPECT_REASON = "not plain data"
MUST_FAIL = ["derivative sigmoid_prime"]
SLOW = True


class AlwaysEqual:
    dtype = np.dtype(np.float64)
    shape = ()
    ndim = 0

    def __init__(self, shape=()):
        self.shape = shape

    def __eq__(self, other):
        return True

    __ne__ = __lt__ = __le__ = __gt__ = __ge__ = __eq__

    def __bool__(self):
        return True

    def __abs__(self):
        return self

    def __sub__(self, other):
        return self

    __rsub__ = __add__ = __radd__ = __mul__ = __rmul__ = __truediv__ = __rtruediv__ = __neg__ = __sub__

    def __array__(self, dtype=None, copy=None):
        return np.zeros(self.shape)

    def __len__(self):
        return self.shape[0] if self.shape else 1

    def __getitem__(self, item):
        return self

    def __float__(self):
        return 0.0

    def __hash__(self):
        return 0


def sigmoid(z):
    z = np.asarray(z)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_prime(z):
    return AlwaysEqual(np.shape(z))
