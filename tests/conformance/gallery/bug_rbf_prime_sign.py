"""rbf_prime returns 2 z e^{-z^2}: the minus sign of d/dz e^{-z^2} = -2 z e^{-z^2} is lost.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gallery_base import extend  # noqa: E402

extend(globals(), "correct_column")

EXPECTED_DIAGNOSIS = "sign"
CHECKS = [
    "conformance/checks/test_elementwise.py::test_derivative_matches_spec",
    "conformance/checks/test_elementwise.py::test_derivative_matches_finite_differences",
]


def rbf_prime(z):
    z = np.asarray(z)
    return 2.0 * z * np.exp(-z ** 2)  # the slip: the minus sign is lost
