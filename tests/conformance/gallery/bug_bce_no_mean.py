"""bce without the mean: -sum [t ln y + (1 - t) ln(1 - y)] and its derivative without the
1/(N K) (tutorial-convention base, SIGN = -1).
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gallery_base import extend  # noqa: E402

extend(globals(), "correct_tutorial")

EXPECTED_DIAGNOSIS = "factor_nk"
CHECKS = ["conformance/checks/test_losses.py"]


def bce(y, t):
    return float(-np.sum(t * np.log(y) + (1 - t) * np.log(1 - y)))  # the slip: sum, not mean


def bce_prime(y, t):
    return t / y - (1 - t) / (1 - y)
