"""A correct tutorial-convention module (error = target - output, so every *_prime,
delta and gradient is -dE/d.) that forgot to declare SIGN = -1: the suite must say the
sign is flipped and name the constant to declare.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gallery_base import extend  # noqa: E402

extend(globals(), "correct_bias_column")

EXPECTED_DIAGNOSIS = "sign"
CHECKS = [
    "conformance/checks/test_losses.py::test_loss_prime_matches_spec",
]
EXPECTED_TEXT = "SIGN = -1"

del SIGN  # the slip: the declaration SIGN = -1 is missing, so the default +1 applies
