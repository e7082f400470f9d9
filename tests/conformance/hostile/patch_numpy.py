"""Attack: make every comparison succeed by patching numpy on import.

numpy.allclose, isclose, array_equal, array_equiv, testing.assert_allclose,
testing.assert_array_equal and testing.assert_array_almost_equal all say "equal", and
numpy.isfinite says "finite".

Its sigmoid_prime is wrong (half the derivative). Isolated, only the worker's numpy is
patched; the verdicts are computed in the pytest process with its own numpy: both
sigmoid_prime checks fail. (Even in-process this patch does not rescue the derivative:
the suite's comparisons are plain array arithmetic, not numpy.allclose.)
"""
import numpy as np
import numpy.testing

EXPECT_STATUS = 1
EXPECT_REASON = "differ from the spec"
MUST_FAIL = ["derivative sigmoid_prime"]
SLOW = True

_sigmoid_exp = np.exp  # keep what the honest part needs


def _true(*args, **kwargs):
    return True


def _none(*args, **kwargs):
    return None


np.allclose = np.array_equal = np.array_equiv = _true
np.isclose = lambda a, b, *args, **kwargs: np.ones(np.broadcast(a, b).shape, dtype=bool)
np.isfinite = lambda x, *args, **kwargs: np.ones(np.shape(x), dtype=bool)
numpy.testing.assert_allclose = numpy.testing.assert_array_equal = _none
numpy.testing.assert_array_almost_equal = numpy.testing.assert_equal = _none


def sigmoid(z):
    z = np.asarray(z)
    e = _sigmoid_exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_prime(z):
    s = sigmoid(z)
    return 0.5 * s * (1 - s)  # WRONG: half the derivative
