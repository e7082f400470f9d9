"""mse_prime returns 2 (t - y) / (N K): the error (target - output) where the module's
convention (SIGN = +1) wants dE/dy = 2 (y - t) / (N K).
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gallery_base import extend  # noqa: E402

extend(globals(), "correct_row")

EXPECTED_DIAGNOSIS = "sign"
CHECKS = ["conformance/checks/test_losses.py"]


def mse_prime(y, t):
    return 2 * (t - y) / np.size(y)  # the slip: t - y in a SIGN = +1 module
