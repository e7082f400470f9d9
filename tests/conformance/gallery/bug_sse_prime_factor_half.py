"""sse_prime drops the 2 of d/dy (y - t)^2: returns (a - y) as if the loss were half_sse
(column-layout base).
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gallery_base import extend  # noqa: E402

extend(globals(), "correct_column")

EXPECTED_DIAGNOSIS = "factor_half"
CHECKS = ["conformance/checks/test_losses.py"]


def sse_prime(a, y):
    return a - y  # the slip: sse treated as half_sse
