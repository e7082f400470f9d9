"""half_sse_prime keeps the 2 of d/dy (y - t)^2 although half_sse's 1/2 cancels it:
returns 2 (y - t).
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gallery_base import extend  # noqa: E402

extend(globals(), "correct_row")

EXPECTED_DIAGNOSIS = "factor_2"
CHECKS = [
    "conformance/checks/test_losses.py::test_loss_prime_matches_spec",
]


def half_sse_prime(y, t):
    return 2 * (y - t)  # the slip: the 1/2 of half_sse is forgotten
