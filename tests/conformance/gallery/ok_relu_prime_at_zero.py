"""Not a bug: relu'(0) = 1 (the z >= 0 test) where the spec chose relu'(0) = 0.

At the kink the derivative is a convention: any value in [0, 1] is a subgradient.
The suite generates pre-activations at least KINK_MARGIN away from 0 and its
finite-difference checks report kinks instead of failing, so this module must PASS
every check that touches relu's derivative (EXPECTED_DIAGNOSIS = None: no failure).
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gallery_base import extend  # noqa: E402

extend(globals(), "correct_row")

EXPECTED_DIAGNOSIS = None
CHECKS = [
    "conformance/checks/test_elementwise.py::test_derivative_matches_spec[relu_prime]",
    "conformance/checks/test_elementwise.py::test_derivative_matches_finite_differences[relu_prime]",
    "conformance/checks/test_elementwise.py::test_kinks_are_reported_not_failed",
    "conformance/checks/test_deltas.py::test_hidden_delta[relu]",
    "conformance/checks/test_network.py::test_gradients_match_reference",
]


def relu_prime(z):
    return np.where(np.asarray(z) >= 0, 1.0, 0.0)  # relu'(0) = 1: a different, harmless convention
