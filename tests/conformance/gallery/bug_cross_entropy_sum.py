"""cross_entropy sums over the samples instead of averaging: -sum t ln y, and its
derivative -t / y (the 1/N is missing from both).
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gallery_base import extend  # noqa: E402

extend(globals(), "correct_row")

EXPECTED_DIAGNOSIS = "factor_n"
CHECKS = [
    "conformance/checks/test_losses.py::test_loss_value",
    "conformance/checks/test_losses.py::test_loss_prime_matches_spec",
]


def cross_entropy(y, t):
    return -float(np.sum(np.where(t != 0, t * np.log(y), 0.0)))  # the slip: no / N


def cross_entropy_prime(y, t):
    return -t / y
