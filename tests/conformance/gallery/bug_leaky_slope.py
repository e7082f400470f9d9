"""leaky_relu with the negative slope 0.1 (value and derivative) instead of the spec's 0.01.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gallery_base import extend  # noqa: E402

extend(globals(), "correct_row")

EXPECTED_DIAGNOSIS = "leaky_slope"
CHECKS = [
    "conformance/checks/test_elementwise.py::test_activation_value",
    "conformance/checks/test_elementwise.py::test_derivative_matches_spec",
]

LEAKY_SLOPE = 0.1  # the slip: the spec's slope is 0.01
